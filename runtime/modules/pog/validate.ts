import type { StateReader } from "../../framework/state.ts";
import { Devices } from "../devices/storage.ts";
import type { DeviceRecord } from "../devices/types.ts";
import { readingRejection } from "./rules.ts";
import { creditedReading } from "./generation.ts";
import { Config, LastReading } from "./storage.ts";
import { intervalAtSlot } from "./time.ts";
import type { LastReadingRecord, Reading, ReadingRejection } from "./types.ts";

/** The runtime's verdict on a reading: the key its signature must verify with, or why it would not be credited. */
export type ReadingValidity = { ok: true; publicKey: Uint8Array } | { ok: false; reason: ReadingRejection };

/**
 * The readings pool's question (the readings' `validate_transaction`): would a block of `slot` on
 * top of `state` credit each of these readings? Judged one by one against `state`, by the same
 * rules as block execution (rules.ts); readings of one batch do not see each other.
 */
export function validateReadings(state: StateReader, readings: readonly Reading[], slot: bigint): ReadingValidity[] {
  if (readings.length === 0) return [];
  const config = Config.get(state);
  const now = intervalAtSlot(state, config, slot);
  // The state does not change while a batch is judged: each device is read once.
  const devices = new Map<number, { device: DeviceRecord | undefined; last: LastReadingRecord | undefined }>();
  return readings.map((r) => {
    let known = devices.get(r.deviceId);
    if (!known) {
      known = { device: Devices.get(state, r.deviceId), last: LastReading.get(state, r.deviceId) };
      devices.set(r.deviceId, known);
    }
    const reason = readingRejection(r, { ...known, credited: () => creditedReading(state, r.deviceId, r.interval) !== undefined }, config, now);
    return reason === null ? { ok: true, publicKey: (known.device as DeviceRecord).blsKey } : { ok: false, reason };
  });
}
