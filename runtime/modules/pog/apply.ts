import type { BlockContext } from "../../framework/module.ts";
import { Devices } from "../devices/storage.ts";
import { pogEvents } from "./events.ts";
import { readingRejection } from "./rules.ts";
import { creditReading, dayOf, offsetOf, slotAt } from "./generation.ts";
import { Config, EpochEnergy, GenerationDays, LastReading } from "./storage.ts";
import { currentInterval, epochOf } from "./time.ts";
import type { GenerationDay, Reading } from "./types.ts";

/**
 * Applies a block's readings (their signatures were verified by the importer, docs/readings.md),
 * judged by the rules of rules.ts: each accepted reading credits its (device, interval) — a slot
 * of its (device, day) page, with the reading's hash and this block's number — and the
 * device's epoch energy; each rejected one is a `ReadingRejected` event with its reason, and
 * credits nothing.
 */
export function applyReadings(ctx: BlockContext, readings: readonly Reading[]): void {
  if (readings.length === 0) return;
  const config = Config.get(ctx.state);
  const now = currentInterval(ctx.state, config);
  const epoch = epochOf(ctx.number, config);
  let accepted = 0;
  let energyWh = 0;
  for (const r of readings) {
    // Read afresh for each reading: an earlier one in this block may have moved the device's meter.
    // The page is read once, by the duplicate check (the last rule before crediting), and reused to credit.
    let page: GenerationDay | undefined;
    const credited = (): boolean => {
      page = GenerationDays.get(ctx.state, r.deviceId, dayOf(r.interval));
      return slotAt(page, offsetOf(r.interval)) !== undefined;
    };
    const facts = { device: Devices.get(ctx.state, r.deviceId), last: LastReading.get(ctx.state, r.deviceId), credited };
    const reason = readingRejection(r, facts, config, now);
    if (reason !== null) {
      if (reason === "EnergyAboveCapacity") {
        const e = EpochEnergy.get(ctx.state, epoch, r.deviceId) ?? { energyWh: 0, intervals: 0, violated: false };
        EpochEnergy.set(ctx.state, epoch, r.deviceId, { ...e, violated: true });
      }
      pogEvents.deposit(ctx, "ReadingRejected", { deviceId: r.deviceId, interval: r.interval, reason });
      continue;
    }
    creditReading(ctx.state, r, ctx.number, page);
    LastReading.set(ctx.state, r.deviceId, { interval: r.interval, cumulativeWh: r.cumulativeWh, cumulativeImportWh: r.cumulativeImportWh ?? 0 });
    const e = EpochEnergy.get(ctx.state, epoch, r.deviceId) ?? { energyWh: 0, intervals: 0, violated: false };
    EpochEnergy.set(ctx.state, epoch, r.deviceId, { energyWh: e.energyWh + r.energyWh, intervals: e.intervals + 1, violated: e.violated });
    accepted++;
    energyWh += r.energyWh;
  }
  if (accepted > 0) pogEvents.deposit(ctx, "ReadingsCredited", { count: accepted, energyWh, epoch });
}
