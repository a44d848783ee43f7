/**
 * Clear-sky irradiance: Haurwitz's model (B. Haurwitz, "Insolation in relation to cloud type",
 * J. Meteorology 3, 1946; coefficients as in Reno, Hansen & Stein, SAND2012-2389, and pvlib's
 * `clearsky.haurwitz`): global horizontal irradiance
 *
 *     GHI = 1098 · cos z · exp(−0.059 / cos z)  W/m²,  0 when the sun is below the horizon.
 *
 * It needs only the zenith angle — no turbidity, water vapour or altitude, which a device
 * record does not carry — and Reno et al. rank it among the best of the simple models (RMSE
 * comparable to Ineichen–Perez with climatological Linke turbidity at most sites). Its bias at a
 * given site does not matter here: the forecaster learns each device's ratio of actual to
 * clear-sky output, which absorbs a constant bias together with the panel's orientation, losses
 * and shading (docs/forecasts.md).
 */
import type { SunTable } from "./solarPosition.ts";

/** Haurwitz GHI (W/m²) for cos(zenith); pass the apparent zenith's cosine as pvlib does. */
export function haurwitzGhi(cosZenith: number): number {
  return cosZenith > 0 ? 1098 * cosZenith * Math.exp(-0.059 / cosZenith) : 0;
}

/** Samples per interval: one per 15 minutes, 1 to 4 (an hour: at 7.5, 22.5, 37.5 and 52.5 min). */
export function samplesPerInterval(intervalSecs: number): number {
  return Math.min(4, Math.max(1, Math.ceil(intervalSecs / 900)));
}

/**
 * Clear-sky energy of one reading interval as a fraction of what the device's nameplate would
 * give in it at 1,000 W/m² (standard test conditions): the mean of Haurwitz GHI / 1000 over
 * `samplesPerInterval` evenly spaced instants of the interval. 0 at night; ~1.04 at most.
 */
export function clearSkyFraction(sun: SunTable, interval: number, intervalSecs: number): number {
  const n = samplesPerInterval(intervalSecs);
  const startMs = interval * intervalSecs * 1000;
  const stepMs = (intervalSecs * 1000) / n;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += haurwitzGhi(sun.cosZenith(startMs + (i + 0.5) * stepMs));
  return sum / n / 1000;
}

/** `clearSkyFraction` of `count` consecutive intervals from `first`. */
export function clearSkyFractions(sun: SunTable, first: number, count: number, intervalSecs: number): Float64Array {
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) out[i] = clearSkyFraction(sun, first + i, intervalSecs);
  return out;
}
