import { strict as assert } from "node:assert";
import { computeBaseline, type BaselineParams } from "../../../../../runtime/modules/flex/baseline.ts";

const D = 24;
const params: BaselineParams = { intervalsPerDay: D, days: 10, lookbackDays: 20, adjustmentIntervals: 3, capPermille: 200 };

/** A meter over a table of (interval → Wh); missing entries have no reading. */
function meterOf(table: Map<number, number>) {
  return (_device: number, from: number, to: number) => {
    const out: Array<{ interval: number; energyWh: number }> = [];
    for (let t = from; t <= to; t++) if (table.has(t)) out.push({ interval: t, energyWh: table.get(t) as number });
    return out;
  };
}

describe("runtime: flex baseline (10-in-10 with same-day adjustment)", () => {
  const start = 30 * D + 12;

  it("averages the 10 latest earlier days, skipping excluded days and days without a reading, rounding down", () => {
    const table = new Map<number, number>();
    // Day 29 excluded (an event day), day 28 has no reading at noon; days 27..18 count; older days would not.
    for (let day = 0; day < 30; day++) for (let h = 0; h < D; h++) if (!(day === 28 && h === 12)) table.set(day * D + h, day === 29 ? 9_999 : 100 + day);
    const { intervals, ratioPermille } = computeBaseline(meterOf(table), (day) => day === 29, 0, start, 1, { ...params, adjustmentIntervals: 0 });
    assert.equal(ratioPermille, 1000);
    const expected = Math.floor([27, 26, 25, 24, 23, 22, 21, 20, 19, 18].reduce((s, d) => s + 100 + d, 0) / 10);
    assert.deepEqual(intervals, [{ interval: start, baselineWh: expected, meteredWh: undefined }]);
  });

  it("adjusts by the same-day ratio over [s-4, s-2], capped at ±20 %, and has no baseline without history", () => {
    const table = new Map<number, number>();
    for (let t = 0; t < 30 * D; t++) table.set(t, 1_000);
    table.set(start - 1, 50_000); // skipped: the interval right before the event
    for (const t of [start - 4, start - 3, start - 2]) table.set(t, 1_100);
    let r = computeBaseline(meterOf(table), () => false, 0, start, 2, params);
    assert.equal(r.ratioPermille, 1100);
    assert.deepEqual(r.intervals?.map((i) => i.baselineWh), [1_100, 1_100]);
    for (const t of [start - 4, start - 3, start - 2]) table.set(t, 5_000);
    r = computeBaseline(meterOf(table), () => false, 0, start, 2, params);
    assert.equal(r.ratioPermille, 1200);
    for (const t of [start - 4, start - 3, start - 2]) table.set(t, 0);
    r = computeBaseline(meterOf(table), () => false, 0, start, 2, params);
    assert.equal(r.ratioPermille, 800);
    assert.deepEqual(r.intervals?.map((i) => i.baselineWh), [800, 800]);
    assert.equal(computeBaseline(meterOf(new Map()), () => false, 0, start, 2, params).intervals, null);
  });
});

describe("docs/vpp.md: the worked example holds", () => {
  it("gives baselines 3,204 and 3,097 Wh, 3,101 Wh delivered and 0.3101 AKRE paid", async () => {
    const { assess, wattsToWh } = await import("../../../../../runtime/modules/flex/settle.ts");
    const day = 40;
    const s = day * D + 12;
    const noon = [2_950, 3_010, 3_100, 2_880, 3_040, 2_990, 3_020, 2_960, 3_070, 2_980];
    const table = new Map<number, number>();
    for (let k = 1; k <= 10; k++) {
      const base = (day - k) * D;
      table.set(base + 8, 1_800);
      table.set(base + 9, 2_200);
      table.set(base + 10, 2_600);
      table.set(base + 12, noon[k - 1]);
      table.set(base + 13, k === 10 ? 2_905 : 2_900);
    }
    for (const [t, e] of [[8, 1_900], [9, 2_350], [10, 2_800], [11, 9_999], [12, 1_700], [13, 1_500]]) table.set(day * D + t, e);
    const r = computeBaseline(meterOf(table), () => false, 7, s, 2, params);
    assert.equal(r.ratioPermille, 1068);
    assert.deepEqual(r.intervals?.map((i) => i.baselineWh), [3_204, 3_097]);
    const event = { programId: 0, wholeFleet: true, deviceIds: [], memberCount: 1, startInterval: s, durationIntervals: 2, payloadType: 1, intervals: [{ watts: 2_000 }, { watts: 2_000 }], pricePerKwh: new Uint8Array(0), createdAt: 0, phase: 2, cursor: 0, delivered: 0, settledDevices: 0, paid: new Uint8Array(0) };
    const a = assess(meterOf(table), () => false, 7, event, params, 3600);
    assert.equal(a.deliveredWh, 3_101n);
    const committed = wattsToWh(2_000, 2, 3600);
    assert.equal(committed, 4_000n);
    const price = 10n ** 17n;
    assert.equal(((a.deliveredWh < committed ? a.deliveredWh : committed) * price) / 1000n, 310_100_000_000_000_000n);
    assert.equal((a.deliveredWh * 1000n) / committed, 775n);
  });
});
