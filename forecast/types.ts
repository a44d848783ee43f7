/** What the forecaster works on: a device's description and its history of credited energy. */

/** The device as the forecaster needs it (from its chain record; position from its geohash). */
export interface ForecastDevice {
  /** The device kind's name (`SolarPv`, `Wind`, `Battery`, …): only `SolarPv` has a solar model. */
  kind: string;
  capacityW: number;
  lat: number;
  lon: number;
}

/**
 * Energy per reading interval, consecutive from interval `first`: `wh[i]` is the energy credited
 * for interval `first + i`, NaN where the device has no reading (missing is not zero).
 */
export interface Series {
  first: number;
  intervalSecs: number;
  wh: Float64Array;
}

/** One interval's forecast, Wh: the point forecast (the median for PV, the persisted value otherwise) and the 10th/90th percentiles. */
export interface ForecastPoint {
  interval: number;
  expectedWh: number;
  p10Wh: number;
  p90Wh: number;
}

/** The most energy the device can deliver in one interval: nameplate (inverter) power × interval. */
export function capacityWhPerInterval(capacityW: number, intervalSecs: number): number {
  return (capacityW * intervalSecs) / 3600;
}

/** Reading intervals per day (rounded when the interval does not divide a day). */
export function intervalsPerDay(intervalSecs: number): number {
  return Math.max(1, Math.round(86_400 / intervalSecs));
}

/** UTC hour of day (0–23) of the middle of `interval`. */
export function hourOfInterval(interval: number, intervalSecs: number): number {
  const mid = (interval + 0.5) * intervalSecs;
  return Math.floor((((mid % 86_400) + 86_400) % 86_400) / 3600);
}
