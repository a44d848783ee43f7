/**
 * Rolling backtest on a device's own history: a day-ahead forecast issued at each of the last
 * `days` day boundaries (counted back from the history's end), each fitted only on what came
 * before its issue, scored on the intervals of the following day that have a reading and whose
 * same interval the day before has one too (the persistence reference needs it; both are scored
 * on the same samples). Solar devices are scored on daylight intervals only (clear-sky
 * fraction > 0): nights are zero for every forecast and would only dilute the figures.
 *
 * Figures, normalised by the capacity energy of one interval (capacityW × interval / 1 h):
 * - nMae = mean |forecast − actual| / capacity, nRmse = √mean (forecast − actual)² / capacity;
 * - skillVsPersistence = 1 − MAE / MAE(persistence) (MAE-based; > 0 beats persistence, 1 is
 *   perfect; null when persistence is never wrong);
 * - coverage: share of actuals within [P10, P90] (the band should hold ~80 %).
 */
import type { DeviceForecaster } from "./forecaster.ts";

export interface BacktestSample {
  interval: number;
  actual: number;
  expected: number;
  p10: number;
  p90: number;
  persistence: number;
}

export interface AccuracyFigures {
  nMae: number | null;
  nRmse: number | null;
  skillVsPersistence: number | null;
  samples: number;
  /** Share of actuals within [P10, P90]. */
  coverage: number | null;
}

/** Day-ahead samples from issues at the history's end − d days, d = `days` … 1. */
export function backtestSamples(f: DeviceForecaster, days: number): BacktestSample[] {
  const { first, wh } = f.series;
  const end = first + wh.length;
  const out: BacktestSample[] = [];
  for (let d = days; d >= 1; d--) {
    const issue = end - d * f.perDay;
    if (issue - f.perDay < first) continue; // no "yesterday" for persistence
    out.push(...dayAheadSamples(f, issue));
  }
  return out;
}

/** The scored samples of one day-ahead forecast issued at interval `issue`. */
export function dayAheadSamples(f: DeviceForecaster, issue: number): BacktestSample[] {
  const { first, wh } = f.series;
  const out: BacktestSample[] = [];
  let points: ReturnType<DeviceForecaster["forecast"]> | null = null;
  for (let interval = issue; interval < issue + f.perDay; interval++) {
    const i = interval - first;
    const j = i - f.perDay;
    if (i >= wh.length || j < 0 || Number.isNaN(wh[i]) || Number.isNaN(wh[j])) continue;
    if (f.model === "clear-sky-regime" && f.clearSkyOf(interval) <= 0) continue;
    points ??= f.forecast(issue, issue, f.perDay);
    const p = points[interval - issue];
    out.push({ interval, actual: wh[i], expected: p.expectedWh, p10: p.p10Wh, p90: p.p90Wh, persistence: wh[j] });
  }
  return out;
}

/** The figures of a set of samples, normalised by `capWh` (module comment). */
export function accuracyOf(samples: readonly BacktestSample[], capWh: number): AccuracyFigures {
  const n = samples.length;
  if (n === 0 || capWh <= 0) return { nMae: null, nRmse: null, skillVsPersistence: null, samples: n, coverage: null };
  let abs = 0;
  let sq = 0;
  let absP = 0;
  let inside = 0;
  for (const s of samples) {
    abs += Math.abs(s.expected - s.actual);
    sq += (s.expected - s.actual) ** 2;
    absP += Math.abs(s.persistence - s.actual);
    if (s.actual >= s.p10 && s.actual <= s.p90) inside++;
  }
  return {
    nMae: abs / n / capWh,
    nRmse: Math.sqrt(sq / n) / capWh,
    skillVsPersistence: absP > 0 ? 1 - abs / absP : null,
    samples: n,
    coverage: inside / n,
  };
}
