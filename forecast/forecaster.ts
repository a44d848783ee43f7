/**
 * One device's forecaster over its history: the PV model for `SolarPv` devices, persistence for
 * every other kind (docs/forecasts.md). Built once per history (clear-sky fractions of the
 * history are computed here), then asked for forecasts at any issue point inside or at the end of
 * that history — the rolling backtest issues one a day.
 */
import { clearSkyFraction, clearSkyFractions } from "./clearSky.ts";
import { dailyChanges, persistedValue, predictPersistence } from "./persistence.ts";
import { fitPv, predictPv, type PvHistory, type PvModel } from "./pv.ts";
import { SunTable } from "./solarPosition.ts";
import { capacityWhPerInterval, hourOfInterval, intervalsPerDay, type ForecastDevice, type ForecastPoint, type Series } from "./types.ts";

export type ForecastModelName = "clear-sky-regime" | "persistence";

export class DeviceForecaster {
  readonly model: ForecastModelName;
  readonly capWh: number;
  readonly perDay: number;
  private readonly sun: SunTable;
  private readonly history: PvHistory;
  readonly device: ForecastDevice;
  readonly series: Series;

  constructor(device: ForecastDevice, series: Series) {
    this.device = device;
    this.series = series;
    this.model = device.kind === "SolarPv" ? "clear-sky-regime" : "persistence";
    this.capWh = capacityWhPerInterval(device.capacityW, series.intervalSecs);
    this.perDay = intervalsPerDay(series.intervalSecs);
    this.sun = new SunTable(device.lat, device.lon);
    const clearSky = this.model === "clear-sky-regime" ? clearSkyFractions(this.sun, series.first, series.wh.length, series.intervalSecs) : new Float64Array(series.wh.length);
    this.history = { first: series.first, intervalSecs: series.intervalSecs, perDay: this.perDay, wh: series.wh, clearSky, capWh: this.capWh };
  }

  /** Clear-sky fraction of `interval` (0 for devices without the solar model). */
  clearSkyOf(interval: number): number {
    if (this.model !== "clear-sky-regime") return 0;
    const i = interval - this.series.first;
    return i >= 0 && i < this.history.clearSky.length ? this.history.clearSky[i] : clearSkyFraction(this.sun, interval, this.series.intervalSecs);
  }

  /**
   * Forecasts of `count` intervals from `start`, issued at interval `issue` (≤ start): only
   * history before `issue` is used. Intervals at or after the history's end are fine.
   */
  forecast(issue: number, start: number, count: number): ForecastPoint[] {
    const issueIdx = Math.min(issue - this.series.first, this.series.wh.length);
    const out: ForecastPoint[] = [];
    if (this.model === "clear-sky-regime") {
      const model: PvModel = fitPv(this.history, issueIdx);
      for (let interval = start; interval < start + count; interval++) {
        const lead = Math.floor((interval - issue) / this.perDay) + 1;
        const p = predictPv(model, hourOfInterval(interval, this.series.intervalSecs), this.clearSkyOf(interval), this.capWh, lead);
        out.push({ interval, expectedWh: p.expected, p10Wh: p.p10, p90Wh: p.p90 });
      }
      return out;
    }
    const changes = dailyChanges(this.series.wh, this.perDay, issueIdx);
    for (let interval = start; interval < start + count; interval++) {
      const p = predictPersistence(persistedValue(this.series.wh, this.perDay, interval - this.series.first, issueIdx), changes, this.capWh);
      out.push({ interval, expectedWh: p.expected, p10Wh: p.p10, p90Wh: p.p90 });
    }
    return out;
  }
}
