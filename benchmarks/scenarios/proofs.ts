/**
 * `npm run bench -- proofs` (issue 16, docs/proofs.md "Figures"): what the offline verifier
 * (light/) costs, in Node and in headless Chromium, against the number of finality set changes
 * between the checkpoint and the proven block (0, 10, 100).
 *
 * 1. The BLS backend: light/bls.ts (herumi's BLS in WASM) against `@noble/curves` (the plain
 *    JavaScript backend light/ used before; restated here as the baseline, measured in the same
 *    run) for what the verifier does: hash-to-G2 and verify one signature, FastAggregateVerify of
 *    3 of 4 signers, a randomized batch of 24 readings (distinct signers and messages), and a
 *    randomized batch of 10 same-message aggregates (a proof's 10 set changes).
 * 2. Finality proofs (0, 10, 100 set changes) and REC bundles (24 slots of one device; 720 slots
 *    over 10 devices, every reading signed), built in process with real BLS keys
 *    (harness/lightChain.ts, harness/recBundleChain.ts): encoded size, and the verifier page's
 *    own code (light/web/inputs.ts `verifyFiles`) timed in Node and in the page itself, served by
 *    dashboard/verifierPage.ts and driven with puppeteer-core in Debian's `chromium`
 *    (`CHROMIUM_PATH`). Median of `PROOFS_REPEATS` (default 5) after a warm-up. In Node also with
 *    the native blst backend that `arkreen-node rec verify` installs (cli/lightNativeBls.ts).
 *
 * Target (issue 16): a REC bundle of 24 slots from a checkpoint with ≤ 10 set changes verifies in
 * ≤ 50 ms in Node and ≤ 500 ms in the browser.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { bls12_381 } from "@noble/curves/bls12-381.js";
import puppeteer, { type Browser, type Page } from "puppeteer-core";
import { blsAggregateSignatures, blsKeypairFromSeed, blsSign } from "../../primitives/blsKeys.ts";
import { BLS_DST } from "../../primitives/bls/encoding.ts";
import { concatBytes, toHex, u32ToBytes, utf8 } from "../../primitives/bytes.ts";
import { blake2b256 } from "../../primitives/hash.ts";
import { encodeCheckpoint, fastAggregateVerify, useBlsBackend, verifyAggregates, verifyMultiple, type AggregateCheck } from "../../light/index.ts";
import { nativeLightBls } from "../../cli/lightNativeBls.ts";
import { verifyFiles } from "../../light/web/inputs.ts";
import { startVerifier, type Verifier } from "../../dashboard/verifierPage.ts";
import { chainWithSetChanges, checkpointOf } from "../../harness/lightChain.ts";
import { buildRecBundle, rotatingSets } from "../../harness/recBundleChain.ts";
import type { BenchRow, Scenario } from "../harness.ts";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const REPEATS = Number(process.env.PROOFS_REPEATS ?? 5);
const SET_CHANGES = [0, 10, 100];
/** Issue 16's targets for a 24-slot REC bundle from a checkpoint with at most 10 set changes. */
const TARGET_NODE_MS = 50;
const TARGET_BROWSER_MS = 500;
const TARGET_MAX_CHANGES = 10;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

/** Median milliseconds of `fn` over REPEATS calls after one warm-up; throws if it answers false. */
function timeMs(fn: () => boolean, repeats = REPEATS): number {
  if (!fn()) throw new Error("the measured check answered false");
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t = performance.now();
    fn();
    times.push(performance.now() - t);
  }
  return median(times);
}

function row(name: string, ms: number, extra: Record<string, unknown>): BenchRow {
  return { name, opsPerSec: Math.round((1000 / ms) * 100) / 100, perOpUs: Math.round(ms * 1000), n: 1, ms: Math.round(ms * 10) / 10, ...extra };
}

// ---- 1. noble, the baseline (light/bls.ts's former backend) ----
const sigs = bls12_381.longSignatures;
const nobleKey = (bytes: Uint8Array) => {
  const p = bls12_381.G1.Point.fromBytes(bytes);
  p.assertValidity();
  return p;
};
const nobleSig = (bytes: Uint8Array) => {
  const s = sigs.Signature.fromBytes(bytes);
  s.assertValidity();
  return s;
};
function nobleFastAggregateVerify(c: AggregateCheck): boolean {
  return sigs.verify(nobleSig(c.signature), sigs.hash(c.message, BLS_DST), sigs.aggregatePublicKeys(c.publicKeys.map(nobleKey)));
}
/** The same random-linear-combination batch as light/bls.ts `verifyAggregates`, in noble. */
function nobleVerifyAggregates(checks: readonly AggregateCheck[]): boolean {
  const weights = checks.map(() => {
    const w = globalThis.crypto.getRandomValues(new Uint32Array(2));
    return ((BigInt(w[0]) << 32n) | BigInt(w[1])) || 1n;
  });
  const items = checks.map((c, i) => ({ message: sigs.hash(c.message, BLS_DST), publicKey: sigs.aggregatePublicKeys(c.publicKeys.map(nobleKey)).multiplyUnsafe(weights[i]) }));
  return sigs.verifyBatch(sigs.aggregateSignatures(checks.map((c, i) => nobleSig(c.signature).multiplyUnsafe(weights[i]))), items);
}

function backendRows(): BenchRow[] {
  const keys = Array.from({ length: 24 }, (_, i) => blsKeypairFromSeed(blake2b256(concatBytes(utf8("bench-proofs-key"), u32ToBytes(i)))));
  const message = blake2b256(utf8("a precommit signing root"));
  const single: AggregateCheck = { message, publicKeys: [keys[0].publicKey], signature: blsSign(keys[0].secretKey, message) };
  const three: AggregateCheck = { message, publicKeys: keys.slice(0, 3).map((k) => k.publicKey), signature: blsAggregateSignatures(keys.slice(0, 3).map((k) => blsSign(k.secretKey, message))) };
  const readings = keys.map((k, i) => {
    const m = blake2b256(concatBytes(utf8("reading"), u32ToBytes(i)));
    return { message: m, publicKey: k.publicKey, signature: blsSign(k.secretKey, m) };
  });
  const ten: AggregateCheck[] = Array.from({ length: 10 }, (_, i) => {
    const m = blake2b256(concatBytes(utf8("root"), u32ToBytes(i)));
    const signers = keys.slice(i, i + 3);
    return { message: m, publicKeys: signers.map((k) => k.publicKey), signature: blsAggregateSignatures(signers.map((k) => blsSign(k.secretKey, m))) };
  });
  const native = (f: () => boolean) => () => {
    useBlsBackend(nativeLightBls);
    try {
      return f();
    } finally {
      useBlsBackend(null);
    }
  };
  const ops: Array<[string, () => boolean, () => boolean]> = [
    ["hash-to-G2 + verify (1 signature)", () => nobleFastAggregateVerify(single), () => fastAggregateVerify(single.message, single.publicKeys, single.signature)],
    ["FastAggregateVerify (3 of 4)", () => nobleFastAggregateVerify(three), () => fastAggregateVerify(three.message, three.publicKeys, three.signature)],
    ["batch of 24 readings (distinct messages)", () => nobleVerifyAggregates(readings.map((r) => ({ message: r.message, publicKeys: [r.publicKey], signature: r.signature }))), () => verifyMultiple(readings)],
    ["batch of 10 aggregates (10 set changes)", () => nobleVerifyAggregates(ten), () => verifyAggregates(ten)],
  ];
  const rows: BenchRow[] = [];
  for (const [op, noble, wasm] of ops) {
    const nobleMs = timeMs(noble);
    const wasmMs = timeMs(wasm);
    rows.push(row(`bls ${op}: noble`, nobleMs, { env: "node", backend: "noble" }));
    rows.push(row(`bls ${op}: herumi-wasm`, wasmMs, { env: "node", backend: "herumi-wasm", speedupVsNoble: Math.round((nobleMs / wasmMs) * 10) / 10 }));
    const blstMs = timeMs(native(wasm));
    rows.push(row(`bls ${op}: blst (Node only)`, blstMs, { env: "node", backend: "blst", speedupVsNoble: Math.round((nobleMs / blstMs) * 10) / 10, speedupVsWasm: Math.round((wasmMs / blstMs) * 10) / 10 }));
  }
  return rows;
}

// ---- 2. proofs in Node and in Chromium ----
interface Case {
  name: string;
  kind: "finality" | "rec24" | "rec720";
  changes: number;
  anchor: Uint8Array;
  file: Uint8Array;
  /** The size of the proof itself (the encoded finality proof or REC bundle). */
  bytes: number;
}

function buildCase(kind: Case["kind"], changes: number): Case {
  if (kind === "finality") {
    const sets = rotatingSets(changes);
    const { proof } = chainWithSetChanges(sets);
    return { name: `finality proof, ${changes} set changes`, kind, changes, anchor: encodeCheckpoint(checkpointOf(sets[0])), file: proof, bytes: proof.length };
  }
  const shape = kind === "rec24" ? { devices: 1, slotsPerDevice: 24 } : { devices: 10, slotsPerDevice: 72 };
  const { bundle, checkpoint } = buildRecBundle({ setChanges: changes, ...shape });
  const file = utf8(JSON.stringify({ format: "arkreen-rec-bundle", version: 1, recId: 1, bundle: toHex(bundle) }));
  const slots = shape.devices * shape.slotsPerDevice;
  return { name: `REC bundle ${slots} slots/${shape.devices} device${shape.devices === 1 ? "" : "s"}, ${changes} set changes`, kind, changes, anchor: encodeCheckpoint(checkpoint), file, bytes: bundle.length };
}

function nodeMs(c: Case, backend: "herumi-wasm" | "blst"): number {
  const repeats = c.kind === "rec720" ? Math.min(REPEATS, 3) : REPEATS;
  useBlsBackend(backend === "blst" ? nativeLightBls : null);
  try {
    return timeMs(() => verifyFiles(c.anchor, c.file).passed, repeats);
  } finally {
    useBlsBackend(null);
  }
}

/** The page verifies on upload (the warm-up), then on each click of Verify; it shows the time it spent. */
async function browserMs(page: Page, url: string, c: Case, repeats: number): Promise<number> {
  await page.goto(url, { waitUntil: "domcontentloaded" });
  await page.waitForSelector("body[data-ready]", { timeout: 60_000 });
  const dir = mkdtempSync(join(tmpdir(), "bench-proofs-"));
  try {
    for (const [selector, bytes] of [["#anchor-file", c.anchor], ["#proof-file", c.file]] as const) {
      const path = join(dir, selector.slice(1));
      writeFileSync(path, bytes);
      await ((await page.$(selector)) as unknown as { uploadFile(...paths: string[]): Promise<void> }).uploadFile(path);
    }
    await page.waitForSelector('body[data-runs="1"]', { timeout: 120_000 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    await page.click("#verify");
    await page.waitForSelector(`body[data-runs="${i + 2}"]`, { timeout: 120_000 });
    const [result, ms] = await page.$eval("#summary", (s) => [s.getAttribute("data-result"), s.getAttribute("data-verify-ms")]);
    if (result !== "passed") throw new Error(`${c.name}: the page says ${result}`);
    times.push(Number(ms));
  }
  return median(times);
}

export const scenario: Scenario = {
  description: "light verifier: BLS backend (herumi WASM vs noble, and blst for Node callers), finality proofs and REC bundles (24 and 720 slots) against set changes (0, 10, 100), in Node and headless Chromium",
  async run({ log }) {
    const load = loadavg()[0];
    log(`load average ${load.toFixed(1)}; BLS backends…`);
    const rows = backendRows();
    const notes: string[] = [];
    let browser: Browser | null = null;
    let verifier: Verifier | null = null;
    let page: Page | null = null;
    if (existsSync(CHROMIUM)) {
      [browser, verifier] = await Promise.all([puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"] }), startVerifier({ port: 0 })]);
      page = await browser.newPage();
    } else {
      notes.push(`Chromium not found at ${CHROMIUM} (set CHROMIUM_PATH): browser columns left out.`);
    }
    try {
      for (const kind of ["finality", "rec24", "rec720"] as const) {
        for (const changes of SET_CHANGES) {
          log(`${kind}, ${changes} set changes: building…`);
          const c = buildCase(kind, changes);
          const node = nodeMs(c, "herumi-wasm");
          const blst = nodeMs(c, "blst");
          const repeats = c.kind === "rec720" ? Math.min(REPEATS, 3) : REPEATS;
          const chromium = page !== null && verifier !== null ? await browserMs(page, verifier.url, c, repeats) : null;
          const extra: Record<string, unknown> = { kind, setChanges: changes, proofBytes: c.bytes, nodeMs: Math.round(node * 10) / 10, nodeBlstMs: Math.round(blst * 10) / 10 };
          if (chromium !== null) Object.assign(extra, { chromiumMs: Math.round(chromium * 10) / 10, chromiumVsNode: Math.round((chromium / node) * 100) / 100 });
          if (kind === "rec24" && changes <= TARGET_MAX_CHANGES) {
            const verdict = (ms: number, target: number) => `${ms <= target ? "PASS" : "FAIL"} (≤ ${target} ms)`;
            extra.nodeTarget = verdict(node, TARGET_NODE_MS);
            extra.nodeBlstTarget = verdict(blst, TARGET_NODE_MS);
            if (chromium !== null) extra.chromiumTarget = verdict(chromium, TARGET_BROWSER_MS);
            notes.push(
              `${c.name}: Node (rec verify, blst) ${blst.toFixed(1)} ms ${extra.nodeBlstTarget}; Node (light/'s WASM) ${node.toFixed(1)} ms ${extra.nodeTarget}` +
                (chromium !== null ? `; Chromium ${chromium.toFixed(1)} ms ${extra.chromiumTarget}` : ""),
            );
          }
          rows.push(row(c.name, node, { env: "node", ...extra }));
          log(`  ${c.bytes} bytes, Node ${node.toFixed(1)} ms (blst ${blst.toFixed(1)} ms)${chromium !== null ? `, Chromium ${chromium.toFixed(1)} ms` : ""}`);
        }
      }
    } finally {
      await browser?.close();
      await verifier?.close();
    }
    notes.push(`Load average at the start: ${load.toFixed(1)}, at the end: ${loadavg()[0].toFixed(1)} (timings are medians of ${REPEATS}; the 720-slot rows of 3).`);
    return { rows, notes };
  },
};
