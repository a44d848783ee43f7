import type { BlockContext } from "../../framework/module.ts";
import { Devices } from "../devices/storage.ts";
import { DeviceStatus } from "../devices/types.ts";
import { Config, EpochEnergy, Generation, LastReading } from "./storage.ts";
import { currentInterval, epochOf } from "./time.ts";
import type { PogConfig, Reading, ReadingRejection } from "./types.ts";

const SECONDS_PER_HOUR = 3600n;

/** Upper bound of energy (Wh) a device of `capacityW` can produce in one interval, with tolerance. */
export function maxIntervalEnergyWh(capacityW: number, config: PogConfig): bigint {
  return (BigInt(capacityW) * BigInt(config.readingIntervalSecs) * BigInt(100 + config.tolerancePercent)) / (SECONDS_PER_HOUR * 100n);
}

/** The first check a reading fails, or null. A physical-bound failure also costs the device its trust for the epoch. */
function check(ctx: BlockContext, r: Reading, config: PogConfig, now: number): ReadingRejection | null {
  const device = Devices.get(ctx.state, r.deviceId);
  if (!device) return "UnknownDevice";
  if (device.status !== DeviceStatus.Active) return "DeviceNotActive";
  if (r.interval >= now) return "FutureInterval";
  if (r.interval + config.acceptanceWindowIntervals < now) return "IntervalTooOld";
  if (Generation.contains(ctx.state, r.deviceId, r.interval)) return "Duplicate";
  const last = LastReading.get(ctx.state, r.deviceId);
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

/**
 * Applies a block's readings (their signatures were verified by the importer, DESIGN.md §4):
 * each accepted reading credits its (device, interval) and the device's epoch energy; each
 * rejected one is a `ReadingRejected` event with its reason, and credits nothing.
 */
export function applyReadings(ctx: BlockContext, readings: readonly Reading[]): void {
  if (readings.length === 0) return;
  const config = Config.get(ctx.state);
  const now = currentInterval(ctx.state, config);
  const epoch = epochOf(ctx.number, config);
  let accepted = 0;
  let energyWh = 0;
  for (const r of readings) {
    const reason = check(ctx, r, config, now);
    if (reason !== null) {
      if (reason === "EnergyAboveCapacity") {
        const e = EpochEnergy.get(ctx.state, epoch, r.deviceId) ?? { energyWh: 0, intervals: 0, violated: false };
        EpochEnergy.set(ctx.state, epoch, r.deviceId, { ...e, violated: true });
      }
      ctx.events.deposit("pog", "ReadingRejected", { deviceId: r.deviceId, interval: r.interval, reason });
      continue;
    }
    Generation.set(ctx.state, r.deviceId, r.interval, { energyWh: r.energyWh, cumulativeWh: r.cumulativeWh, peakW: r.peakW, block: ctx.number });
    LastReading.set(ctx.state, r.deviceId, { interval: r.interval, cumulativeWh: r.cumulativeWh });
    const e = EpochEnergy.get(ctx.state, epoch, r.deviceId) ?? { energyWh: 0, intervals: 0, violated: false };
    EpochEnergy.set(ctx.state, epoch, r.deviceId, { energyWh: e.energyWh + r.energyWh, intervals: e.intervals + 1, violated: e.violated });
    accepted++;
    energyWh += r.energyWh;
  }
  if (accepted > 0) ctx.events.deposit("pog", "ReadingsCredited", { count: accepted, energyWh, epoch });
}
