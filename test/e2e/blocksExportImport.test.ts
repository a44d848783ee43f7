import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ProcessScope, waitUntil, type NodeProcess } from "../../harness/process.ts";
import { AKRE, accountOf, headerAt, heads, signedTransfer, writeFastDevSpec, type BalanceView, type Heads } from "../../harness/devChain.ts";

const SLOT_MS = 500;

interface ChainSnapshot {
  heads: Heads;
  stateRoot: string;
  bob: BalanceView;
}

async function snapshot(node: NodeProcess): Promise<ChainSnapshot> {
  const h = await heads(node);
  return { heads: h, stateRoot: (await headerAt(node, h.best.hash)).stateRoot, bob: await accountOf(node, "Bob") };
}

describe("e2e: export-blocks, import-blocks and purge-chain", function () {
  this.timeout(60_000);
  const scope = new ProcessScope();
  let dir: string;
  let spec: string;
  let source: string;
  let exported: ChainSnapshot;

  /** A stopped node's chain, read by starting it again without authoring. */
  async function readChain(basePath: string): Promise<ChainSnapshot> {
    const node = await scope.startNode({ chain: spec, basePath, prometheus: false });
    try {
      return await snapshot(node);
    } finally {
      assert.equal((await node.stop(5000)).code, 0);
    }
  }

  before(async () => {
    dir = scope.tempDir("blocks");
    spec = writeFastDevSpec(dir, SLOT_MS);
    source = join(dir, "source");
    const node = await scope.startNode({ chain: spec, basePath: source, args: ["--alice"], prometheus: false });
    const genesis = await node.rpc<string>("chain_getBlockHash", [0]);
    for (let nonce = 0; nonce < 5; nonce++) await node.rpc("author_submitExtrinsic", [signedTransfer(genesis, "Bob", "Charlie", AKRE, nonce)]);
    await waitUntil(async () => (await accountOf(node, "Bob")).nonce === 5, 10 * SLOT_MS, "Bob's transfers to be included");
    // Blocks after the transfers too, and at least 5 for the range export.
    const target = Math.max((await heads(node)).best.number + 2, 5);
    await waitUntil(async () => (await heads(node)).best.number >= target, 10 * SLOT_MS, `block #${target}`);
    // export-blocks reads the database, which LevelDB locks while the node runs.
    assert.equal((await node.stop(5000)).code, 0);
    exported = await readChain(source);
    assert.equal(exported.bob.nonce, 5);
  });
  after(() => scope.dispose());

  for (const format of ["json", "binary"] as const) {
    it(`${format}: importing the export into an empty base path reproduces best hash, state root and finalized head`, async () => {
      const flag = format === "binary" ? ["--binary"] : [];
      const file = join(dir, `blocks.${format}`);
      const exportRun = await scope.run(["export-blocks", "--chain", spec, "--base-path", source, ...flag, file]);
      assert.equal(exportRun.code, 0, exportRun.stderr);
      assert.match(exportRun.stderr, new RegExp(`Exported blocks #1\\.\\.#${exported.heads.best.number}\\b`));

      const target = scope.tempDir(`import-${format}`);
      const importRun = await scope.run(["import-blocks", "--chain", spec, "--base-path", target, ...flag, file], 30_000);
      assert.equal(importRun.code, 0, importRun.stderr);
      const { best, finalized } = exported.heads;
      assert.ok(
        importRun.stdout.includes(`Imported ${best.number} blocks, best #${best.number} (${best.hash}), finalized #${finalized.number}`),
        importRun.stdout + importRun.stderr,
      );
      assert.deepEqual(await readChain(target), exported);
    });
  }

  it("--from/--to exports just that range of the canonical chain", async () => {
    const file = join(dir, "range.json");
    const run = await scope.run(["export-blocks", "--chain", spec, "--base-path", source, "--from", "2", "--to", "4", file]);
    assert.equal(run.code, 0, run.stderr);
    const records = JSON.parse(readFileSync(file, "utf8")) as Array<{ number: number; hash: string }>;
    assert.deepEqual(
      records.map((r) => r.number),
      [2, 3, 4],
    );
    const node = await scope.startNode({ chain: spec, basePath: source, prometheus: false });
    for (const r of records) assert.equal(r.hash, await node.rpc<string>("chain_getBlockHash", [r.number]));
    assert.equal((await node.stop(5000)).code, 0);
  });

  it("purge-chain refuses without --chain or --dev, and while a node holds the database, removing nothing", async () => {
    const unnamed = await scope.run(["purge-chain", "--base-path", source, "-y"]);
    assert.notEqual(unnamed.code, 0);
    assert.match(unnamed.stderr, /purge-chain needs --chain <id-or-path> or --dev/);
    const node = await scope.startNode({ chain: spec, basePath: source, prometheus: false });
    const held = await scope.run(["purge-chain", "--chain", spec, "--base-path", source, "-y"]);
    assert.notEqual(held.code, 0);
    assert.match(held.stderr, /is in use by another process \(a running node\?\): stop it first; nothing was removed/);
    assert.ok((await node.rpc<string | null>("chain_getBlockHash", [1])) !== null, "the running node still has its chain");
    assert.equal((await node.stop(5000)).code, 0);
  });

  // Last: it deletes the source chain the other tests export.
  it("purge-chain -y removes the database, and the node starts again from genesis", async () => {
    const run = await scope.run(["purge-chain", "--chain", spec, "--base-path", source, "-y"]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /removed/);
    const after = await readChain(source);
    assert.equal(after.heads.best.number, 0);
    assert.equal(after.bob.nonce, 0);
  });
});
