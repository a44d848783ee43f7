/**
 * The readings pool's submit path (node/readings/readingsPool.ts) on bad input, over the chain of
 * an in-process dev node with two registered devices: readings with a missing body, unknown
 * devices, intervals outside the window, and signatures that are flipped, short, random, by the
 * other device, over another chain or over other values. Every batch is answered reading by
 * reading with exactly the reason the rules give (the oracle below); only correctly signed,
 * first-seen readings enter the pool. The refused readings, sent to the node's own pool over
 * JSON-RPC, are refused there too and never credited by the blocks that follow.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { fromHex, toHex } from "../../primitives/bytes.ts";
import { createBlsVerifier, type IBlsVerifier } from "../../primitives/bls/index.ts";
import { blsSign } from "../../primitives/blsKeys.ts";
import { devKeypair } from "../../primitives/keys/devAccounts.ts";
import { nullLogger } from "../../primitives/logger.ts";
import { signExtrinsic } from "../../runtime/extrinsic.ts";
import { readingSigningRoot, type Reading, type SignedReading } from "../../runtime/modules/pog/types.ts";
import { ReadingsPool } from "../../node/readings/readingsPool.ts";
import { RuntimeReadingValidator } from "../../node/readings/runtimeReadingValidator.ts";
import { readingKey, type ReadingPoolRejection, type ReadingSubmission } from "../../node/readings/types.ts";
import { registerCall, TestDevice } from "../../harness/energy.ts";
import { httpRpc, startDevNode, waitFor, type TestNode } from "../../harness/devNode.ts";
import { fuzzParams, fuzzTimeout } from "./params.ts";

/** The dev chain's reading interval and acceptance window. */
const INTERVAL_MS = 60_000;
const WINDOW = 60;
/** The most energy a 5 kW device may report for one 60 s interval (10 % tolerance). */
const MAX_INTERVAL_WH = 91;

type Signature = "valid" | "flipped" | "otherDevice" | "otherChain" | "otherValues" | "random" | "short" | "long";

interface Submission {
  /** null: a submission without a reading. */
  device: number | null;
  /** Intervals before the current one; kept off the window's edges so a minute tick cannot change the verdict. */
  back: number;
  energyWh: number;
  signature: Signature;
  noise: Uint8Array;
}

const submission: fc.Arbitrary<Submission> = fc.record({
  device: fc.oneof({ weight: 8, arbitrary: fc.constantFrom(0, 1) }, { weight: 1, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.integer({ min: 2, max: 0xffffffff }) }),
  back: fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 2, max: WINDOW - 2 }) }, { weight: 1, arbitrary: fc.integer({ min: -3, max: -1 }) }, { weight: 1, arbitrary: fc.integer({ min: WINDOW + 2, max: 1000 }) }),
  energyWh: fc.nat({ max: 100 }),
  signature: fc.constantFrom<Signature>("valid", "valid", "valid", "flipped", "otherDevice", "otherChain", "otherValues", "random", "short", "long"),
  noise: fc.uint8Array({ minLength: 96, maxLength: 96 }),
});

describe("fuzz: readings pool", function () {
  this.timeout(fuzzTimeout(40_000));
  let t: TestNode;
  let genesisHash: Uint8Array;
  let verifier: IBlsVerifier;
  let pool: ReadingsPool;
  const devices = [new TestDevice(0x61, 0), new TestDevice(0x62, 1)];
  /** (device, interval) keys the pool took, across runs. */
  const taken = new Set<string>();
  /** Readings refused for their signature or shape (a sample, for the node's own pool at the end). */
  const refused: SignedReading[] = [];

  before(async () => {
    t = await startDevNode({ slotDurationMs: 500 });
    genesisHash = fromHex((await httpRpc(t.httpUrl, "chain_getBlockHash", [0])).result as string);
    const bob = devKeypair("Bob");
    for (const [nonce, d] of devices.entries()) {
      const xt = signExtrinsic(genesisHash, bob.secretSeed, registerCall(genesisHash, bob, d.key, devKeypair("Alice")), { nonce });
      assert.equal((await httpRpc(t.httpUrl, "author_submitExtrinsic", [toHex(xt)])).error, undefined);
    }
    await waitFor(async () => (await httpRpc(t.httpUrl, "device_get", [1])).result !== null, 10_000, "two registered devices");
    verifier = await createBlsVerifier({ mode: "single-thread" }, { logger: nullLogger(), metrics: null });
    const validator = new RuntimeReadingValidator({ chain: t.node.chain, executive: t.node.executive, now: Date.now });
    pool = new ReadingsPool({}, { genesisHash, validator, verifier, logger: nullLogger(), metrics: null });
  });
  after(async () => {
    await verifier?.close();
    await t?.stop();
  });

  function build(s: Submission, now: number): { signed: SignedReading; signatureOk: boolean } {
    const deviceId = s.device ?? 0;
    const reading: Reading = { deviceId, interval: Math.max(0, now - s.back), cumulativeWh: 1_000 + s.energyWh, energyWh: s.energyWh, peakW: 500 };
    const key = devices[deviceId]?.key ?? devices[0].key;
    const other = devices[(deviceId + 1) % 2].key;
    const good = blsSign(key.secretKey, readingSigningRoot(genesisHash, reading));
    const flipped = good.slice();
    flipped[40] ^= 0x10;
    const signature = {
      valid: good,
      flipped,
      otherDevice: blsSign(other.secretKey, readingSigningRoot(genesisHash, reading)),
      otherChain: blsSign(key.secretKey, readingSigningRoot(new Uint8Array(32).fill(7), reading)),
      otherValues: blsSign(key.secretKey, readingSigningRoot(genesisHash, { ...reading, energyWh: reading.energyWh + 1 })),
      random: s.noise,
      short: s.noise.subarray(0, 48),
      long: Uint8Array.of(...s.noise, 0),
    }[s.signature];
    const signed = { reading: (s.device === null ? null : reading) as Reading, signature };
    return { signed, signatureOk: s.signature === "valid" && devices[deviceId] !== undefined };
  }

  /** What the pool must answer, in its order of checks (the runtime's rules, then the pool's duplicates, then the signature). */
  function expected(s: SignedReading, now: number, signatureOk: boolean, seen: Set<string>): ReadingPoolRejection | null {
    const r = s.reading;
    if (!r || s.signature.length !== 96) return "Malformed";
    if (r.deviceId >= devices.length) return "UnknownDevice";
    if (r.interval >= now) return "FutureInterval";
    if (r.interval + WINDOW < now) return "IntervalTooOld";
    // No reading of these devices is ever credited (this pool feeds no block): no meter rule applies.
    if (r.energyWh > MAX_INTERVAL_WH) return "EnergyAboveCapacity";
    const key = readingKey(r.deviceId, r.interval);
    if (taken.has(key) || seen.has(key)) return "Duplicate";
    seen.add(key);
    return signatureOk ? null : "BadSignature";
  }

  it("answers each reading with the rules' reason; only correctly signed, first-seen readings enter", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(submission, { minLength: 1, maxLength: 6 }), async (batch) => {
        const now = Math.floor(Date.now() / INTERVAL_MS);
        const built = batch.map((s) => build(s, now));
        const sizeBefore = pool.size;
        const results: ReadingSubmission[] = await pool.submit(built.map((b) => b.signed));
        assert.equal(results.length, batch.length);
        const seen = new Set<string>();
        built.forEach((b, i) => {
          const want = expected(b.signed, now, b.signatureOk, seen);
          assert.deepEqual(results[i], want === null ? { accepted: true } : { accepted: false, reason: want }, `reading ${i}: ${JSON.stringify(batch[i])}`);
          if (want === null) taken.add(readingKey(b.signed.reading.deviceId, b.signed.reading.interval));
          else if (b.signed.reading && !b.signatureOk && refused.length < 200) refused.push(b.signed);
        });
        assert.equal(pool.size - sizeBefore, results.filter((r) => r.accepted).length, "the pool grew by what it accepted");
      }),
      fuzzParams(120),
    );
  });

  it("the node's own pool refuses them too, and the next blocks credit none of them", async () => {
    const json = refused.map((s) => ({ ...s.reading, signature: toHex(s.signature) }));
    const answers = (await httpRpc(t.httpUrl, "pog_submitReadings", [json])).result as ReadingSubmission[];
    assert.equal(answers.length, refused.length);
    assert.deepEqual(answers.filter((a) => a.accepted), []);
    const best = async () => parseInt(((await httpRpc(t.httpUrl, "chain_getHeader")).result as { number: string }).number, 16);
    const start = await best();
    await waitFor(async () => (await best()) >= start + 2, 10_000, "two more blocks");
    for (const s of refused) {
      if (s.reading.deviceId >= devices.length) continue;
      const g = (await httpRpc(t.httpUrl, "pog_generation", [s.reading.deviceId, s.reading.interval, s.reading.interval])).result as { intervals: unknown[] };
      assert.deepEqual(g.intervals, [], `device ${s.reading.deviceId} credited for refused interval ${s.reading.interval}`);
    }
  });
});
