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
  const cumulativeImportWh = r.cumulativeImportWh ?? 0;
  const importWh = r.importWh ?? 0;
  const lastImportWh = last?.cumulativeImportWh ?? 0;
  if (last && (r.cumulativeWh < last.cumulativeWh || cumulativeImportWh < lastImportWh)) return "MeterBackwards";
  if (last) {
    // Each channel's consecutive intervals must add up exactly; after a gap the meter may have counted more.
    const consecutive = r.interval === last.interval + 1;
    if (!channelAddsUp(r.cumulativeWh - last.cumulativeWh, r.energyWh, consecutive)) return "MeterInconsistent";
    // The import channel is checked from its first credited value on: a device starts reporting it
    // (0 = none so far) with whatever its import meter reads, as its first reading starts the export meter.
    if (lastImportWh > 0 && !channelAddsUp(cumulativeImportWh - lastImportWh, importWh, consecutive)) return "MeterInconsistent";
  }
  // A channel's first value must at least hold the interval's own energy.
  if (lastImportWh === 0 && cumulativeImportWh < importWh) return "MeterInconsistent";
  const maxEnergy = maxIntervalEnergyWh(device.capacityW, config);
  const maxPeak = (BigInt(device.capacityW) * BigInt(100 + config.tolerancePercent)) / 100n;
  if (BigInt(r.energyWh) > maxEnergy || BigInt(importWh) > maxEnergy || BigInt(r.peakW) > maxPeak) return "EnergyAboveCapacity";
  return null;
}

/** One meter channel between two readings: the meter moved by `delta`; the interval reports `energyWh`. */
function channelAddsUp(delta: number, energyWh: number, consecutive: boolean): boolean {
  return consecutive ? delta === energyWh : delta >= energyWh;
}
