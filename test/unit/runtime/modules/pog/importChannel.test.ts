import assert from "node:assert/strict";
import { concatBytes, toHex, utf8 } from "../../../../../primitives/bytes.ts";
import { blsKeypairFromSeed } from "../../../../../primitives/blsKeys.ts";
import type { Call } from "../../../../../primitives/codec/index.ts";
import { blake2b256 } from "../../../../../primitives/hash.ts";
import { devKeypair } from "../../../../../primitives/keys/devAccounts.ts";
import type { Ed25519Keypair } from "../../../../../primitives/keys/ed25519.ts";
import { devChainSpec } from "../../../../../genesis/presets.ts";
import { creditedReading } from "../../../../../runtime/modules/pog/generation.ts";
import { creditedEnergies, pageEnergies, type IntervalEnergy } from "../../../../../runtime/modules/pog/pageEnergies.ts";
import { Config as PogConfig, GenerationDays, LastReading } from "../../../../../runtime/modules/pog/storage.ts";
import { generationDayCodec, readingCodec, readingHash, readingSigningRoot, type GenerationSlot, type Reading, type ReadingRejection } from "../../../../../runtime/modules/pog/types.ts";
import { registerCall } from "../../../../../harness/energy.ts";
import { prng } from "../../../../../primitives/prng.ts";
import { expectApplied, TestChain } from "../../../../utils/runtime.ts";

const alice = devKeypair("Alice");
const bob = devKeypair("Bob");
/** 6,000 W at the dev chain's 60 s intervals and 10 % tolerance: 110 Wh per interval per channel. */
const CAPACITY_W = 6_000;
const MAX_ENERGY_WH = 110;
const NOW = 1_000;

function signedCall(chain: TestChain, signer: Ed25519Keypair, call: Call): void {
  const nonce = chain.account(signer.publicKey).nonce;
  assert.equal(expectApplied(chain.produceBlock([chain.sign(signer, call, { nonce })]).results[0]).success, true);
}

function setup(): TestChain {
  const chain = new TestChain(devChainSpec());
  signedCall(chain, bob, registerCall(chain.genesis.hash, bob, blsKeypairFromSeed(new Uint8Array(32).fill(1)), alice, CAPACITY_W));
  return chain;
}

function firstSlotOf(chain: TestChain, interval: number): bigint {
  const intervalMs = BigInt(PogConfig.get(chain.state()).readingIntervalSecs) * 1000n;
  const slotMs = BigInt(chain.config().slotDurationMs);
  return (BigInt(interval) * intervalMs + slotMs - 1n) / slotMs;
}

/** One block at interval NOW carrying `r`; returns the pog events' names and rejection reasons. */
function submit(chain: TestChain, r: Reading): string[] {
  const first = firstSlotOf(chain, NOW);
  const slot = chain.head.slot + 1n > first ? chain.head.slot + 1n : first;
  chain.produceBlock([], { slot, readings: [readingCodec.encode(r)] });
  return chain
    .events()
    .filter((e) => e.module === "pog")
    .map((e) => (e.name === "ReadingRejected" ? `Rejected:${(e.data as { reason: string }).reason}` : e.name));
}

const battery = (over: Partial<Reading>): Reading => ({ deviceId: 0, interval: NOW - 10, cumulativeWh: 1_000, energyWh: 0, peakW: 0, cumulativeImportWh: 5_000, importWh: 90, ...over });

/** Varint of a non-negative safe integer, protobuf's base-128 little-endian. */
function varint(v: number): number[] {
  const out: number[] = [];
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return out;
}

describe("pog: the import channel of bidirectional readings (docs/readings.md)", () => {
  it("a generator reading encodes, hashes and signs exactly as the generator form: fields 1-5, nothing for the absent import channel", () => {
    const generator: Reading = { deviceId: 3, interval: 29_924_778, cumulativeWh: 1_234_567, energyWh: 412, peakW: 3_120 };
    // The generator form written by hand, field by field (tag = field << 3 | varint wire type 0).
    const expected = Uint8Array.from([0x08, ...varint(3), 0x10, ...varint(29_924_778), 0x18, ...varint(1_234_567), 0x20, ...varint(412), 0x28, ...varint(3_120)]);
    assert.equal(toHex(readingCodec.encode(generator)), toHex(expected));
    assert.equal(toHex(readingCodec.encode({ ...generator, cumulativeImportWh: 0, importWh: 0 })), toHex(expected), "import 0 = absent");
    assert.equal(toHex(readingHash({ ...generator, cumulativeImportWh: 0, importWh: 0 })), toHex(blake2b256(expected)));
    const genesis = new Uint8Array(32).fill(7);
    assert.equal(toHex(readingSigningRoot(genesis, generator)), toHex(blake2b256(concatBytes(utf8("arkreen/reading/v1"), genesis, expected))));
    // With an import channel, fields 6 and 7 follow in field order.
    const withImport = readingCodec.encode({ ...generator, cumulativeImportWh: 777_000, importWh: 55 });
    assert.equal(toHex(withImport), toHex(Uint8Array.from([...expected, 0x30, ...varint(777_000), 0x38, ...varint(55)])));
    assert.deepEqual(readingCodec.decode(withImport), { ...generator, cumulativeImportWh: 777_000, importWh: 55 });
  });

  it("credits both channels: the slot and LastReading carry the import meter and energy", () => {
    const chain = setup();
    const r = battery({});
    assert.deepEqual(submit(chain, r), ["ReadingsCredited"]);
    const c = creditedReading(chain.state(), 0, r.interval);
    assert.equal(c?.importWh, 90);
    assert.equal(c?.cumulativeImportWh, 5_000);
    assert.deepEqual(LastReading.get(chain.state(), 0), { interval: r.interval, cumulativeWh: 1_000, cumulativeImportWh: 5_000 });
    const next = battery({ interval: r.interval + 1, cumulativeImportWh: 5_100, importWh: 100, cumulativeWh: 1_010, energyWh: 10 });
    assert.deepEqual(submit(chain, next), ["ReadingsCredited"]);
    assert.deepEqual(creditedEnergies(chain.state(), 0, r.interval, next.interval), [
      { interval: r.interval, energyWh: 0, importWh: 90, cumulativeImportWh: 5_000 },
      { interval: next.interval, energyWh: 10, importWh: 100, cumulativeImportWh: 5_100 },
    ]);
  });

  const cases: Array<[string, Partial<Reading>, ReadingRejection | null]> = [
    ["import meter backwards", { interval: NOW - 9, cumulativeImportWh: 4_999, importWh: 0 }, "MeterBackwards"],
    ["import channel dropped after it was reported (meter back to 0)", { interval: NOW - 9, cumulativeImportWh: 0, importWh: 0 }, "MeterBackwards"],
    ["next interval: import meter grew by less than importWh", { interval: NOW - 9, cumulativeImportWh: 5_059, importWh: 60 }, "MeterInconsistent"],
    ["next interval: import meter grew by more than importWh", { interval: NOW - 9, cumulativeImportWh: 5_061, importWh: 60 }, "MeterInconsistent"],
    ["next interval: import meter grew by exactly importWh", { interval: NOW - 9, cumulativeImportWh: 5_060, importWh: 60 }, null],
    ["after a gap: import meter grew by less than importWh", { interval: NOW - 7, cumulativeImportWh: 5_059, importWh: 60 }, "MeterInconsistent"],
    ["after a gap: import meter grew by more than importWh", { interval: NOW - 7, cumulativeImportWh: 5_500, importWh: 60 }, null],
    ["import energy one Wh above capacity", { interval: NOW - 9, cumulativeImportWh: 5_000 + MAX_ENERGY_WH + 1, importWh: MAX_ENERGY_WH + 1 }, "EnergyAboveCapacity"],
    ["import energy exactly at capacity", { interval: NOW - 9, cumulativeImportWh: 5_000 + MAX_ENERGY_WH, importWh: MAX_ENERGY_WH }, null],
  ];
  for (const [what, over, verdict] of cases) {
    it(`${verdict ?? "credited"}: ${what}`, () => {
      const chain = setup();
      assert.deepEqual(submit(chain, battery({})), ["ReadingsCredited"]);
      const before = LastReading.get(chain.state(), 0);
      const events = submit(chain, battery(over));
      if (verdict === null) {
        assert.deepEqual(events, ["ReadingsCredited"]);
      } else {
        assert.deepEqual(events, [`Rejected:${verdict}`]);
        assert.deepEqual(LastReading.get(chain.state(), 0), before, "a rejected reading changes nothing");
      }
    });
  }

  it("a generator may start reporting import with whatever its import meter reads; a first import below the interval's own energy is refused", () => {
    const chain = setup();
    assert.deepEqual(submit(chain, battery({ cumulativeImportWh: 0, importWh: 0, energyWh: 50, cumulativeWh: 1_000 })), ["ReadingsCredited"]);
    assert.deepEqual(submit(chain, battery({ interval: NOW - 9, cumulativeWh: 1_000, energyWh: 0, cumulativeImportWh: 40, importWh: 41 })), ["Rejected:MeterInconsistent"]);
    assert.deepEqual(submit(chain, battery({ interval: NOW - 9, cumulativeWh: 1_000, energyWh: 0, cumulativeImportWh: 80_000, importWh: 41 })), ["ReadingsCredited"]);
    assert.deepEqual(submit(chain, battery({ interval: NOW - 8, cumulativeWh: 1_000, energyWh: 0, cumulativeImportWh: 80_041, importWh: 41 })), ["ReadingsCredited"]);
  });

  it("the export channel is judged as before while the import channel is present", () => {
    const chain = setup();
    assert.deepEqual(submit(chain, battery({})), ["ReadingsCredited"]);
    assert.deepEqual(submit(chain, battery({ interval: NOW - 9, cumulativeWh: 999, cumulativeImportWh: 5_000, importWh: 0 })), ["Rejected:MeterBackwards"]);
    assert.deepEqual(submit(chain, battery({ interval: NOW - 9, cumulativeWh: 1_010, energyWh: 9, cumulativeImportWh: 5_000, importWh: 0 })), ["Rejected:MeterInconsistent"]);
  });

  it("pageEnergies reads a page's energies exactly as the codec decodes them, for generator and import slots", () => {
    const random = prng(17);
    for (let round = 0; round < 200; round++) {
      const slots: GenerationSlot[] = [];
      for (let offset = 0; offset < 24; offset++) {
        if (random() < 0.3) continue;
        const imports = random() < 0.5;
        slots.push({
          offset,
          energyWh: Math.floor(random() * 2 ** 32),
          readingHash: blake2b256(Uint8Array.of(round, offset)),
          block: Math.floor(random() * 2 ** 32),
          claimedBy: random() < 0.5 ? 0 : Math.floor(random() * 1000),
          cumulativeWh: Math.floor(random() * 2 ** 52),
          peakW: Math.floor(random() * 70_000),
          importWh: imports ? Math.floor(random() * 2 ** 32) : 0,
          cumulativeImportWh: imports ? Math.floor(random() * 2 ** 53) : 0,
        });
      }
      const day = 100 + round;
      const raw = generationDayCodec.encode({ slots });
      const decoded = generationDayCodec.decode(raw).slots.map(
        (s): IntervalEnergy => ({ interval: day * 24 + s.offset, energyWh: s.energyWh, importWh: s.importWh ?? 0, cumulativeImportWh: s.cumulativeImportWh ?? 0 }),
      );
      const from = day * 24 + Math.floor(random() * 12);
      const to = from + Math.floor(random() * 24);
      const out: IntervalEnergy[] = [];
      pageEnergies(raw, day, from, to, out);
      assert.deepEqual(out, decoded.filter((e) => e.interval >= from && e.interval <= to));
    }
    assert.throws(() => pageEnergies(Uint8Array.of(0x0a, 0x05, 0x08), 1, 0, 100, []), /malformed/);
  });

  it("a generator's page is byte-identical to the form without import fields (same size in state)", () => {
    const chain = setup();
    assert.deepEqual(submit(chain, battery({ cumulativeImportWh: 0, importWh: 0, energyWh: 50 })), ["ReadingsCredited"]);
    const raw = chain.state().get(GenerationDays.key(0, Math.trunc((NOW - 10) / 24))) as Uint8Array;
    const slot = generationDayCodec.decode(raw).slots[0];
    // Fields 8 and 9 absent: re-encoding without them gives the same bytes.
    const { importWh: _i, cumulativeImportWh: _c, ...generatorForm } = slot;
    assert.equal(toHex(generationDayCodec.encode({ slots: [generatorForm as GenerationSlot] })), toHex(raw));
  });
});
