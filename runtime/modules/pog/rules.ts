import type { DeviceRecord } from "../devices/types.ts";
import { DeviceStatus } from "../devices/types.ts";
import type { LastReadingRecord, PogConfig, Reading, ReadingRejection } from "./types.ts";

const SECONDS_PER_HOUR = 3600n;

/** Upper bound of energy (Wh) a device of `capacityW` can produce in one interval, with tolerance. */
export function maxIntervalEnergyWh(capacityW: number, config: PogConfig): bigint {
  return (BigInt(capacityW) * BigInt(config.readingIntervalSecs) * BigInt(100 + config.tolerancePercent)) / (SECONDS_PER_HOUR * 100n);
}

/** What a reading is judged against: its device, the device's last credited reading, and whether its (device, interval) is credited. */
export interface ReadingFacts {
  device: DeviceRecord | undefined;
  last: LastReadingRecord | undefined;
  credited(): boolean;
}

/**
 * The rules a reading must pass to be credited, in order; the first one it fails, or null. The
 * one copy: block execution (apply.ts) and the readings pool (validate.ts) both judge with it.
 * `now` is the interval of the block's slot: only intervals that ended before it count.
 */
export function readingRejection(r: Reading, facts: ReadingFacts, config: PogConfig, now: number): ReadingRejection | null {
  const { device, last } = facts;
  if (!device) return "UnknownDevice";
  if (device.status !== DeviceStatus.Active) return "DeviceNotActive";
  if (r.interval >= now) return "FutureInterval";
  if (r.interval + config.acceptanceWindowIntervals < now) return "IntervalTooOld";
  if (facts.credited()) return "Duplicate";
  if (last && r.interval < last.interval) return "OutOfOrder";
  if (last && r.cumulativeWh < last.cumulativeWh) return "MeterBackwards";
  if (last) {
    // Consecutive intervals must add up exactly; after a gap the meter may have counted more.
    const delta = r.cumulativeWh - last.cumulativeWh;
    if (r.interval === last.interval + 1 ? delta !== r.energyWh : delta < r.energyWh) return "MeterInconsistent";
  }
  const maxPeak = (BigInt(device.capacityW) * BigInt(100 + config.tolerancePercent)) / 100n;
  if (BigInt(r.energyWh) > maxIntervalEnergyWh(device.capacityW, config) || BigInt(r.peakW) > maxPeak) return "EnergyAboveCapacity";
  return null;
}
