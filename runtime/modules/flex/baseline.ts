/**
 * The baseline rule (docs/vpp.md, "Baseline"), pure: CAISO's 10-in-10 with a same-day
 * adjustment, over a device's credited readings, in integers only.
 *
 * For each interval t of the event, and of the adjustment window, the unadjusted baseline B(t) is
 * the mean, rounded down, of the credited energy of the same interval-of-day on the most recent
 * `days` earlier days (t − k·D for k = 1, 2, … ≤ `lookbackDays`, D = intervals per day) that
 * are not excluded (a day on which the device or its program was dispatched) and have a
 * credited reading at that interval. No such day: no baseline.
 *
 * The adjustment window is the `adjustmentIntervals` intervals ending two before the event
 * (t ∈ [s − 1 − A, s − 2]; the interval right before the event is skipped, as CAISO skips the
 * hour before, so that pre-conditioning cannot raise the baseline). Over the window's intervals
 * that have both a baseline and a credited reading, ratio = ⌊1000 · ΣM / ΣB⌋ per mille, kept
 * within 1000 ± `capPermille`; 1000 when no interval qualifies or ΣB = 0. The adjusted baseline
 * of an event interval is ⌊B(t) · ratio / 1000⌋.
 */

/** One credited interval as a baseline sees it: its export energy and, for a device with an import channel, its import. */
export interface MeteredInterval {
  interval: number;
  energyWh: number;
  importWh?: number;
  /**
   * The import meter; 0 or absent while the device has reported no import channel. Baselines only
   * ask whether it is above 0 (a profiled reading, meter.ts, carries 1 for any positive meter).
   */
  cumulativeImportWh?: number;
}

/** A device's credited readings in [from, to] (inclusive), in interval order. */
export type MeterRange = (deviceId: number, from: number, to: number) => readonly MeteredInterval[];

export interface BaselineParams {
  intervalsPerDay: number;
  /** Days averaged: 10. */
  days: number;
  /** How many days back they are searched for. */
  lookbackDays: number;
  adjustmentIntervals: number;
  capPermille: number;
}

export interface IntervalResult {
  interval: number;
  /** Adjusted baseline (Wh). */
  baselineWh: number;
  /** Credited energy (Wh), or undefined when no reading was credited. */
  meteredWh: number | undefined;
}

export interface BaselineResult {
  /** One per event interval; null when an event interval has no baseline. */
  intervals: IntervalResult[] | null;
  ratioPermille: number;
}

export function computeBaseline(
  meter: MeterRange,
  excludedDay: (day: number) => boolean,
  deviceId: number,
  startInterval: number,
  durationIntervals: number,
  p: BaselineParams,
): BaselineResult {
  const end = startInterval + durationIntervals - 1;
  const adjFrom = Math.max(0, startInterval - 1 - p.adjustmentIntervals);
  const adjTo = startInterval - 2; // may be below adjFrom: no window
  const lo = Math.min(adjFrom, startInterval);
  const span = end - lo + 1;
  const sums = new Array<number>(span).fill(0);
  const counts = new Array<number>(span).fill(0);
  const wanted = (t: number): boolean => t >= startInterval || (t >= adjFrom && t <= adjTo);
  let open = 0;
  for (let t = lo; t <= end; t++) if (wanted(t)) open++;
  const D = p.intervalsPerDay;
  for (let k = 1; k <= p.lookbackDays && open > 0; k++) {
    const shift = k * D;
    if (end < shift) break;
    const from = Math.max(0, lo - shift);
    // A range on excluded days only would add nothing: it is not read (a page read is most of a baseline's cost).
    let allExcluded = true;
    for (let day = (from - (from % D)) / D; day * D <= end - shift && allExcluded; day++) allExcluded = excludedDay(day);
    if (allExcluded) continue;
    for (const r of meter(deviceId, from, end - shift)) {
      const t = r.interval + shift;
      const i = t - lo;
      if (i < 0 || !wanted(t) || counts[i] >= p.days || excludedDay((r.interval - (r.interval % D)) / D)) continue;
      sums[i] += r.energyWh;
      counts[i]++;
      if (counts[i] === p.days) open--;
    }
  }
  // Sums stay below 2^53 (at most `days` u32 readings), so they add exactly as numbers; divisions are in bigint.
  const base = (t: number): number | undefined => (counts[t - lo] === 0 ? undefined : Number(BigInt(sums[t - lo]) / BigInt(counts[t - lo])));
  const metered = new Map<number, number>();
  for (const r of meter(deviceId, lo, end)) metered.set(r.interval, r.energyWh);

  let sumB = 0n;
  let sumM = 0n;
  for (let t = adjFrom; t <= adjTo; t++) {
    const b = base(t);
    const m = metered.get(t);
    if (b === undefined || m === undefined) continue;
    sumB += BigInt(b);
    sumM += BigInt(m);
  }
  let ratio = 1000;
  if (sumB > 0n) {
    const raw = (sumM * 1000n) / sumB;
    const lower = BigInt(1000 - p.capPermille);
    const upper = BigInt(1000 + p.capPermille);
    ratio = Number(raw < lower ? lower : raw > upper ? upper : raw);
  }
  const intervals: IntervalResult[] = [];
  for (let t = startInterval; t <= end; t++) {
    const b = base(t);
    if (b === undefined) return { intervals: null, ratioPermille: ratio };
    intervals.push({ interval: t, baselineWh: Number((BigInt(b) * BigInt(ratio)) / 1000n), meteredWh: metered.get(t) });
  }
  return { intervals, ratioPermille: ratio };
}
