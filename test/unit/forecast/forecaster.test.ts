import assert from "node:assert/strict";
import { accuracyOf, backtestSamples, type BacktestSample } from "../../../forecast/backtest.ts";
import { clearSkyFraction } from "../../../forecast/clearSky.ts";
import { DeviceForecaster } from "../../../forecast/forecaster.ts";
import { SunTable } from "../../../forecast/solarPosition.ts";

const HOUR = 3600;
const CAPACITY_W = 4000;
/** 2025-06-01 00:00 UTC as an hourly interval. */
const FIRST = Date.UTC(2025, 5, 1) / 3_600_000;
const LAT = 35;
const LON = 0;

/** `days` of hourly history: clear-sky × `index(day)`, capped at the capacity as an inverter would. */
function pvHistory(days: number, index: (day: number) => number): Float64Array {
  const sun = new SunTable(LAT, LON);
  return Float64Array.from({ length: days * 24 }, (_, i) => Math.min(CAPACITY_W, CAPACITY_W * clearSkyFraction(sun, FIRST + i, HOUR) * index(Math.floor(i / 24))));
}

function pv(wh: Float64Array, kind = "SolarPv"): DeviceForecaster {
  return new DeviceForecaster({ kind, capacityW: CAPACITY_W, lat: LAT, lon: LON }, { first: FIRST, intervalSecs: HOUR, wh });
}

describe("forecast: the device forecaster", () => {
  it("learns a steady clear-sky index: tomorrow is today's output, P10 ≤ expected ≤ P90", () => {
    const wh = pvHistory(31, () => 0.8);
    const f = pv(wh);
    const end = FIRST + wh.length;
    const points = f.forecast(end, end, 24);
    for (let h = 0; h < 24; h++) {
      const p = points[h];
      assert.ok(p.p10Wh <= p.expectedWh && p.expectedWh <= p.p90Wh, `hour ${h}`);
      // Same sun a day later, to within the day's change of declination.
      assert.ok(Math.abs(p.expectedWh - wh[wh.length - 24 + h]) <= 0.02 * CAPACITY_W, `hour ${h}: ${p.expectedWh} vs ${wh[wh.length - 24 + h]}`);
    }
  });

  it("is 0 at night, P10 and P90 too", () => {
    const f = pv(pvHistory(31, (d) => 0.4 + 0.5 * ((d * 7) % 5) / 4));
    const end = FIRST + 31 * 24;
    const sun = new SunTable(LAT, LON);
    const night = f.forecast(end, end, 48).filter((p) => clearSkyFraction(sun, p.interval, HOUR) === 0);
    assert.ok(night.length >= 12);
    for (const p of night) assert.deepEqual([p.expectedWh, p.p10Wh, p.p90Wh], [0, 0, 0]);
  });

  it("clips at the device's capacity: an oversized array's clipped noons are forecast at most at capacity", () => {
    const wh = pvHistory(31, () => 1.5); // DC/AC 1.5: every noon clipped
    const capWh = CAPACITY_W;
    assert.ok(wh.some((x) => x === capWh), "the history is clipped");
    const end = FIRST + wh.length;
    const points = pv(wh).forecast(end, end, 72);
    assert.ok(points.some((p) => p.expectedWh === capWh), "noon forecast at capacity");
    for (const p of points) assert.ok(p.p90Wh <= capWh && p.expectedWh <= capWh && p.p10Wh >= 0);
  });

  it("has a band from the spread of the history: variable weather widens it", () => {
    const end = FIRST + 31 * 24;
    const width = (f: DeviceForecaster): number => f.forecast(end, end, 24).reduce((a, p) => a + p.p90Wh - p.p10Wh, 0);
    const steady = width(pv(pvHistory(31, () => 0.7)));
    const variable = width(pv(pvHistory(31, (d) => [0.2, 0.9, 0.5, 1.0, 0.3][d % 5])));
    assert.ok(variable > 5 * steady + 1, `${variable} vs ${steady}`);
  });

  it("without history forecasts the stated prior (index 0.7) inside a wide band", () => {
    const f = pv(new Float64Array(0));
    const sun = new SunTable(LAT, LON);
    const noon = FIRST + 12;
    const [p] = f.forecast(FIRST, noon, 1);
    const cs = CAPACITY_W * clearSkyFraction(sun, noon, HOUR);
    assert.ok(p.p10Wh < 0.3 * cs && p.p90Wh > 0.9 * cs && p.expectedWh > 0.4 * cs && p.expectedWh < 0.8 * cs, JSON.stringify(p));
  });

  it("wind and battery devices: persistence, the same interval a day earlier (an earlier day where it is missing)", () => {
    const wh = Float64Array.from({ length: 72 }, (_, i) => (i * 37) % 1000);
    wh[48 + 5] = Number.NaN; // yesterday's 05:00 missing
    for (const kind of ["Wind", "Battery"]) {
      const f = pv(wh, kind);
      assert.equal(f.model, "persistence");
      const end = FIRST + 72;
      const points = f.forecast(end, end, 48);
      for (let h = 0; h < 48; h++) {
        const expected = h === 5 || h === 29 ? wh[24 + 5] : wh[48 + (h % 24)];
        assert.equal(points[h].expectedWh, expected, `${kind} hour ${h}`);
        assert.ok(points[h].p10Wh <= points[h].expectedWh && points[h].expectedWh <= points[h].p90Wh && points[h].p90Wh <= CAPACITY_W);
      }
    }
  });
});

describe("forecast: backtest figures", () => {
  const sample = (actual: number, expected: number, persistence: number, p10 = 0, p90 = 0): BacktestSample => ({ interval: 0, actual, expected, p10, p90, persistence });

  it("nMAE, nRMSE, skill against persistence and P10–P90 coverage of a known series", () => {
    // Errors 100, −300, 0, 200 → MAE 150, RMSE √(140,000/4) = 187.08; persistence errors 200, 200, 400, 200 → MAE 250.
    const samples = [sample(1000, 1100, 1200, 900, 1200), sample(2000, 1700, 1800, 1500, 1900), sample(0, 0, 400, 0, 0), sample(500, 700, 300, 600, 800)];
    const a = accuracyOf(samples, 4000);
    assert.equal(a.samples, 4);
    assert.equal(a.nMae, 150 / 4000);
    assert.ok(Math.abs((a.nRmse ?? 0) - Math.sqrt(140_000 / 4) / 4000) < 1e-12);
    assert.ok(Math.abs((a.skillVsPersistence ?? 0) - (1 - 150 / 250)) < 1e-12);
    assert.equal(a.coverage, 2 / 4);
  });

  it("no samples: null figures; persistence never wrong: null skill", () => {
    assert.deepEqual(accuracyOf([], 4000), { nMae: null, nRmse: null, skillVsPersistence: null, samples: 0, coverage: null });
    assert.equal(accuracyOf([sample(5, 6, 5)], 10).skillVsPersistence, null);
  });

  it("the rolling backtest of a steady device is near perfect and scores only daylight hours with a yesterday", () => {
    const f = pv(pvHistory(40, () => 0.75));
    const samples = backtestSamples(f, 14);
    assert.ok(samples.length > 14 * 10 && samples.length <= 14 * 16, `${samples.length}`);
    const a = accuracyOf(samples, CAPACITY_W);
    assert.ok((a.nMae ?? 1) < 0.01, JSON.stringify(a));
  });
});
