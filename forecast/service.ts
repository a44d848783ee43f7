/**
 * Forecasts of devices on the chain: reads a device and its credited generation from a state
 * (the finalized head's, so that a forecast and its accuracy never rest on readings a reorg could
 * take back) through the runtime's API, builds its forecaster, and keeps it per device for as
 * long as the finalized head stays the same.
 */
import { toHex } from "../primitives/bytes.ts";
import { decodeGeohash } from "../primitives/geohash.ts";
import { devices, pog, type StateReader } from "../runtime/api.ts";
import { accuracyOf, backtestSamples, type AccuracyFigures } from "./backtest.ts";
import { ForecastError } from "./errors.ts";
import { DeviceForecaster } from "./forecaster.ts";
import { WINDOW_DAYS } from "./pv.ts";
import { intervalsPerDay, type ForecastPoint } from "./types.ts";

/** Days the rolling backtest scores: two weeks of day-ahead forecasts. */
export const BACKTEST_DAYS = 14;
/**
 * Intervals of history read per device: the backtest's days plus the model's window before the
 * first of them (44 days: 1,056 hourly intervals on a live chain), but never more than 4,320.
 * Generation is kept in (device, day) pages of 24 intervals, so history costs one storage lookup
 * per page (4,320 intervals: 180 lookups); on the dev chain's one-minute intervals that is three
 * days. Read once per device and finalized block (the cache below), it bounds what one call can
 * cost. Pages older than the chain's claim window (`pog.claimWindowIntervals`: 30 days on a live
 * chain) are removed from state, so older intervals read as missing (NaN), as if not reported.
 */
export const MAX_HISTORY_INTERVALS = 4320;
/** Devices whose forecasters are kept for the current finalized block. */
const MAX_CACHED_DEVICES = 256;

export interface ChainView {
  /** The block whose state is read (the finalized head): the cache's key. */
  hash: Uint8Array;
  state: StateReader;
}

interface Entry {
  forecaster: DeviceForecaster;
  /** The interval the block falls in: forecasts start here, history ends before it. */
  current: number;
  accuracy?: AccuracyFigures & { model: string };
}

export class ForecastService {
  private block = "";
  private readonly entries = new Map<number, Entry>();

  /** `count` intervals of forecast from the block's current interval. */
  forecast(view: ChainView, deviceId: number, count: number): ForecastPoint[] {
    const { forecaster, current } = this.entry(view, deviceId);
    return forecaster.forecast(current, current, count);
  }

  /** The rolling backtest's figures over the last BACKTEST_DAYS days of finalized history. */
  accuracy(view: ChainView, deviceId: number): AccuracyFigures & { model: string } {
    const entry = this.entry(view, deviceId);
    entry.accuracy ??= { ...accuracyOf(backtestSamples(entry.forecaster, BACKTEST_DAYS), entry.forecaster.capWh), model: entry.forecaster.model };
    return entry.accuracy;
  }

  /** The chain's reading interval, seconds, at `view`. */
  intervalSecs(view: ChainView): number {
    return pog.pogConfig(view.state).readingIntervalSecs;
  }

  private entry(view: ChainView, deviceId: number): Entry {
    const block = toHex(view.hash);
    if (block !== this.block) {
      this.block = block;
      this.entries.clear();
    }
    let entry = this.entries.get(deviceId);
    if (entry === undefined) {
      entry = load(view.state, deviceId);
      if (this.entries.size >= MAX_CACHED_DEVICES) this.entries.delete(this.entries.keys().next().value as number);
      this.entries.set(deviceId, entry);
    }
    return entry;
  }
}

function load(state: StateReader, deviceId: number): Entry {
  const record = devices.device(state, deviceId);
  if (record === undefined) throw new ForecastError({ code: "DEVICE_NOT_FOUND", deviceId }, `no device ${deviceId} at the finalized head`);
  let position: { lat: number; lon: number };
  try {
    position = decodeGeohash(record.location);
  } catch {
    throw new ForecastError({ code: "BAD_LOCATION", deviceId, location: record.location }, `device ${deviceId}'s location is not a geohash`);
  }
  const config = pog.pogConfig(state);
  const intervalSecs = config.readingIntervalSecs;
  const current = pog.currentInterval(state, config);
  const length = Math.min(MAX_HISTORY_INTERVALS, (WINDOW_DAYS + BACKTEST_DAYS) * intervalsPerDay(intervalSecs), current);
  const first = current - length;
  const wh = new Float64Array(length).fill(Number.NaN);
  if (length > 0) for (const g of pog.creditedReadings(state, deviceId, first, first + length - 1)) wh[g.interval - first] = g.energyWh;
  const device = { kind: devices.deviceKindName(record.kind) ?? String(record.kind), capacityW: record.capacityW, lat: position.lat, lon: position.lon };
  return { forecaster: new DeviceForecaster(device, { first, intervalSecs, wh }), current };
}
