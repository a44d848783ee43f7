/**
 * Persistence: the same interval one day earlier. The reference every forecast is scored
 * against, and the forecast itself for devices without a solar model (wind, batteries, meters,
 * plugs, remote shares): their output follows wind, load and dispatch, which no clear sky tells.
 *
 * Its band comes from the device's own history: the 10th and 90th percentiles of the day-to-day
 * change (energy(t) − energy(t − 1 day)) over the last `WINDOW_DAYS` days, added to the
 * persisted value and clipped to [0, capacity].
 */
import { WINDOW_DAYS } from "./pv.ts";
import { quantileSorted } from "./stats.ts";

/** Day-to-day changes needed for a band; fewer and the band is [0, capacity]. */
const MIN_CHANGES = 10;
/** How many days back a missing "yesterday" may be looked for. */
const MAX_DAYS_BACK = 7;

/**
 * The persisted value for index `t` with history known before `issue`: the same interval 1, 2, …
 * days earlier (the first one that is both known and before the issue, up to a week back); else
 * the last reading before the issue; NaN when there is none.
 */
export function persistedValue(wh: Float64Array, perDay: number, t: number, issue: number): number {
  for (let k = 1; k <= MAX_DAYS_BACK; k++) {
    const j = t - k * perDay;
    if (j < 0) break;
    if (j < issue && !Number.isNaN(wh[j])) return wh[j];
  }
  for (let j = Math.min(issue, wh.length) - 1; j >= 0 && j >= issue - perDay; j--) if (!Number.isNaN(wh[j])) return wh[j];
  return Number.NaN;
}

/** Sorted day-to-day changes over the window before `issue`. */
export function dailyChanges(wh: Float64Array, perDay: number, issue: number): Float64Array {
  const out: number[] = [];
  for (let j = Math.max(perDay, issue - WINDOW_DAYS * perDay); j < issue; j++) {
    const a = wh[j];
    const b = wh[j - perDay];
    if (!Number.isNaN(a) && !Number.isNaN(b)) out.push(a - b);
  }
  return Float64Array.from(out).sort();
}

/** Persistence forecast with its band: `value` (NaN → 0), `changes` from `dailyChanges`. */
export function predictPersistence(value: number, changes: Float64Array, capWh: number): { expected: number; p10: number; p90: number } {
  const clip = (x: number): number => (x < 0 ? 0 : x > capWh ? capWh : x);
  const expected = clip(Number.isNaN(value) ? 0 : value);
  if (changes.length < MIN_CHANGES) return { expected, p10: 0, p90: Math.max(capWh, expected) };
  const p10 = clip(expected + quantileSorted(changes, 0.1));
  const p90 = clip(expected + quantileSorted(changes, 0.9));
  return { expected, p10: Math.min(p10, expected), p90: Math.max(p90, expected) };
}
