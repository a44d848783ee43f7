import type { StateReader } from "../../framework/state.ts";
import { creditedReading, creditedReadings, type CreditedReading } from "./generation.ts";
import { Config, LastReading } from "./storage.ts";
import type { PogConfig } from "./types.ts";

export { creditedReading, creditedReadings, type CreditedReading };
export { creditedEnergies, type IntervalEnergy } from "./pageEnergies.ts";
/** Intervals per stored page of credited readings: a range read costs one storage read per page it touches. */
export { INTERVALS_PER_DAY_RECORD as GENERATION_PAGE_INTERVALS } from "./generation.ts";
/** Whether page `page` may have been removed at interval `now` (all its intervals older than the claim window): flex's profiles do not stand in for such a page. */
export { pageExpired as generationPageMayBeRemoved } from "./generation.ts";

export function pogConfig(state: StateReader): PogConfig {
  return Config.get(state);
}

/**
 * The energy credited to `deviceId` for `interval`, or undefined if none was — or if its page
 * is older than the claim window: pages older than the claim window are removed from state; the
 * REC slot lists keep what was certified.
 */
export function generation(state: StateReader, deviceId: number, interval: number): CreditedReading | undefined {
  return creditedReading(state, deviceId, interval);
}

/** Wh credited to (device, interval), 0 if none (or its page expired): per-interval metered energy for other modules. */
export function creditedEnergyWh(state: StateReader, deviceId: number, interval: number): number {
  return creditedReading(state, deviceId, interval)?.energyWh ?? 0;
}

/** The storage key of the module's configuration (`pogConfigCodec`), for clients reading raw storage. */
export const POG_CONFIG_STORAGE_KEY: Uint8Array = Config.key;

/** The storage key of the device's last credited reading (`lastReadingRecordCodec`), for clients reading raw storage. */
export function lastReadingStorageKey(deviceId: number): Uint8Array {
  return LastReading.key(deviceId);
}
