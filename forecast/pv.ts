/**
 * The PV model: clear-sky output × a clear-sky index learned from the device's own history,
 * clipped at its capacity (docs/forecasts.md).
 *
 * The clear-sky index of an interval is k = energy / (capacity energy × clear-sky fraction):
 * what the device delivered against what a horizontal module of its nameplate would deliver under
 * Haurwitz's clear sky. Its per-hour-of-day level absorbs the module's real tilt and orientation,
 * losses, shading and the clear-sky model's bias; its day-to-day variation is the weather.
 *
 * Fitted at an issue time over the last `WINDOW_DAYS` days before it:
 * - k_clim(h): the 10 %-trimmed mean of k in UTC hour h (a robust mean);
 * - K(d): each day's energy-weighted index Σ energy / Σ clear-sky energy, its mean K̄, and ρ the
 *   lag-1 correlation of K between consecutive days (weather persists: a clear day tends to
 *   follow a clear day), clamped to [0, 0.9];
 * - the forecast index for an interval in hour h, `lead` days ahead:
 *   k̂ = k_clim(h) · (1 + ρ^lead · (K(yesterday) / K̄ − 1)) — climatology blended with persistence
 *   of yesterday's anomaly, in the proportion that minimises the squared error of an AR(1) process;
 * - residuals r = k − k̂ of every history interval (each predicted from its own previous day),
 *   pooled over hours h−1…h+1: the empirical spread of the device's index around the model.
 *
 * A forecast interval's outcomes are min(capacity, max(0, clear-sky energy × (k̂ + r))) over the
 * residuals: P10, P50 and P90 are their quantiles (clipping is monotone, so they are the clipped
 * quantiles of the index), and the point forecast (`expectedWh`) is the P50 — the median, which
 * minimises the expected absolute error that nMAE reports. (The mean was tried first: on the
 * benchmark it under-forecast clear days, the most common, by pulling towards overcast ones.)
 */
import { correlation, quantileSorted, trimmedMeanSorted } from "./stats.ts";
import { hourOfInterval } from "./types.ts";

/** History the model learns from: the last 30 days (a month of weather, one season). */
export const WINDOW_DAYS = 30;
/** Intervals whose clear-sky fraction is below this (sun under ~3° at an hour's scale) are not learned from: their index is noise. */
export const MIN_CLEAR_SKY_FRACTION = 0.05;
/** Ceiling on one interval's index (a reading far above clear sky is a glitch, or a cloud-edge burst). */
const MAX_INDEX = 2;
/** Samples an hour's pool needs before its own residuals are used rather than all hours'. */
const MIN_POOL = 10;
/** Days whose index K is known need at least this share of their daylight intervals reported. */
const MIN_DAY_COVERAGE = 0.5;
/** Pairs of consecutive days needed to estimate ρ; fewer and the model is climatology alone. */
const MIN_RHO_PAIRS = 5;
const MAX_RHO = 0.9;

/**
 * A device without daylight history: index 0.7 (typical of a fixed, well-placed array) and a wide
 * spread (P10 ≈ 0.15, P90 ≈ 1.0 of clear sky), stated as a prior, not learned.
 */
const PRIOR_INDEX = 0.7;
const PRIOR_RESIDUALS = Float64Array.from({ length: 21 }, (_, i) => -0.6 + (i * 0.95) / 20);

export interface PvModel {
  /** k_clim per UTC hour. */
  hourly: Float64Array;
  /** ρ, the lag-1 correlation of daily indices (0 when not estimable). */
  rho: number;
  /** K(yesterday) / K̄ − 1: the last day's anomaly (0 when unknown). */
  anomaly: number;
  /** Sorted residual pool per UTC hour. */
  residuals: Float64Array[];
  /** Daylight samples learned from (0: the prior). */
  samples: number;
}

export interface PvHistory {
  /** Interval of index 0. */
  first: number;
  intervalSecs: number;
  perDay: number;
  /** Energy per interval (NaN: no reading). */
  wh: Float64Array;
  /** Clear-sky fraction per interval (clearSky.ts). */
  clearSky: Float64Array;
  /** Capacity energy of one interval, Wh. */
  capWh: number;
}

/** Fits the model at `issue` (an index into the history: only indices before it are used). */
export function fitPv(h: PvHistory, issue: number): PvModel {
  const start = Math.max(0, issue - WINDOW_DAYS * h.perDay);
  const days = Math.ceil((issue - start) / h.perDay);
  const byHour: number[][] = Array.from({ length: 24 }, () => []);
  const dayEnergy = new Float64Array(days);
  const dayClear = new Float64Array(days);
  const dayCount = new Int32Array(days);
  const dayExpected = new Int32Array(days);
  // Index, hour and day of each learned sample, for the residual pass.
  const sampleK: number[] = [];
  const sampleHour: number[] = [];
  const sampleDay: number[] = [];
  for (let j = start; j < issue; j++) {
    const cs = h.clearSky[j];
    if (cs < MIN_CLEAR_SKY_FRACTION) continue;
    const day = Math.floor((issue - 1 - j) / h.perDay); // 0: the last day before the issue
    dayExpected[day]++;
    const wh = h.wh[j];
    if (Number.isNaN(wh)) continue;
    const csWh = h.capWh * cs;
    const k = Math.min(MAX_INDEX, wh / csWh);
    const hour = hourOfInterval(h.first + j, h.intervalSecs);
    byHour[hour].push(k);
    dayEnergy[day] += wh;
    dayClear[day] += csWh;
    dayCount[day]++;
    sampleK.push(k);
    sampleHour.push(hour);
    sampleDay.push(day);
  }
  if (sampleK.length === 0) {
    return { hourly: new Float64Array(24).fill(PRIOR_INDEX), rho: 0, anomaly: 0, residuals: Array.from({ length: 24 }, () => PRIOR_RESIDUALS), samples: 0 };
  }

  const all = Float64Array.from(sampleK).sort();
  const overall = trimmedMeanSorted(all, 0.1);
  const hourly = new Float64Array(24);
  for (let hr = 0; hr < 24; hr++) {
    const ks = byHour[hr];
    hourly[hr] = ks.length >= 3 ? trimmedMeanSorted(Float64Array.from(ks).sort(), 0.1) : overall;
  }

  // Daily indices, their mean, lag-1 correlation and the last day's anomaly.
  const K = new Float64Array(days).fill(Number.NaN);
  let kSum = 0;
  let kN = 0;
  for (let d = 0; d < days; d++) {
    if (dayExpected[d] > 0 && dayCount[d] >= MIN_DAY_COVERAGE * dayExpected[d] && dayClear[d] > 0) {
      K[d] = dayEnergy[d] / dayClear[d];
      kSum += K[d];
      kN++;
    }
  }
  const kMean = kN > 0 ? kSum / kN : Number.NaN;
  const xs: number[] = [];
  const ys: number[] = [];
  for (let d = 0; d + 1 < days; d++) {
    if (!Number.isNaN(K[d]) && !Number.isNaN(K[d + 1])) {
      xs.push(K[d + 1]);
      ys.push(K[d]);
    }
  }
  const r = xs.length >= MIN_RHO_PAIRS ? correlation(xs, ys) : Number.NaN;
  const rho = Number.isNaN(r) ? 0 : Math.min(MAX_RHO, Math.max(0, r));
  const anomalyOf = (d: number): number => (d < days && !Number.isNaN(K[d]) && kMean > 0 ? K[d] / kMean - 1 : 0);

  // Residuals: each sample against what the model would have said from its previous day.
  const byHourResid: number[][] = Array.from({ length: 24 }, () => []);
  const allResid: number[] = [];
  for (let s = 0; s < sampleK.length; s++) {
    const res = sampleK[s] - hourly[sampleHour[s]] * (1 + rho * anomalyOf(sampleDay[s] + 1));
    byHourResid[sampleHour[s]].push(res);
    allResid.push(res);
  }
  const pooledAll = allResid.length >= MIN_POOL ? Float64Array.from(allResid).sort() : PRIOR_RESIDUALS;
  const residuals: Float64Array[] = [];
  for (let hr = 0; hr < 24; hr++) {
    const pool = [...byHourResid[(hr + 23) % 24], ...byHourResid[hr], ...byHourResid[(hr + 1) % 24]];
    residuals.push(pool.length >= MIN_POOL ? Float64Array.from(pool).sort() : pooledAll);
  }
  return { hourly, rho, anomaly: anomalyOf(0), residuals, samples: sampleK.length };
}

/** Point forecast (P50), P10 and P90 (Wh) of an interval with clear-sky fraction `clearSky`, `lead` ≥ 1 days after the fit. */
export function predictPv(model: PvModel, hour: number, clearSky: number, capWh: number, lead: number): { expected: number; p10: number; p90: number } {
  if (clearSky <= 0) return { expected: 0, p10: 0, p90: 0 };
  const k = model.hourly[hour] * (1 + model.rho ** lead * model.anomaly);
  const csWh = capWh * clearSky;
  const res = model.residuals[hour];
  const clip = (x: number): number => (x < 0 ? 0 : x > capWh ? capWh : x);
  // clip is monotone, so the quantiles of the clipped outcomes are the clipped quantiles.
  const p10 = clip(csWh * (k + quantileSorted(res, 0.1)));
  const expected = clip(csWh * (k + quantileSorted(res, 0.5)));
  const p90 = clip(csWh * (k + quantileSorted(res, 0.9)));
  return { expected, p10, p90 };
}

