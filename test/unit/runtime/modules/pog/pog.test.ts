import assert from "node:assert/strict";
import { fromHex, toHex } from "../../../../../primitives/bytes.ts";
import { blsKeypairFromSeed } from "../../../../../primitives/blsKeys.ts";
import type { Call } from "../../../../../primitives/codec/index.ts";
import { devKeypair } from "../../../../../primitives/keys/devAccounts.ts";
import type { Ed25519Keypair } from "../../../../../primitives/keys/ed25519.ts";
import type { ChainSpec, RuntimeGenesisConfig } from "../../../../../genesis/chainSpec.ts";
import { devChainSpec } from "../../../../../genesis/presets.ts";
import { InvalidBlock } from "../../../../../runtime/framework/errors.ts";
import { DeviceStatus, deviceIdArgsCodec } from "../../../../../runtime/modules/devices/types.ts";
import { Devices } from "../../../../../runtime/modules/devices/storage.ts";
import { creditedReading } from "../../../../../runtime/modules/pog/generation.ts";
import { Config as PogConfig, EpochEnergy, ExpiryQueue, ExpiryTail, GenerationDays, LastReading } from "../../../../../runtime/modules/pog/storage.ts";
import { readingCodec, readingHash, type Reading, type ReadingRejection } from "../../../../../runtime/modules/pog/types.ts";
import type { StateReader } from "../../../../../runtime/framework/state.ts";
import { registerCall } from "../../../../../harness/energy.ts";
import { expectApplied, TestChain, type DecodedEvent } from "../../../../utils/runtime.ts";

const alice = devKeypair("Alice"); // the dev chain's registrar
const bob = devKeypair("Bob"); // owns every device here

/**
 * Devices 0 and 1 are Active, 2 is suspended by its registrar, 3 terminated by its owner. At the
 * dev preset's 60 s intervals and 10 % tolerance, 6,000 W allows 110 Wh per interval and 6,600 W peak.
 */
const ACTIVE = 0;
const ACTIVE_2 = 1;
const SUSPENDED = 2;
const TERMINATED = 3;
const CAPACITY_W = 6_000;
const MAX_ENERGY_WH = 110;
const MAX_PEAK_W = 6_600;
/** The interval the test blocks fall in: intervals before it have ended. */
const NOW = 1_000;

function runtimeSections(spec: ChainSpec): RuntimeGenesisConfig {
  return (spec.genesis as { runtimeGenesis: { config: RuntimeGenesisConfig } }).runtimeGenesis.config;
}

function signedCall(chain: TestChain, signer: Ed25519Keypair, call: Call): void {
  const nonce = chain.account(signer.publicKey).nonce;
  const outcome = expectApplied(chain.produceBlock([chain.sign(signer, call, { nonce })]).results[0]);
  assert.equal(outcome.success, true, `${call.module}.${call.method} failed: ${outcome.error?.type.code}`);
}

/** A dev chain (optionally with other pog settings) with devices 0–3 registered through `devices.register`. */
function setup(pog: Record<string, unknown> = {}): TestChain {
  const spec = devChainSpec();
  Object.assign(runtimeSections(spec).pog as Record<string, unknown>, pog);
  const chain = new TestChain(spec);
  for (let i = 0; i < 4; i++) signedCall(chain, bob, registerCall(chain.genesis.hash, bob, blsKeypairFromSeed(new Uint8Array(32).fill(i + 1)), alice, CAPACITY_W));
  signedCall(chain, alice, { module: "devices", method: "suspend", args: deviceIdArgsCodec.encode({ deviceId: SUSPENDED }) });
  signedCall(chain, bob, { module: "devices", method: "terminate", args: deviceIdArgsCodec.encode({ deviceId: TERMINATED }) });
  const status = (id: number) => Devices.get(chain.state(), id)?.status;
  assert.deepEqual([0, 1, 2, 3].map(status), [DeviceStatus.Active, DeviceStatus.Active, DeviceStatus.Suspended, DeviceStatus.Terminated]);
  return chain;
}

/** The first slot whose time (slot × slot duration) lies in reading interval `interval`. */
function firstSlotOf(chain: TestChain, interval: number): bigint {
  const intervalMs = BigInt(PogConfig.get(chain.state()).readingIntervalSecs) * 1000n;
  const slotMs = BigInt(chain.config().slotDurationMs);
  return (BigInt(interval) * intervalMs + slotMs - 1n) / slotMs;
}

/** Authors a block carrying `readings` at a time inside interval `at` (the next slot, or the interval's first). */
function readingsBlock(chain: TestChain, readings: Array<Reading | Uint8Array>, at = NOW): number {
  const first = firstSlotOf(chain, at);
  const slot = chain.head.slot + 1n > first ? chain.head.slot + 1n : first;
  assert.ok(slot < firstSlotOf(chain, at + 1), `slot ${slot} has left interval ${at}`);
  chain.produceBlock([], { slot, readings: readings.map((r) => (r instanceof Uint8Array ? r : readingCodec.encode(r))) });
  return chain.head.header.number;
}

/** A reading of `deviceId` that passes every rule on a device with no earlier reading. */
function reading(over: Partial<Reading> = {}): Reading {
  return { deviceId: ACTIVE, interval: NOW - 5, cumulativeWh: 10_000, energyWh: 80, peakW: 5_000, ...over };
}

/** Every pog record the runtime writes (GenerationDays and their expiry queue, LastReading, EpochEnergy), as hex key → hex value. */
function pogRecords(chain: TestChain): Map<string, string> {
  const out = new Map<string, string>();
  for (const prefix of [GenerationDays.prefix, ExpiryQueue.prefix, ExpiryTail.key, LastReading.prefix, EpochEnergy.prefix]) {
    for (const [k, v] of chain.state().entries(prefix)) out.set(toHex(k), toHex(v));
  }
  return out;
}

/** What `pog_generation` shows of a credited (device, interval), or undefined. */
function generation(state: StateReader, deviceId: number, interval: number): { energyWh: number; cumulativeWh: number; peakW: number; block: number } | undefined {
  const c = creditedReading(state, deviceId, interval);
  return c === undefined ? undefined : { energyWh: c.energyWh, cumulativeWh: c.cumulativeWh, peakW: c.peakW, block: c.block };
}

function pogEvents(chain: TestChain): DecodedEvent[] {
  return chain.events().filter((e) => e.module === "pog");
}

function epochOfHead(chain: TestChain): number {
  return Math.floor(chain.head.header.number / PogConfig.get(chain.state()).epochLengthBlocks);
}

/** Submits `r` alone in a block and checks it is rejected for `reason` and changes no pog record. */
function assertRejected(chain: TestChain, r: Reading, reason: ReadingRejection): void {
  const before = pogRecords(chain);
  readingsBlock(chain, [r]);
  assert.deepEqual(
    pogEvents(chain).map((e) => [e.name, e.data]),
    [["ReadingRejected", { deviceId: r.deviceId, interval: r.interval, reason }]],
  );
  assert.deepEqual(pogRecords(chain), before, "a rejected reading credits nothing");
}

/** Credits device `deviceId`'s reading at NOW - 5: cumulative 10,000 Wh. */
function creditFirst(chain: TestChain, deviceId = ACTIVE): Reading {
  const r = reading({ deviceId });
  readingsBlock(chain, [r]);
  assert.deepEqual(pogEvents(chain).map((e) => e.name), ["ReadingsCredited"]);
  return r;
}

describe("pog: readings in the runtime", () => {
  describe("each rejection is an event with its reason, and credits nothing", () => {
    it("UnknownDevice: no device with that id", () => {
      assertRejected(setup(), reading({ deviceId: 77 }), "UnknownDevice");
    });

    it("DeviceNotActive: a device suspended by its registrar", () => {
      assertRejected(setup(), reading({ deviceId: SUSPENDED }), "DeviceNotActive");
    });

    it("DeviceNotActive: a device terminated by its owner", () => {
      assertRejected(setup(), reading({ deviceId: TERMINATED }), "DeviceNotActive");
    });

    it("FutureInterval: the block's own interval (not ended) and the next one", () => {
      const chain = setup();
      assertRejected(chain, reading({ interval: NOW }), "FutureInterval");
      assertRejected(chain, reading({ interval: NOW + 1 }), "FutureInterval");
    });

    it("FutureInterval follows the block's slot: the same reading is accepted once a block falls in the next interval", () => {
      const chain = setup();
      assertRejected(chain, reading({ interval: NOW }), "FutureInterval");
      readingsBlock(chain, [reading({ interval: NOW })], NOW + 1);
      assert.deepEqual(pogEvents(chain).map((e) => e.name), ["ReadingsCredited"]);
    });

    it("IntervalTooOld: more than acceptanceWindowIntervals (60) back; exactly 60 back is still accepted", () => {
      const chain = setup();
      assert.equal(PogConfig.get(chain.state()).acceptanceWindowIntervals, 60);
      assertRejected(chain, reading({ interval: NOW - 61 }), "IntervalTooOld");
      readingsBlock(chain, [reading({ interval: NOW - 60 })]);
      assert.deepEqual(pogEvents(chain).map((e) => e.name), ["ReadingsCredited"]);
    });

    it("Duplicate: a second reading of the same (device, interval) in the same block; the first one stands", () => {
      const chain = setup();
      const first = reading();
      const second = reading({ cumulativeWh: 10_050, energyWh: 50 });
      const number = readingsBlock(chain, [first, second]);
      assert.deepEqual(
        pogEvents(chain).map((e) => [e.name, e.data]),
        [
          ["ReadingRejected", { deviceId: ACTIVE, interval: first.interval, reason: "Duplicate" }],
          ["ReadingsCredited", { count: 1, energyWh: first.energyWh, epoch: epochOfHead(chain) }],
        ],
      );
      assert.deepEqual(generation(chain.state(), ACTIVE, first.interval), { energyWh: 80, cumulativeWh: 10_000, peakW: 5_000, block: number });
    });

    it("Duplicate: the same (device, interval) in a later block, with the same or other values", () => {
      const chain = setup();
      const first = creditFirst(chain);
      assertRejected(chain, first, "Duplicate");
      assertRejected(chain, { ...first, cumulativeWh: 10_001, energyWh: 1 }, "Duplicate");
    });

    it("OutOfOrder: an interval before the device's last credited one", () => {
      const chain = setup();
      const last = creditFirst(chain);
      assertRejected(chain, reading({ interval: last.interval - 1, cumulativeWh: 9_900, energyWh: 100 }), "OutOfOrder");
    });

    it("MeterBackwards: a cumulative meter below the last credited one", () => {
      const chain = setup();
      const last = creditFirst(chain);
      assertRejected(chain, reading({ interval: last.interval + 1, cumulativeWh: last.cumulativeWh - 1, energyWh: 0 }), "MeterBackwards");
    });

    it("MeterInconsistent: on the next interval the meter must grow by exactly energyWh (neither less nor more)", () => {
      const chain = setup();
      const last = creditFirst(chain);
      const next = last.interval + 1;
      assertRejected(chain, reading({ interval: next, cumulativeWh: last.cumulativeWh + 59, energyWh: 60 }), "MeterInconsistent");
      assertRejected(chain, reading({ interval: next, cumulativeWh: last.cumulativeWh + 61, energyWh: 60 }), "MeterInconsistent");
      readingsBlock(chain, [reading({ interval: next, cumulativeWh: last.cumulativeWh + 60, energyWh: 60 })]);
      assert.deepEqual(pogEvents(chain).map((e) => e.name), ["ReadingsCredited"]);
    });

    it("MeterInconsistent: after a gap the meter must grow by at least energyWh; more is accepted", () => {
      const chain = setup();
      const last = creditFirst(chain);
      const afterGap = last.interval + 3;
      assertRejected(chain, reading({ interval: afterGap, cumulativeWh: last.cumulativeWh + 59, energyWh: 60 }), "MeterInconsistent");
      readingsBlock(chain, [reading({ interval: afterGap, cumulativeWh: last.cumulativeWh + 500, energyWh: 60 })]);
      assert.deepEqual(pogEvents(chain).map((e) => e.name), ["ReadingsCredited"]);
      assert.deepEqual(LastReading.get(chain.state(), ACTIVE), { interval: afterGap, cumulativeWh: last.cumulativeWh + 500, cumulativeImportWh: 0 });
    });
  });

  describe("EnergyAboveCapacity", () => {
    /** Submits `r`, expects EnergyAboveCapacity, and returns the head's epoch. */
    function assertAboveCapacity(chain: TestChain, r: Reading): number {
      const before = pogRecords(chain);
      readingsBlock(chain, [r]);
      const epoch = epochOfHead(chain);
      assert.deepEqual(
        pogEvents(chain).map((e) => [e.name, e.data]),
        [["ReadingRejected", { deviceId: r.deviceId, interval: r.interval, reason: "EnergyAboveCapacity" }]],
      );
      // Nothing credited; the only change is the device's epoch record marked violated.
      const after = pogRecords(chain);
      const key = toHex(EpochEnergy.key(epoch, r.deviceId));
      const previous = before.has(key) ? EpochEnergy.decodeValue(fromHex(before.get(key)!)) : { energyWh: 0, intervals: 0, violated: false };
      assert.deepEqual(EpochEnergy.get(chain.state(), epoch, r.deviceId), { ...previous, violated: true });
      after.delete(key);
      before.delete(key);
      assert.deepEqual(after, before);
      return epoch;
    }

    it("accepts energy and peak exactly at capacity × interval × (1 + tolerance)", () => {
      const chain = setup();
      readingsBlock(chain, [reading({ energyWh: MAX_ENERGY_WH, cumulativeWh: MAX_ENERGY_WH, peakW: MAX_PEAK_W })]);
      assert.deepEqual(pogEvents(chain).map((e) => e.name), ["ReadingsCredited"]);
      assert.equal(EpochEnergy.get(chain.state(), epochOfHead(chain), ACTIVE)?.violated, false);
    });

    it("rejects energy one Wh above the bound and marks the device's epoch violated (no earlier energy)", () => {
      const chain = setup();
      assertAboveCapacity(chain, reading({ energyWh: MAX_ENERGY_WH + 1, cumulativeWh: MAX_ENERGY_WH + 1 }));
    });

    it("rejects a peak one W above the bound, keeping the epoch's credited energy but marking it violated for good", () => {
      const chain = setup();
      const first = creditFirst(chain);
      const epoch = assertAboveCapacity(chain, reading({ interval: first.interval + 1, cumulativeWh: first.cumulativeWh + 50, energyWh: 50, peakW: MAX_PEAK_W + 1 }));
      assert.deepEqual(EpochEnergy.get(chain.state(), epoch, ACTIVE), { energyWh: first.energyWh, intervals: 1, violated: true });
      // A later valid reading in the same epoch is credited, and the epoch stays violated.
      readingsBlock(chain, [reading({ interval: first.interval + 1, cumulativeWh: first.cumulativeWh + 50, energyWh: 50, peakW: 3_000 })]);
      assert.equal(epochOfHead(chain), epoch);
      assert.deepEqual(EpochEnergy.get(chain.state(), epoch, ACTIVE), { energyWh: first.energyWh + 50, intervals: 2, violated: true });
    });
  });

  describe("accepted readings", () => {
    it("credit GenerationDays, LastReading and EpochEnergy exactly, with one ReadingsCredited event per block", () => {
      const chain = setup();
      const a1 = reading({ interval: NOW - 4, cumulativeWh: 5_000, energyWh: 70, peakW: 4_000 });
      const a2 = reading({ interval: NOW - 3, cumulativeWh: 5_090, energyWh: 90, peakW: 5_500 });
      const b1 = reading({ deviceId: ACTIVE_2, interval: NOW - 3, cumulativeWh: 12, energyWh: 12, peakW: 700 });
      const block1 = readingsBlock(chain, [a1, b1, a2]);
      const epoch = epochOfHead(chain);
      assert.deepEqual(
        pogEvents(chain).map((e) => [e.name, e.data]),
        [["ReadingsCredited", { count: 3, energyWh: 70 + 12 + 90, epoch }]],
      );

      // Next block: one more interval for device 0 (after a gap, meter grew by more), one rejection.
      const a3 = reading({ interval: NOW - 1, cumulativeWh: 5_300, energyWh: 100, peakW: 6_000 });
      const block2 = readingsBlock(chain, [a3, reading({ deviceId: 77 })]);
      assert.equal(epochOfHead(chain), epoch, "both blocks in one epoch");
      assert.deepEqual(
        pogEvents(chain).map((e) => [e.name, e.data.reason ?? e.data.count]),
        [
          ["ReadingRejected", "UnknownDevice"],
          ["ReadingsCredited", 1],
        ],
      );
      assert.deepEqual(pogEvents(chain)[1].data, { count: 1, energyWh: 100, epoch });

      const state = chain.state();
      assert.deepEqual(generation(state, ACTIVE, NOW - 4), { energyWh: 70, cumulativeWh: 5_000, peakW: 4_000, block: block1 });
      assert.deepEqual(generation(state, ACTIVE, NOW - 3), { energyWh: 90, cumulativeWh: 5_090, peakW: 5_500, block: block1 });
      assert.equal(generation(state, ACTIVE, NOW - 2), undefined, "the gap is not credited");
      assert.deepEqual(generation(state, ACTIVE, NOW - 1), { energyWh: 100, cumulativeWh: 5_300, peakW: 6_000, block: block2 });
      assert.deepEqual(generation(state, ACTIVE_2, NOW - 3), { energyWh: 12, cumulativeWh: 12, peakW: 700, block: block1 });
      assert.deepEqual(LastReading.get(state, ACTIVE), { interval: NOW - 1, cumulativeWh: 5_300, cumulativeImportWh: 0 });
      assert.deepEqual(LastReading.get(state, ACTIVE_2), { interval: NOW - 3, cumulativeWh: 12, cumulativeImportWh: 0 });
      assert.deepEqual(EpochEnergy.get(state, epoch, ACTIVE), { energyWh: 260, intervals: 3, violated: false });
      assert.deepEqual(EpochEnergy.get(state, epoch, ACTIVE_2), { energyWh: 12, intervals: 1, violated: false });
      // Each slot commits to its reading, unclaimed; NOW − 4 … NOW − 1 lie in one 24-interval page.
      assert.deepEqual(creditedReading(state, ACTIVE, NOW - 4)?.readingHash, readingHash(a1));
      assert.deepEqual(creditedReading(state, ACTIVE, NOW - 1)?.readingHash, readingHash(a3));
      assert.equal(creditedReading(state, ACTIVE_2, NOW - 3)?.claimedBy, 0);
      assert.equal(Math.floor((NOW - 4) / 24), Math.floor((NOW - 1) / 24));
      assert.equal(pogRecords(chain).size, 2 + 2 + 1 + 2 + 2, "two pages, their queue entries and tail, two LastReading, two EpochEnergy: no other pog record");
    });

    it("sum into the epoch of the block that credits them, not of the interval they report", () => {
      const chain = setup();
      const epochLength = PogConfig.get(chain.state()).epochLengthBlocks;
      creditFirst(chain);
      const firstEpoch = epochOfHead(chain);
      while (chain.head.header.number < (firstEpoch + 1) * epochLength - 1) chain.produceBlock([]);
      assert.deepEqual(EpochEnergy.get(chain.state(), firstEpoch, ACTIVE), { energyWh: 80, intervals: 1, violated: false });
      readingsBlock(chain, [reading({ interval: NOW - 4, cumulativeWh: 10_020, energyWh: 20 })]);
      assert.equal(epochOfHead(chain), firstEpoch + 1);
      assert.deepEqual(pogEvents(chain).map((e) => e.data), [{ count: 1, energyWh: 20, epoch: firstEpoch + 1 }]);
      assert.deepEqual(EpochEnergy.get(chain.state(), firstEpoch + 1, ACTIVE), { energyWh: 20, intervals: 1, violated: false });
      // The ended epoch was paid out in this block's finalization, and its entry removed with it.
      assert.equal(EpochEnergy.get(chain.state(), firstEpoch, ACTIVE), undefined);
    });

    it("a block whose readings are all rejected emits no ReadingsCredited", () => {
      const chain = setup();
      readingsBlock(chain, [reading({ deviceId: 77 }), reading({ interval: NOW })]);
      assert.deepEqual(pogEvents(chain).map((e) => e.name), ["ReadingRejected", "ReadingRejected"]);
    });
  });

  describe("Executive.validateReadings (the readings pool's question): the block's verdict, before the block", () => {
    /** Each rule's reading, on a chain where device ACTIVE has a credited reading (NOW - 5, cumulative 10,000 Wh). */
    const cases: Array<[ReadingRejection | "credited", Partial<Reading>]> = [
      ["UnknownDevice", { deviceId: 77 }],
      ["DeviceNotActive", { deviceId: SUSPENDED }],
      ["DeviceNotActive", { deviceId: TERMINATED }],
      ["FutureInterval", { deviceId: ACTIVE_2, interval: NOW }],
      ["IntervalTooOld", { deviceId: ACTIVE_2, interval: NOW - 61 }],
      ["Duplicate", { interval: NOW - 5, cumulativeWh: 10_080 }],
      ["OutOfOrder", { interval: NOW - 6, cumulativeWh: 10_080 }],
      ["MeterBackwards", { interval: NOW - 4, cumulativeWh: 9_999, energyWh: 0 }],
      ["MeterInconsistent", { interval: NOW - 4, cumulativeWh: 10_050, energyWh: 80 }],
      ["MeterInconsistent", { interval: NOW - 2, cumulativeWh: 10_050, energyWh: 80 }],
      ["EnergyAboveCapacity", { deviceId: ACTIVE_2, energyWh: MAX_ENERGY_WH + 1 }],
      ["EnergyAboveCapacity", { deviceId: ACTIVE_2, peakW: MAX_PEAK_W + 1 }],
      ["credited", { interval: NOW - 4, cumulativeWh: 10_080, energyWh: 80 }],
      ["credited", { deviceId: ACTIVE_2, energyWh: MAX_ENERGY_WH, peakW: MAX_PEAK_W }],
    ];
    for (const [verdict, over] of cases) {
      it(`${verdict}: ${JSON.stringify(over)}`, () => {
        const chain = setup();
        creditFirst(chain);
        const r = reading(over);
        const slot = chain.head.slot + 1n > firstSlotOf(chain, NOW) ? chain.head.slot + 1n : firstSlotOf(chain, NOW);
        const [validity] = chain.executive.validateReadings(chain.state(), [r], slot);
        const key = Devices.get(chain.state(), r.deviceId)?.blsKey;
        assert.deepEqual(validity, verdict === "credited" ? { ok: true, publicKey: key } : { ok: false, reason: verdict });
        readingsBlock(chain, [r]);
        const events = pogEvents(chain).map((e) => [e.name, e.name === "ReadingRejected" ? e.data.reason : e.data.count]);
        assert.deepEqual(events, [verdict === "credited" ? ["ReadingsCredited", 1] : ["ReadingRejected", verdict]], "the block gives the same verdict");
      });
    }

    it("judges each reading of a batch against the state alone, at the slot it is given", () => {
      const chain = setup();
      const first = firstSlotOf(chain, NOW);
      const r = reading({ interval: NOW - 1 });
      // The interval a block of that slot falls in must have ended: NOW - 1 is future to a slot of NOW - 1.
      assert.deepEqual(chain.executive.validateReadings(chain.state(), [r], firstSlotOf(chain, NOW - 1)), [{ ok: false, reason: "FutureInterval" }]);
      const key = Devices.get(chain.state(), ACTIVE)?.blsKey;
      // Two readings of one device in one batch: neither sees the other (the second would be MeterInconsistent in one block).
      const next = reading({ interval: NOW - 4, cumulativeWh: 10_000, energyWh: 80 });
      assert.deepEqual(chain.executive.validateReadings(chain.state(), [reading(), next], first), [
        { ok: true, publicKey: key },
        { ok: true, publicKey: key },
      ]);
      assert.deepEqual(chain.executive.validateReadings(chain.state(), [], first), []);
    });
  });

  describe("invalid blocks", () => {
    /** Expects authoring a block with `readings` to throw InvalidBlock `code`, leaving the head where it was. */
    function assertInvalid(chain: TestChain, readings: Uint8Array[], expected: Record<string, unknown>): void {
      const head = chain.head;
      const before = pogRecords(chain);
      assert.throws(
        () => readingsBlock(chain, readings),
        (e: unknown) => {
          assert.ok(e instanceof InvalidBlock, `expected InvalidBlock, got ${String(e)}`);
          for (const [k, v] of Object.entries(expected)) assert.deepEqual((e.type as Record<string, unknown>)[k], v, k);
          return true;
        },
      );
      assert.equal(chain.head, head);
      assert.deepEqual(pogRecords(chain), before);
    }

    it("more readings than maxReadingsPerBlock make the block invalid; exactly the maximum is a valid block", () => {
      const chain = setup({ maxReadingsPerBlock: 3 });
      const four = [0, 1, 2, 3].map((i) => readingCodec.encode(reading({ interval: NOW - 10 + i, cumulativeWh: 100 * (i + 1), energyWh: 100 })));
      assertInvalid(chain, four, { code: "TOO_MANY_READINGS", count: 4, max: 3 });
      readingsBlock(chain, four.slice(0, 3));
      assert.deepEqual(pogEvents(chain).map((e) => e.data.count), [3]);
    });

    it("bytes that are not a Reading make the block invalid, naming the reading's index", () => {
      const chain = setup();
      assertInvalid(chain, [readingCodec.encode(reading()), new Uint8Array([0xff, 0xff, 0xff])], { code: "MALFORMED_READING", index: 1 });
    });

    it("a non-canonical encoding (a zero field written out) makes the block invalid", () => {
      const chain = setup();
      const canonical = readingCodec.encode(reading({ deviceId: ACTIVE_2 }));
      // Field 1 (device_id) = 0 written explicitly, then the rest: decodes, but not to the same bytes.
      const padded = new Uint8Array([0x08, 0x00, ...readingCodec.encode(reading({ deviceId: 0 }))]);
      assertInvalid(chain, [canonical, padded], { code: "MALFORMED_READING", index: 1 });
    });
  });
});
