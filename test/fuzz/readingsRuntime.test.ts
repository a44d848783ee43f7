/**
 * Readings in blocks (runtime/modules/pog/apply.ts, through the executive on a TestChain):
 * random readings, readings built to pass or fail each rule against the devices' meters, and
 * random bytes. A block with an undecodable reading is refused whole (InvalidBlock
 * MALFORMED_READING); otherwise every reading is either credited — a new GenerationDays slot that
 * holds it and that the rules allow — or rejected with a `ReadingRejected` event whose reason is
 * one of the documented ones, and no credited slot ever changes.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { bytesToU32, toHex } from "../../primitives/bytes.ts";
import { blsKeypairFromSeed } from "../../primitives/blsKeys.ts";
import { devKeypair } from "../../primitives/keys/devAccounts.ts";
import { InvalidBlock } from "../../runtime/framework/errors.ts";
import { Devices } from "../../runtime/modules/devices/storage.ts";
import { DeviceStatus, deviceIdArgsCodec } from "../../runtime/modules/devices/types.ts";
import { maxIntervalEnergyWh } from "../../runtime/modules/pog/rules.ts";
import { INTERVALS_PER_DAY_RECORD } from "../../runtime/modules/pog/generation.ts";
import { Config as PogConfig, GenerationDays } from "../../runtime/modules/pog/storage.ts";
import { readingCodec, readingHash, type Reading, type ReadingRejection } from "../../runtime/modules/pog/types.ts";
import { registerCall } from "../../harness/energy.ts";
import { TestChain, expectApplied, type HeadInfo } from "../utils/runtime.ts";
import { fuzzParams, fuzzTimeout } from "./params.ts";
import { buildReadings, intervalAt, type ReadingIntent } from "./stateModel.ts";

const REASONS = [
  "UnknownDevice",
  "DeviceNotActive",
  "FutureInterval",
  "IntervalTooOld",
  "Duplicate",
  "OutOfOrder",
  "MeterBackwards",
  "MeterInconsistent",
  "EnergyAboveCapacity",
] as const satisfies readonly ReadingRejection[];
// Fails to compile when the runtime gains a reason this list lacks.
const everyReason: Exclude<ReadingRejection, (typeof REASONS)[number]> extends never ? true : never = true;

const CAPACITY_W = 6_000;
/** 3,000 slots × 2 s: the blocks fall in reading interval 100, past the 60-interval window's start. */
const FIRST_SLOT = 3_000n;

/** Devices 0 and 1 Active, 2 suspended; device 0 has readings for intervals 90–94. */
function baseChain(): TestChain {
  const chain = new TestChain();
  const alice = devKeypair("Alice");
  const bob = devKeypair("Bob");
  const xts = [0, 1, 2].map((i) => chain.sign(bob, registerCall(chain.genesis.hash, bob, blsKeypairFromSeed(new Uint8Array(32).fill(0x50 + i)), alice, CAPACITY_W), { nonce: i }));
  xts.push(chain.sign(alice, { module: "devices", method: "suspend", args: deviceIdArgsCodec.encode({ deviceId: 2 }) }, { nonce: 0 }));
  for (const r of chain.produceBlock(xts, { slot: FIRST_SLOT }).results) assert.equal(expectApplied(r).success, true);
  const readings = [90, 91, 92, 93, 94].map((interval, k) => readingCodec.encode({ deviceId: 0, interval, cumulativeWh: 50 * (k + 1), energyWh: 50, peakW: 3_000 }));
  chain.produceBlock([], { slot: FIRST_SLOT + 1n, readings });
  assert.equal(Devices.get(chain.state(), 2)?.status, DeviceStatus.Suspended);
  return chain;
}

/** Every credited slot of the GenerationDays pages, as "device:interval" → its record (JSON, hash in hex). */
function generationEntries(chain: TestChain): Map<string, string> {
  const out = new Map<string, string>();
  const prefixLength = GenerationDays.prefix.length;
  for (const [k, v] of chain.state().entries(GenerationDays.prefix)) {
    const deviceId = bytesToU32(k.subarray(prefixLength + 16, prefixLength + 20));
    const day = GenerationDays.decodeKey2(k, prefixLength + 20);
    for (const s of GenerationDays.decodeValue(v).slots) out.set(`${deviceId}:${day * INTERVALS_PER_DAY_RECORD + s.offset}`, slotRecord(s.energyWh, s.cumulativeWh, s.peakW, s.block, s.readingHash, s.claimedBy));
  }
  return out;
}

function slotRecord(energyWh: number, cumulativeWh: number, peakW: number, block: number, hash: Uint8Array, claimedBy: number): string {
  return JSON.stringify({ energyWh, cumulativeWh, peakW, block, readingHash: toHex(hash), claimedBy });
}

describe("fuzz: readings in blocks", function () {
  this.timeout(fuzzTimeout(30_000));
  let chain: TestChain;
  let base: HeadInfo;
  let baseGeneration: Map<string, string>;

  before(() => {
    assert.ok(everyReason);
    chain = baseChain();
    base = chain.head;
    baseGeneration = generationEntries(chain);
  });

  const u32 = fc.oneof(fc.nat({ max: 110 }), fc.constantFrom(0xffffffff, 0x7fffffff), fc.nat({ max: 0xffffffff }));
  const randomReading: fc.Arbitrary<Reading> = fc.record({
    deviceId: fc.oneof(fc.nat({ max: 3 }), u32),
    interval: u32,
    cumulativeWh: fc.oneof(fc.nat({ max: 1000 }), fc.maxSafeNat()),
    energyWh: fc.oneof(fc.nat({ max: 200 }), u32),
    peakW: fc.oneof(fc.nat({ max: 7_000 }), u32),
  });
  const intent: fc.Arbitrary<ReadingIntent> = fc.record({
    device: fc.nat({ max: 3 }),
    back: fc.integer({ min: -2, max: 70 }),
    energyWh: fc.oneof(fc.nat({ max: 110 }), fc.integer({ min: 100, max: 130 })),
    peakW: fc.oneof(fc.nat({ max: 6_600 }), fc.integer({ min: 6_500, max: 6_700 })),
    gapWh: fc.nat({ max: 20 }),
    corrupt: fc.constantFrom("none" as const, "none" as const, "backwards" as const, "inconsistent" as const),
  });
  type Item = { kind: "random"; reading: Reading } | { kind: "intent"; intent: ReadingIntent } | { kind: "bytes"; bytes: Uint8Array };
  const item: fc.Arbitrary<Item> = fc.oneof(
    { weight: 6, arbitrary: randomReading.map((reading) => ({ kind: "random" as const, reading })) },
    { weight: 10, arbitrary: intent.map((i) => ({ kind: "intent" as const, intent: i })) },
    // Rare: one undecodable reading refuses the whole block.
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 40 }).map((bytes) => ({ kind: "bytes" as const, bytes })) },
  );

  it("each reading is credited within the rules or rejected with a documented reason; a malformed one refuses the block", () => {
    fc.assert(
      fc.property(fc.array(item, { maxLength: 8 }), fc.integer({ min: 1, max: 40 }), (items, slots) => {
        chain.head = base;
        const slot = base.slot + BigInt(slots);
        const now = intervalAt(chain, slot);
        const state = chain.state();
        const encoded = items.map((it) => (it.kind === "random" ? readingCodec.encode(it.reading) : it.kind === "bytes" ? it.bytes : buildReadings(state, now, [it.intent])[0]));
        const firstMalformed = encoded.findIndex((b) => {
          try {
            readingCodec.decode(b);
            return false;
          } catch {
            return true;
          }
        });
        if (firstMalformed >= 0) {
          assert.throws(
            () => chain.produceBlock([], { slot, readings: encoded }),
            (e: unknown) => e instanceof InvalidBlock && e.type.code === "MALFORMED_READING" && e.type.index === firstMalformed,
          );
          assert.equal(chain.head, base, "a refused block is not the head");
          return;
        }
        const readings = encoded.map((b) => readingCodec.decode(b));
        const issuance = chain.totalIssuance();
        chain.produceBlock([], { slot, readings: encoded });
        const number = chain.head.header.number;

        const after = generationEntries(chain);
        for (const [k, v] of baseGeneration) assert.equal(after.get(k), v, "a credited slot never changes");
        const added = [...after.keys()].filter((k) => !baseGeneration.has(k));
        const rejected = chain.events().filter((e) => e.name === "ReadingRejected");
        assert.equal(added.length + rejected.length, readings.length, "each reading credited or rejected, once");
        for (const e of rejected) assert.ok((REASONS as readonly string[]).includes(e.data.reason as string), `undocumented reason ${String(e.data.reason)}`);

        const config = PogConfig.get(state);
        for (const key of added) {
          const record = (r: Reading) => slotRecord(r.energyWh, r.cumulativeWh, r.peakW, number, readingHash(r), 0);
          const credited = readings.find((r) => `${r.deviceId}:${r.interval}` === key && record(r) === after.get(key));
          assert.ok(credited, `GenerationDays slot ${key} holds no reading of the block`);
          const device = Devices.get(state, credited.deviceId);
          assert.ok(device && device.status === DeviceStatus.Active, "credited for an active device");
          assert.ok(credited.interval < now && credited.interval + config.acceptanceWindowIntervals >= now, "credited inside the acceptance window");
          assert.ok(BigInt(credited.energyWh) <= maxIntervalEnergyWh(device.capacityW, config), "credited within capacity");
          assert.ok(credited.peakW <= (device.capacityW * (100 + config.tolerancePercent)) / 100, "peak within capacity");
        }
        assert.equal(chain.totalIssuance(), issuance, "readings mint nothing");
      }),
      fuzzParams(300),
    );
  });
});
