/**
 * The PV model: clear-sky output × a clear-sky index learned from the device's own history,
 * clipped at its capacity (docs/forecasts.md). Tomorrow's index is drawn from a mixture of two
 * distributions — the month's climatology shifted by yesterday's anomaly, and the month's days
 * that were of yesterday's kind — in the proportion the device's own history gives to weather
 * that persists.
 *
 * The clear-sky index of an interval is k = energy / (capacity energy × clear-sky fraction):
 * what the device delivered against what a horizontal module of its nameplate would deliver under
 * Haurwitz's clear sky. Its per-hour-of-day level absorbs the module's real tilt and orientation,
 * losses, shading and the clear-sky model's bias; its day-to-day variation is the weather.
 *
 * Fitted at an issue time over the last `WINDOW_DAYS` days before it:
 * - k_clim(h): the 10 %-trimmed mean of k in UTC hour h (a robust mean);
 * - K(d): each day's energy-weighted index Σ energy / Σ clear-sky energy (days counted back from
 *   the issue, 0 the last), its mean K̄; ρ the lag-1 correlation of K with the small-sample bias
 *   correction ρ̂ + (1 + 3ρ̂)/n (Kendall 1954; Marriott & Pope, Biometrika 41, 1954: a month's
 *   ~29 pairs under-estimate it by ~0.05–0.1), clamped to [0, 0.9];
 * - the *anomaly* component: k̂ = k_clim(h) · (1 + ρ^lead · (K(yesterday) / K̄ − 1)) —
 *   climatology blended with persistence of yesterday's anomaly as an AR(1) process does — plus
 *   the residuals r = k − k̂ of the history (each predicted from its own previous day) pooled over
 *   hours h−1…h+1: outcomes k̂ + r;
 * - the *similar-day* component: the `similarCount` days whose own K is nearest yesterday's
 *   (yesterday among them), their index at hour h: "a day of yesterday's kind" as the device's
 *   history knows it — clear-sky envelopes after a clear day, the broken-cloud days' spread after
 *   a broken-cloud day, overcast levels after an overcast day.
 *
 * The mixture is Raftery's mixture transition distribution in its one-parameter form (A. E.
 * Raftery, "A model for high-order Markov chains", J. R. Statist. Soc. B 47, 1985): tomorrow is a
 * day of yesterday's kind with probability λ, else a draw from the rest. One weight for every
 * kind of day, so every pair of consecutive days informs it (a transition table per kind of day
 * would rest on a handful of pairs each in a month), and its lag-1 autocorrelation is λ itself,
 * so λ = ρ (the method of moments; λ^lag further ahead, lag = lead + days since the predictor).
 *
 * Forecast of an interval in hour h: weighted quantiles of the mixture — the similar days'
 * members weigh λ in all, the anomaly component's outcomes 1 − λ — linear between the members'
 * cumulative-weight midpoints. Outcomes min(capacity, max(0, clear-sky energy × k)) give the P50
 * (`expectedWh`: the median, which minimises the expected absolute error that nMAE reports); P10
 * and P90 are the anomaly component's, widened to contain the P50 (the similar days are few and
 * alike: their spread would under-state the chance that the regime ends).
 *
 * Why: the first model (the anomaly component alone, `clear-sky-index`, until 2026-12-08) pooled
 * its residuals over the whole month: where clear days are a minority its median leant cloudy and
 * under-forecast clear days that followed clear days. docs/forecasts.md has both models' figures
 * and the variants tried.
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
/** Ceiling on ρ (after its bias correction): a month cannot show that weather never changes; the anomaly component keeps ≥ 10 % of the mixture. */
const MAX_RHO = 0.9;

/**
 * A device without daylight history: index 0.7 (typical of a fixed, well-placed array) and a wide
 * spread (P10 ≈ 0.15, P90 ≈ 1.0 of clear sky), stated as a prior, not learned.
 */
const PRIOR_INDEX = 0.7;
const PRIOR_RESIDUALS = Float64Array.from({ length: 21 }, (_, i) => -0.6 + (i * 0.95) / 20);

/**
 * How many days are "of yesterday's kind": a third of the days with a known K (10 of a month), at
 * least 3 — enough for a median, few enough that a month split between clear, broken-cloud and
 * overcast days keeps each kind apart. Chosen a priori from the window's length, not fitted.
 */
export function similarCount(knownDays: number): number {
  return Math.min(knownDays, Math.max(3, Math.ceil(knownDays / 3)));
}

/** One hour's indices, ascending, with the day each came from. */
interface HourMembers {
  k: Float64Array;
  day: Int32Array;
}

export interface PvModel {
  /** k_clim per UTC hour. */
  hourly: Float64Array;
  /** ρ, the bias-corrected lag-1 correlation of daily indices (0 when not estimable); λ of the mixture. */
  rho: number;
  /** K(yesterday) / K̄ − 1: the last day's anomaly (0 when unknown). */
  anomaly: number;
  /** Sorted residual pool per UTC hour. */
  residuals: Float64Array[];
  /** Each hour's indices by day (the similar-day component's members). */
  members: HourMembers[];
  /** Days of yesterday's kind (flag per day back from the issue). */
  similar: Uint8Array;
  /** Days from the issue back to the day whose K chose `similar` (0: yesterday); −1: none. */
  predictor: number;
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

/** Days with a known K nearest K(`to`), ties to the more recent (a deterministic order): a flag per day. */
export function similarDays(K: Float64Array, to: number): Uint8Array {
  const days: number[] = [];
  for (let d = 0; d < K.length; d++) if (!Number.isNaN(K[d])) days.push(d);
  const target = K[to];
  days.sort((a, b) => Math.abs(K[a] - target) - Math.abs(K[b] - target) || a - b);
  const out = new Uint8Array(K.length);
  for (const d of days.slice(0, similarCount(days.length))) out[d] = 1;
  return out;
}

/**
 * Quantile `q` of the mixture of `s` × (the similar days' members of `m`) and (1 − s) ×
 * (`centre` + each of the sorted `residuals`), each part's members equally weighted: linear
 * between the members' cumulative-weight midpoints (Hazen's plotting positions, weighted), clamped
 * to the extremes. Without similar members it is the anomaly component's quantile.
 */
export function mixtureQuantile(centre: number, residuals: Float64Array, m: HourMembers, similar: Uint8Array, s: number, q: number): number {
  let n = 0;
  if (s > 0) for (let i = 0; i < m.day.length; i++) if (similar[m.day[i]] === 1) n++;
  if (n === 0) return centre + quantileSorted(residuals, q);
  const wSim = s / n;
  const wRes = (1 - s) / residuals.length;
  let i = 0;
  let r = 0;
  let cum = 0;
  let prevPos = Number.NaN;
  let prevValue = Number.NaN;
  for (;;) {
    while (i < m.k.length && similar[m.day[i]] !== 1) i++;
    const simValue = i < m.k.length ? m.k[i] : Number.POSITIVE_INFINITY;
    const resValue = r < residuals.length ? centre + residuals[r] : Number.POSITIVE_INFINITY;
    if (simValue === Number.POSITIVE_INFINITY && resValue === Number.POSITIVE_INFINITY) return prevValue;
    let value: number;
    let w: number;
    if (simValue <= resValue) {
      value = simValue;
      w = wSim;
      i++;
    } else {
      value = resValue;
      w = wRes;
      r++;
    }
    if (w <= 0) continue; // λ = 1: the anomaly component's outcomes weigh nothing
    const pos = cum + w / 2;
    cum += w;
    if (pos >= q) return Number.isNaN(prevPos) ? value : prevValue + ((q - prevPos) / (pos - prevPos)) * (value - prevValue);
    prevPos = pos;
    prevValue = value;
  }
}

/**
 * Samples `ids` as an hour's members, ascending by index, ties by day. An insertion sort on typed
 * arrays for the ~30 members of an hourly month (cheaper than a comparator sort, which cost a
 * third of the fit); the comparator sort beyond 64 (sub-hour intervals).
 */
function sortedMembers(ids: number[], sampleK: readonly number[], sampleDay: readonly number[]): HourMembers {
  if (ids.length > 64) ids.sort((a, b) => sampleK[a] - sampleK[b] || sampleDay[a] - sampleDay[b]);
  const k = new Float64Array(ids.length);
  const day = new Int32Array(ids.length);
  for (let i = 0; i < ids.length; i++) {
    k[i] = sampleK[ids[i]];
    day[i] = sampleDay[ids[i]];
  }
  if (ids.length <= 64) {
    for (let i = 1; i < k.length; i++) {
      const kv = k[i];
      const dv = day[i];
      let j = i - 1;
      while (j >= 0 && (k[j] > kv || (k[j] === kv && day[j] > dv))) {
        k[j + 1] = k[j];
        day[j + 1] = day[j];
        j--;
      }
      k[j + 1] = kv;
      day[j + 1] = dv;
    }
  }
  return { k, day };
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
  // Index, hour and day of each learned sample, for the residual pass and the members.
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
  const noMembers: HourMembers[] = Array.from({ length: 24 }, () => ({ k: new Float64Array(0), day: new Int32Array(0) }));
  if (sampleK.length === 0) {
    const residuals = Array.from({ length: 24 }, () => PRIOR_RESIDUALS);
    return { hourly: new Float64Array(24).fill(PRIOR_INDEX), rho: 0, anomaly: 0, residuals, members: noMembers, similar: new Uint8Array(0), predictor: -1, samples: 0 };
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
  let predictor = -1;
  for (let d = 0; d < days; d++) {
    if (dayExpected[d] > 0 && dayCount[d] >= MIN_DAY_COVERAGE * dayExpected[d] && dayClear[d] > 0) {
      K[d] = dayEnergy[d] / dayClear[d];
      kSum += K[d];
      kN++;
      if (predictor < 0) predictor = d;
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
  const rho = Number.isNaN(r) ? 0 : Math.min(MAX_RHO, Math.max(0, r + (1 + 3 * r) / xs.length));
  const anomalyOf = (d: number): number => (d < days && !Number.isNaN(K[d]) && kMean > 0 ? K[d] / kMean - 1 : 0);

  // Residuals: each sample against what the anomaly component would have said from its previous day.
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

  // The similar-day component's members per hour, ascending (ties by day: a deterministic order).
  const byHourSamples: number[][] = Array.from({ length: 24 }, () => []);
  for (let s = 0; s < sampleK.length; s++) byHourSamples[sampleHour[s]].push(s);
  const members = byHourSamples.map((ids) => sortedMembers(ids, sampleK, sampleDay));
  const similar = predictor >= 0 ? similarDays(K, predictor) : new Uint8Array(days);
  return { hourly, rho, anomaly: anomalyOf(0), residuals, members, similar, predictor, samples: sampleK.length };
}

/** Point forecast (P50), P10 and P90 (Wh) of an interval with clear-sky fraction `clearSky`, `lead` ≥ 1 days after the fit. */
export function predictPv(model: PvModel, hour: number, clearSky: number, capWh: number, lead: number): { expected: number; p10: number; p90: number } {
  if (clearSky <= 0) return { expected: 0, p10: 0, p90: 0 };
  const k = model.hourly[hour] * (1 + model.rho ** lead * model.anomaly);
  const lambda = model.predictor >= 0 ? model.rho ** (lead + model.predictor) : 0;
  const csWh = capWh * clearSky;
  const res = model.residuals[hour];
  const clip = (x: number): number => (x < 0 ? 0 : x > capWh ? capWh : x);
  // clip is monotone, so the quantiles of the clipped outcomes are the clipped quantiles.
  const expected = clip(csWh * mixtureQuantile(k, res, model.members[hour], model.similar, lambda, 0.5));
  return { expected, p10: Math.min(expected, clip(csWh * (k + quantileSorted(res, 0.1)))), p90: Math.max(expected, clip(csWh * (k + quantileSorted(res, 0.9)))) };
}
