import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { startDevNode, type TestNode } from "../../../harness/devNode.ts";

/**
 * docs/client.md's examples, run as they are written — importing `arkreen-node/client` through the
 * package's `exports` — against a dev node; only the URL is replaced by the test node's.
 */
const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const DOC = `${ROOT}docs/client.md`;
const WORK = `${ROOT}.tmp/client-doc`;

function examples(): string[] {
  const text = readFileSync(DOC, "utf8");
  return [...text.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]).filter((code) => code.includes("ArkreenClient.connect("));
}

describe("docs/client.md: its examples run against a dev node", function () {
  this.timeout(120_000);
  let t: TestNode;

  before(async () => {
    t = await startDevNode({ slotDurationMs: 500 });
    mkdirSync(WORK, { recursive: true });
  });
  after(async () => {
    await t?.stop();
    rmSync(WORK, { recursive: true, force: true });
  });

  it("has the three examples, each connecting to the default local RPC", () => {
    const found = examples();
    assert.equal(found.length, 3);
    for (const code of found) assert.ok(code.includes('"ws://127.0.0.1:9944"') && code.includes('from "arkreen-node/client"'));
  });

  const expected: RegExp[][] = [
    [/^Alice holds \d+ AKRE$/m, /^block #\d+: /m],
    [/^fee estimate: \d+$/m, /^finalized in block #\d+, fee \d+$/m, /balances\.Transfer .*"amount":"1500000000000000000"/, /system\.ExtrinsicSuccess/],
    [/^registered device \d+$/m, /\{ accepted: true \},\s*\{ accepted: true \}/],
  ];
  for (const [i, patterns] of expected.entries()) {
    it(`runs example ${i + 1}`, async () => {
      const file = `${WORK}/example${i + 1}.ts`;
      writeFileSync(file, examples()[i].replaceAll("ws://127.0.0.1:9944", t.wsUrl));
      const { stdout } = await promisify(execFile)(process.execPath, [file], { cwd: ROOT, timeout: 60_000 });
      for (const p of patterns) assert.match(stdout, p);
    });
  }
});
