import type { StateReader } from "../../framework/state.ts";
import { Config, Generation, LastReading } from "./storage.ts";
import type { GenerationRecord, PogConfig } from "./types.ts";

export function pogConfig(state: StateReader): PogConfig {
  return Config.get(state);
}

/** The energy credited to `deviceId` for `interval`, or undefined if none was. */
export function generation(state: StateReader, deviceId: number, interval: number): GenerationRecord | undefined {
  return Generation.get(state, deviceId, interval);
}

/** The storage key of the module's configuration (`pogConfigCodec`), for clients reading raw storage. */
export const POG_CONFIG_STORAGE_KEY: Uint8Array = Config.key;

/** The storage key of the device's last credited reading (`lastReadingRecordCodec`), for clients reading raw storage. */
export function lastReadingStorageKey(deviceId: number): Uint8Array {
  return LastReading.key(deviceId);
}
