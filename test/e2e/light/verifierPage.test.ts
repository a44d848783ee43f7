/**
 * The proof verifier page (light/web/) in a real browser: headless Chromium (Debian's `chromium`,
 * driven by puppeteer-core) loads the page from `startVerifier`, the test drops a checkpoint and
 * proof files into its inputs, and reads what the page shows: every level passed for valid
 * proofs, the failed check's name for tampered ones. The same page is served by the dashboard at
 * /verify. Without Chromium the test fails: `.ci/run` installs it (`apt-get install -y chromium`).
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import puppeteer, { type Browser, type Page } from "puppeteer-core";
import { toHex } from "../../../primitives/bytes.ts";
import { encodeCheckpoint, recBundleCodec } from "../../../light/index.ts";
import { startVerifier, type Verifier } from "../../../dashboard/verifierPage.ts";
import { startDashboard } from "../../../dashboard/server.ts";
import { chainWithSetChanges, checkpointOf, SAMPLE_KEY, type TestSet } from "../../../harness/lightChain.ts";
import { buildRecBundle } from "../../../harness/recBundleChain.ts";
import { checkpointToFile } from "../../../cli/commands/rec.ts";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

describe("e2e: the proof verifier page in headless Chromium", function () {
  this.timeout(90_000);
  let verifier: Verifier;
  let browser: Browser;
  let page: Page;
  let dir: string;
  const sets: TestSet[] = [0, 1, 2, 3].map((k) => ({ setId: k, members: [k, k + 1, k + 2, k + 3].map((validator) => ({ validator, weight: 1n })) }));
  const { proof, target } = chainWithSetChanges(sets);

  function file(name: string, content: Uint8Array | string): string {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  }

  /** Sets a file input's file (as choosing it in the file dialog does: the input's change event fires). */
  async function upload(selector: string, path: string): Promise<void> {
    const input = (await page.$(selector)) as unknown as { uploadFile(...paths: string[]): Promise<void> } | null;
    assert.ok(input, selector);
    await input.uploadFile(path);
  }

  /** Drops `anchor` and `proof` into the page's inputs and returns what it shows once it has verified them. */
  async function verify(anchor: string, proofFile: string): Promise<{ result: string; failed: string | null; levels: Array<{ level: string; ok: string; check: string | null }> }> {
    await page.goto(verifier.url, { waitUntil: "domcontentloaded" });
    await page.waitForSelector("body[data-ready]", { timeout: 30_000 });
    await upload("#anchor-file", anchor);
    await upload("#proof-file", proofFile);
    await page.waitForSelector("#summary[data-result]", { timeout: 30_000 });
    const [result, failed] = await page.$eval("#summary", (s) => [s.getAttribute("data-result") as string, s.getAttribute("data-failed-check")]);
    const levels = await page.$$eval("#levels li", (lis) => lis.map((li) => ({ level: li.getAttribute("data-level") as string, ok: li.getAttribute("data-ok") as string, check: li.getAttribute("data-check") })));
    return { result: result as string, failed, levels };
  }

  before(async function () {
    assert.ok(existsSync(CHROMIUM), `Chromium not found at ${CHROMIUM}: the browser tests need it (Debian: apt-get install -y chromium; or set CHROMIUM_PATH). .ci/run installs it.`);
    dir = mkdtempSync(join(tmpdir(), "verifier-page-"));
    [verifier, browser] = await Promise.all([
      startVerifier({ port: 0 }),
      puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"] }),
    ]);
    page = await browser.newPage();
    page.on("pageerror", (e) => console.error("page error:", e));
  });

  after(async () => {
    await browser?.close();
    await verifier?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("a valid finality proof (3 set changes, the JSON-RPC response saved to a file): all checks passed", async () => {
    const shown = await verify(file("checkpoint.bin", encodeCheckpoint(checkpointOf(sets[0]))), file("proof.json", JSON.stringify({ jsonrpc: "2.0", id: 1, result: toHex(proof) })));
    assert.equal(shown.result, "passed");
    assert.deepEqual(shown.levels, [
      { level: "trust anchor", ok: "true", check: null },
      { level: "finality", ok: "true", check: null },
    ]);
  });

  it("a tampered finality proof: the failed check is shown", async () => {
    const tampered = Uint8Array.from(proof);
    tampered[tampered.length - 20] ^= 1;
    const shown = await verify(file("checkpoint.bin", encodeCheckpoint(checkpointOf(sets[0]))), file("tampered.bin", tampered));
    assert.equal(shown.result, "failed");
    assert.equal(shown.failed, "JUSTIFICATION_BAD_SIGNATURE");
    assert.deepEqual(shown.levels.at(-1), { level: "finality", ok: "false", check: "JUSTIFICATION_BAD_SIGNATURE" });
  });

  it("a storage proof verifies; the same proof from a later, wrong set's checkpoint fails", async () => {
    const storage = JSON.stringify({ finalityProof: toHex(proof), header: toHex(target.encoded), key: toHex(SAMPLE_KEY), proof: target.trie.prove([SAMPLE_KEY]).map(toHex) });
    const ok = await verify(file("checkpoint.hex", toHex(encodeCheckpoint(checkpointOf(sets[0])))), file("storage.json", storage));
    assert.equal(ok.result, "passed");
    assert.deepEqual(ok.levels.map((l) => l.level), ["trust anchor", "finality", "storage"]);
    const wrong = await verify(file("checkpoint-set1.bin", encodeCheckpoint(checkpointOf(sets[1]))), file("storage.json", storage));
    assert.equal(wrong.failed, "JUSTIFICATION_WRONG_SET");
  });

  it("a REC bundle (rec prove's file) from a checkpoint file (rec checkpoint's): four levels passed; a swapped device signature fails its level", async () => {
    const { bundle, checkpoint } = buildRecBundle({ setChanges: 2, devices: 2, slotsPerDevice: 4 });
    const anchor = file("checkpoint.json", JSON.stringify(checkpointToFile(checkpoint)));
    const bundleFile = (bytes: Uint8Array) => JSON.stringify({ format: "arkreen-rec-bundle", version: 1, recId: 1, bundle: toHex(bytes) });
    const ok = await verify(anchor, file("bundle.json", bundleFile(bundle)));
    assert.equal(ok.result, "passed");
    assert.deepEqual(ok.levels.map((l) => `${l.level}:${l.ok}`), ["trust anchor:true", "finality:true", "REC:true", "readings:true", "device signatures:true"]);
    const decoded = recBundleCodec.decode(bundle);
    const swapped = decoded.readings.map((r, i) => (i === 2 ? { ...r, signature: decoded.readings[5].signature } : i === 5 ? { ...r, signature: decoded.readings[2].signature } : r));
    const bad = await verify(anchor, file("swapped.json", bundleFile(recBundleCodec.encode({ ...decoded, readings: swapped }))));
    assert.equal(bad.failed, "READING_BAD_SIGNATURE");
    assert.deepEqual(bad.levels.at(-1), { level: "device signatures", ok: "false", check: "READING_BAD_SIGNATURE" });
  });

  it("the dashboard serves the same page at /verify", async () => {
    const dashboard = await startDashboard({ rpc: "ws://127.0.0.1:9", port: 0 });
    try {
      const html = await (await fetch(`${dashboard.url}verify`)).text();
      assert.match(html, /Verify an arkreen proof/);
      const js = await fetch(`${dashboard.url}verify.js`);
      assert.equal(js.status, 200);
      assert.ok((await js.text()).length > 100_000, "the bundle holds the BLS WASM");
    } finally {
      await dashboard.close();
    }
  });
});
