import assert from "node:assert/strict";
import { clearSkyFraction } from "../../../forecast/clearSky.ts";
import { DeviceForecaster } from "../../../forecast/forecaster.ts";
import { fitPv, mixtureQuantile, predictPv, similarCount, similarDays, type PvHistory } from "../../../forecast/pv.ts";
import { SunTable } from "../../../forecast/solarPosition.ts";
import { hourOfInterval } from "../../../forecast/types.ts";

const HOUR = 3600;
const CAPACITY_W = 4000;
/** 2025-06-01 00:00 UTC as an hourly interval. */
const FIRST = Date.UTC(2025, 5, 1) / 3_600_000;
const LAT = 0.5;
const LON = 0;

/**
 * Days of persistent regimes, clear days a minority (the case the first model got wrong): runs of
 * overcast (index 0.3) and clear (1.0) days, each day's level jittered by a fixed pattern.
 */
const REGIMES = "oooooccoooooocccooooocccoooooocc"; // 32 days: the last two clear
const level = (d: number): number => (REGIMES[d] === "c" ? 0.97 : 0.3) + 0.03 * (((d * 7) % 5) / 4);

function history(days: number, index: (day: number) => number): Float64Array {
  const sun = new SunTable(LAT, LON);
  return Float64Array.from({ length: days * 24 }, (_, i) => Math.min(CAPACITY_W, CAPACITY_W * clearSkyFraction(sun, FIRST + i, HOUR) * index(Math.floor(i / 24))));
}

function forecaster(wh: Float64Array): DeviceForecaster {
  return new DeviceForecaster({ kind: "SolarPv", capacityW: CAPACITY_W, lat: LAT, lon: LON }, { first: FIRST, intervalSecs: HOUR, wh });
}

/** The forecaster's history (clear-sky fractions included), for fitting the model directly. */
const pvHistory = (f: DeviceForecaster): PvHistory => (f as unknown as { history: PvHistory }).history;

describe("forecast: the PV model's regime mixture", () => {
  it("after a clear day in a climate of persistent, mostly overcast regimes, forecasts a clear day (the first model's median leant overcast)", () => {
    const wh = history(REGIMES.length, level);
    const f = forecaster(wh);
    const end = FIRST + wh.length;
    const points = f.forecast(end, end, 24);
    const sun = new SunTable(LAT, LON);
    let checked = 0;
    for (const p of points) {
      const cs = CAPACITY_W * clearSkyFraction(sun, p.interval, HOUR);
      if (cs < 0.3 * CAPACITY_W) continue;
      checked++;
      // A clear day gives ~0.97–1.0 of clear sky; the anomaly component alone (the first model) gave ~0.8.
      assert.ok(p.expectedWh >= 0.93 * Math.min(CAPACITY_W, cs), `${JSON.stringify(p)} vs clear sky ${cs}`);
      assert.ok(p.p10Wh <= p.expectedWh && p.expectedWh <= p.p90Wh);
    }
    assert.ok(checked >= 6, `${checked} daylight hours checked`);
  });

  it("after an overcast day in the same climate, forecasts an overcast day", () => {
    const days = REGIMES.length - 2; // ends with "oooooo"
    const wh = history(days, level);
    const end = FIRST + wh.length;
    const sun = new SunTable(LAT, LON);
    for (const p of forecaster(wh).forecast(end, end, 24)) {
      const cs = CAPACITY_W * clearSkyFraction(sun, p.interval, HOUR);
      if (cs >= 0.3 * CAPACITY_W) assert.ok(p.expectedWh <= 0.4 * cs, `${JSON.stringify(p)} vs clear sky ${cs}`);
    }
  });

  it("the similar days of a clear yesterday are the clear days, and ρ sees the persistence", () => {
    const wh = history(REGIMES.length, level);
    const model = fitPv(pvHistory(forecaster(wh)), wh.length);
    assert.ok(model.rho > 0.5, `persistent regimes: ρ = ${model.rho}`);
    assert.equal(model.predictor, 0);
    let similar = 0;
    for (let d = 0; d < model.similar.length; d++) {
      if (model.similar[d] === 0) continue;
      similar++;
      assert.equal(REGIMES[REGIMES.length - 1 - d], "c", `day ${d} back`);
    }
    assert.equal(similar, similarCount(model.similar.length));
  });

  it("over two weeks of day-ahead forecasts of persistent regimes, the mixture's absolute error is well under the anomaly component's alone (the first model)", () => {
    const regimes = "oooooccoooooocccooooocccoooooocccooooccccooooo"; // 46 days
    const lvl = (d: number): number => (regimes[d] === "c" ? 0.97 : 0.3) + 0.03 * (((d * 7) % 5) / 4);
    const wh = history(regimes.length, lvl);
    const f = forecaster(wh);
    const h = pvHistory(f);
    let mixture = 0;
    let anomalyOnly = 0;
    for (let day = regimes.length - 14; day < regimes.length; day++) {
      const issue = day * 24;
      const model = fitPv(h, issue);
      const first = { ...model, predictor: -1 }; // λ = 0: the first model
      for (let i = issue; i < issue + 24; i++) {
        const cs = h.clearSky[i];
        if (cs <= 0) continue;
        const hour = hourOfInterval(FIRST + i, HOUR);
        mixture += Math.abs(predictPv(model, hour, cs, CAPACITY_W, 1).expected - wh[i]);
        anomalyOnly += Math.abs(predictPv(first, hour, cs, CAPACITY_W, 1).expected - wh[i]);
      }
    }
    assert.ok(mixture < 0.85 * anomalyOnly, `MAE sums: mixture ${mixture.toFixed(0)} vs anomaly component ${anomalyOnly.toFixed(0)}`);
  });

  it("without persistence (alternating days) the similar days get no weight: the forecast is the anomaly component's", () => {
    const wh = history(31, (d) => (d % 2 === 0 ? 0.95 : 0.35));
    const model = fitPv(pvHistory(forecaster(wh)), wh.length);
    assert.equal(model.rho, 0);
  });

  it("similar days: the nearest daily indices, ties to the more recent, a third of the known days (at least 3)", () => {
    const K = Float64Array.from([0.9, 0.3, Number.NaN, 0.88, 0.31, 0.95, 0.5, 0.9]);
    // 7 known days → 3 similar: day 0 itself and day 7 (both 0.9, distance 0), then day 3 (0.88) before day 5 (0.95).
    assert.deepEqual([...similarDays(K, 0)], [1, 0, 0, 1, 0, 0, 0, 1]);
    assert.equal(similarCount(30), 10);
    assert.equal(similarCount(4), 3);
    assert.equal(similarCount(2), 2);
  });

  it("mixture quantiles: weight 0 is the anomaly component; weight 1 the similar members; in between, weighted", () => {
    const residuals = Float64Array.from([-0.2, -0.1, 0, 0.1, 0.2]);
    const m = { k: Float64Array.from([0.2, 0.9, 1.0, 1.1]), day: Int32Array.from([3, 0, 1, 2]) };
    const similar = Uint8Array.from([1, 1, 1, 0]);
    assert.equal(mixtureQuantile(0.5, residuals, m, similar, 0, 0.5), 0.5);
    assert.ok(Math.abs(mixtureQuantile(0.5, residuals, m, similar, 1, 0.5) - 1.0) < 1e-12);
    // λ = 0.6: the similar members (0.9, 1.0, 1.1) weigh 0.2 each, the outcomes 0.3–0.7 0.08 each: the median lies among the similar members.
    const q = mixtureQuantile(0.5, residuals, m, similar, 0.6, 0.5);
    assert.ok(q > 0.7 && q < 1.0, `${q}`);
    // No similar member at this hour: the anomaly component alone, whatever λ.
    assert.equal(mixtureQuantile(0.5, residuals, m, new Uint8Array(4), 0.6, 0.5), 0.5);
  });
});
