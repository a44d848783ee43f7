/**
 * The baseline profile (runtime/modules/flex/profile.ts, docs/vpp.md "Baseline profile"): what a
 * settlement reads through `profileMeter` equals what it reads from pog's pages (`chainMeter`),
 * reading by reading and baseline by baseline, on random histories — random days per day
 * (24, 36, 48, 60: chunks that are and are not pog's pages), random gaps, import channels, folds
 * missed, pages removed by expiry — and the fold hook keeps it as the docs say.
 */
import { strict as assert } from "node:assert";
import fc from "fast-check";
import { OverlayState, type IterableStateReader } from "../../../../../runtime/framework/state.ts";
import { computeBaseline, type BaselineParams, type MeterRange } from "../../../../../runtime/modules/flex/baseline.ts";
import { chainMeter, profileMeter, type ChainTime } from "../../../../../runtime/modules/flex/meter.ts";
import { addProfiled, foldUnit, profileKeepDays, removeProfiled } from "../../../../../runtime/modules/flex/profile.ts";
import { chunksPerDay, profileCodec, unitAt, type ProfileDay } from "../../../../../runtime/modules/flex/profileCodec.ts";
import { assess } from "../../../../../runtime/modules/flex/settle.ts";
import { BaselineProfiles, Enrolments, ProfiledDevices, ProfileFold, ProfileIndex } from "../../../../../runtime/modules/flex/storage.ts";
import type { EventRecord } from "../../../../../runtime/modules/flex/types.ts";
import { creditReading, dayOf, pageExpired } from "../../../../../runtime/modules/pog/generation.ts";
import { Config as PogConfig, GenerationDays } from "../../../../../runtime/modules/pog/storage.ts";
import { calls, FlexChain, PER_DAY, programArgs } from "../../../../utils/flexChain.ts";

const empty: IterableStateReader = {
  get: () => undefined,
  *entries() {},
};

const LOOKBACK = 20;
const WINDOW = 3;

interface History {
  D: number;
  days: number;
  /** Per device, per interval: energy, import (undefined: generator form), or null: no reading. */
  readings: Array<Array<{ energyWh: number; importWh?: number } | null>>;
  claimWindow: number;
  missedFolds: number[];
  removedPages: number[];
}

const history = fc
  .record({
    D: fc.constantFrom(24, 36, 48, 60),
    days: fc.integer({ min: 3, max: 26 }),
    density: fc.integer({ min: 0, max: 100 }),
    seed: fc.integer({ min: 0, max: 2 ** 30 }),
    importDevice: fc.boolean(),
    claimDays: fc.integer({ min: 2, max: 40 }),
    missedFolds: fc.array(fc.nat(200), { maxLength: 12 }),
    removedPages: fc.array(fc.nat(200), { maxLength: 12 }),
  })
  .map(({ D, days, density, seed, importDevice, claimDays, missedFolds, removedPages }): History => {
    // A small deterministic generator from the seed: the history is large, shrinking it per reading is pointless.
    let x = seed || 1;
    const next = (): number => {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      return (x >>> 0) / 2 ** 32;
    };
    const readings = [0, 1].map((device) =>
      Array.from({ length: days * D }, (_, t) => {
        if (next() * 100 >= density) return null;
        const energyWh = Math.floor(next() * 5_000);
        // Device 1 reports an import channel from some interval on (its meter above 0), or never.
        return importDevice && device === 1 && t > (days * D) / 3 ? { energyWh, importWh: Math.floor(next() * 3_000) } : { energyWh };
      }),
    );
    return { D, days, readings, claimWindow: claimDays * D, missedFolds, removedPages };
  });

/** Credits the history with pog's own crediting, then folds every final unit as the hook would (but for the missed ones), and removes some expirable pages. */
function build(h: History): { state: OverlayState; time: ChainTime } {
  const state = new OverlayState(empty);
  PogConfig.set(state, { readingIntervalSecs: Math.trunc(86_400 / h.D), acceptanceWindowIntervals: WINDOW, tolerancePercent: 10, maxReadingsPerBlock: 1000, epochLengthBlocks: 100, claimWindowIntervals: h.claimWindow });
  const cumulative = [0, 0];
  const imported = [1_000, 1_000];
  for (let t = 0; t < h.days * h.D; t++) {
    for (const device of [0, 1]) {
      const r = h.readings[device][t];
      if (r === null) continue;
      cumulative[device] += r.energyWh;
      const reading = { deviceId: device, interval: t, cumulativeWh: cumulative[device], energyWh: r.energyWh, peakW: r.energyWh };
      if (r.importWh !== undefined) {
        imported[device] += r.importWh;
        Object.assign(reading, { importWh: r.importWh, cumulativeImportWh: imported[device] });
      }
      creditReading(state, reading, 1, GenerationDays.get(state, device, dayOf(t)));
    }
  }
  const now = h.days * h.D; // the day after the history
  const C = chunksPerDay(h.D);
  const keep = profileKeepDays(LOOKBACK);
  let n = 0;
  for (let unit = 0; unit < h.days * C; unit++) {
    const day = Math.trunc(unit / C);
    const chunk = unit - day * C;
    if (now <= unitAt(day, chunk, h.D).to + WINDOW) break;
    for (const device of [0, 1]) if (!h.missedFolds.includes(n++)) foldUnit(state, device, day, chunk, h.D, keep);
  }
  for (const p of h.removedPages) {
    const page = p % Math.ceil((h.days * h.D) / 24);
    if (pageExpired(page, now, { claimWindowIntervals: h.claimWindow } as never)) for (const device of [0, 1]) GenerationDays.remove(state, device, page);
  }
  return { state, time: { now, readingIntervalSecs: Math.trunc(86_400 / h.D), acceptanceWindowIntervals: WINDOW, intervalsPerDay: h.D } };
}

/** What a baseline may ask of a reading: its energies and whether its import meter is above 0. */
const normal = (meter: MeterRange, device: number, from: number, to: number) =>
  meter(device, from, to).map((r) => ({ interval: r.interval, energyWh: r.energyWh, importWh: r.importWh ?? 0, importChannel: (r.cumulativeImportWh ?? 0) > 0 }));

describe("runtime: flex baseline profile (profile.ts)", function () {
  this.timeout(120_000);

  it("encodes and decodes any profile exactly", () => {
    const day = fc.record({ present: fc.nat(2 ** 24 - 1), importChannel: fc.nat(2 ** 24 - 1), energy: fc.array(fc.nat(2 ** 32 - 1), { minLength: 24, maxLength: 24 }), imp: fc.array(fc.nat(2 ** 32 - 1), { minLength: 24, maxLength: 24 }) });
    fc.assert(
      fc.property(fc.uniqueArray(fc.nat(100_000), { maxLength: 25 }), fc.array(day, { minLength: 25, maxLength: 25 }), (days, bodies) => {
        const profile: ProfileDay[] = [...days]
          .sort((a, b) => a - b)
          .map((d, i) => {
            const b = bodies[i];
            return { day: d, present: b.present, importChannel: b.importChannel, energyWh: b.energy.map((e, s) => ((b.present >> s) & 1 ? e : 0)), importWh: b.imp.map((e, s) => ((b.present >> s) & 1 ? e : 0)) };
          });
        assert.deepEqual(profileCodec.decode(profileCodec.encode(profile)), profile);
      }),
      { numRuns: 200 },
    );
  });

  it("serves exactly the readings pog's pages hold, over any range, on random histories (folds missed, pages expired)", () => {
    fc.assert(
      fc.property(history, fc.array(fc.tuple(fc.nat(2_000), fc.nat(80)), { minLength: 1, maxLength: 20 }), (h, ranges) => {
        const { state, time } = build(h);
        const viaProfile = profileMeter(state, time, chainMeter(state));
        const viaPages = chainMeter(state);
        for (const [a, len] of ranges) {
          const from = a % (h.days * h.D);
          for (const device of [0, 1]) assert.deepEqual(normal(viaProfile, device, from, from + len), normal(viaPages, device, from, from + len), `device ${device} [${from}, ${from + len}]`);
        }
      }),
      { numRuns: 60 },
    );
  });

  it("gives every event the baseline and assessment that pog's pages give, on random histories and excluded days", () => {
    fc.assert(
      fc.property(
        history,
        fc.record({ back: fc.nat(40), duration: fc.integer({ min: 1, max: 6 }), payload: fc.constantFrom(1, 2, 3, 4), excluded: fc.array(fc.nat(30), { maxLength: 6 }), days: fc.integer({ min: 1, max: 10 }) }),
        (h, e) => {
          const { state, time } = build(h);
          const start = Math.max(0, h.days * h.D - e.duration - WINDOW - 1 - e.back);
          const params: BaselineParams = { intervalsPerDay: h.D, days: e.days, lookbackDays: LOOKBACK, adjustmentIntervals: 3, capPermille: 200 };
          const excluded = (day: number): boolean => e.excluded.includes(day);
          const event = { startInterval: start, durationIntervals: e.duration, payloadType: e.payload, intervals: Array.from({ length: e.duration }, () => ({ watts: 700 })) } as unknown as EventRecord;
          for (const device of [0, 1]) {
            const viaProfile = profileMeter(state, time, chainMeter(state));
            const viaPages = chainMeter(state);
            assert.deepEqual(computeBaseline(viaProfile, excluded, device, start, e.duration, params), computeBaseline(viaPages, excluded, device, start, e.duration, params));
            assert.deepEqual(assess(viaProfile, excluded, device, event, params, time.readingIntervalSecs), assess(viaPages, excluded, device, event, params, time.readingIntervalSecs));
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it("keeps a fold's days within the lookback and two spare days, and writes nothing for a device without readings or profile", () => {
    const h: History = { D: 24, days: 30, readings: [Array.from({ length: 30 * 24 }, () => ({ energyWh: 5 })), Array.from({ length: 30 * 24 }, () => null)], claimWindow: 40 * 24, missedFolds: [], removedPages: [] };
    const { state } = build(h);
    const days = BaselineProfiles.get(state, 0, 0)?.map((d) => d.day);
    // Days 0 … 28 were final (day 29 still takes readings): the last 22 are kept.
    assert.deepEqual(days, Array.from({ length: 22 }, (_, i) => 7 + i));
    assert.equal(BaselineProfiles.get(state, 1, 0), undefined);
    // Those days are served from the profile alone: a page read would throw.
    const time: ChainTime = { now: 30 * 24, readingIntervalSecs: 3600, acceptanceWindowIntervals: WINDOW, intervalsPerDay: 24 };
    const noPages: MeterRange = () => {
      throw new Error("a page was read");
    };
    assert.deepEqual(normal(profileMeter(state, time, noPages), 0, 7 * 24, 29 * 24 - 1), normal(chainMeter(state), 0, 7 * 24, 29 * 24 - 1));
    assert.equal(profileMeter(state, time, noPages)(0, 7 * 24, 29 * 24 - 1).length, 22 * 24);
  });

  it("adds a device once, swap-removes it with its profile records, and keeps the others' positions consistent", () => {
    const state = new OverlayState(empty);
    for (const d of [5, 6, 7, 5]) addProfiled(state, d);
    assert.deepEqual(ProfileFold.get(state), { count: 3, unit: 0, cursor: 0 });
    BaselineProfiles.set(state, 5, 0, [{ day: 1, present: 1, importChannel: 0, energyWh: [9, ...new Array<number>(23).fill(0)], importWh: new Array<number>(24).fill(0) }]);
    BaselineProfiles.set(state, 5, 3, []);
    BaselineProfiles.set(state, 6, 0, []);
    ProfileFold.set(state, { count: 3, unit: 4, cursor: 3 });
    assert.equal(removeProfiled(state, 5, 4), 7, "index, position, moved position, the four chunks of a day");
    assert.deepEqual(ProfileFold.get(state), { count: 2, unit: 4, cursor: 2 });
    assert.equal(ProfiledDevices.get(state, 0), 7);
    assert.equal(ProfileIndex.get(state, 7), 0);
    assert.equal(ProfiledDevices.get(state, 2), undefined);
    assert.equal(ProfileIndex.get(state, 5), undefined);
    assert.equal(BaselineProfiles.get(state, 5, 0), undefined);
    assert.equal(BaselineProfiles.get(state, 5, 3), undefined);
    assert.deepEqual(BaselineProfiles.get(state, 6, 0), []);
    assert.equal(removeProfiled(state, 5, 4), 0, "not profiled: nothing");
  });

  it("on a chain: enrolment starts the profile (back-filled from the lookback's pages), blocks fold each final day, leaving removes it", () => {
    const chain = new FlexChain();
    chain.putDevice(0, "Alice");
    chain.putDevice(1, "Alice");
    chain.feed([0, 1], 0, 12 * PER_DAY - 1, (d, t) => 100 + d + (t % PER_DAY));
    assert.equal(chain.exec("Charlie", calls.createProgram(programArgs())).success, true);
    assert.equal(chain.exec("Alice", calls.enrol(0, 0, 1_000)).success, true);
    assert.deepEqual(ProfileFold.get(chain.state()).count, 1);
    chain.blockAt(chain.now() + 1);
    const state = chain.state();
    const folded = BaselineProfiles.get(state, 0, 0) ?? [];
    // Every day whose last interval is past the acceptance window: a copy of its page.
    const finalDays = folded.map((d) => d.day);
    assert.ok(finalDays.length >= 10, `folded ${finalDays.join(",")}`);
    for (const d of folded) {
      assert.equal(d.present, 2 ** 24 - 1);
      assert.deepEqual(d.energyWh, Array.from({ length: 24 }, (_, h) => 100 + h));
    }
    assert.equal(BaselineProfiles.get(state, 1, 0), undefined, "a device not enrolled has no profile");
    assert.ok(Enrolments.get(state, 0));
    assert.equal(chain.exec("Alice", calls.leave(0)).success, true);
    assert.equal(BaselineProfiles.get(chain.state(), 0, 0), undefined);
    assert.equal(ProfileIndex.get(chain.state(), 0), undefined);
    assert.equal(ProfileFold.get(chain.state()).count, 0);
  });
});
