import type { IterableStateReader, StateReader } from "../../framework/state.ts";
import { DeviceIdByKey, Devices, DevicesByOwner, KeyHistory, Registrars } from "./storage.ts";
import { DeviceStatus, type DeviceKeyEntry, type DeviceRecord } from "./types.ts";

/** The device's record if it is `Active` (may report readings, receive commands), else null. */
export function activeDevice(state: StateReader, deviceId: number): DeviceRecord | null {
  const device = Devices.get(state, deviceId);
  return device !== undefined && device.status === DeviceStatus.Active ? device : null;
}

/** Ids of the devices `owner` holds, ascending, from the `DevicesByOwner` index. */
export function deviceIdsOfOwner(state: IterableStateReader, owner: Uint8Array): number[] {
  const prefix = DevicesByOwner.prefixFor(owner);
  const ids: number[] = [];
  for (const [key] of state.entries(prefix)) ids.push(DevicesByOwner.decodeKey2(key, prefix.length));
  return ids.sort((a, b) => a - b);
}

/** The device's record whatever its status, or undefined if no device has that id. */
export function device(state: StateReader, deviceId: number): DeviceRecord | undefined {
  return Devices.get(state, deviceId);
}

/**
 * Up to `limit` ids of the devices `owner` holds, in storage order (by the hash of the id) after
 * `startAfter`: the owner index is entered at that id, so a page costs its own size.
 */
export function deviceIdsOfOwnerPage(state: IterableStateReader, owner: Uint8Array, limit: number, startAfter?: number): number[] {
  return DevicesByOwner.page(state, owner, limit, startAfter).map(([id]) => id);
}

/** The onboarding authorities, in storage order. */
export function registrars(state: IterableStateReader): Array<{ account: Uint8Array; name: string }> {
  return [...state.entries(Registrars.prefix)].map(([key, value]) => ({ account: Registrars.decodeKey(key), name: Registrars.decodeValue(value).name }));
}

/** The storage key under which the id of the device with BLS key `publicKey` is stored (for clients reading raw storage). */
export function deviceIdStorageKey(publicKey: Uint8Array): Uint8Array {
  return DeviceIdByKey.key(publicKey);
}

/**
 * The keys device `deviceId` (whose record is `record`) had, in the order they were set, each
 * with the block that set it: `KeyHistory`, or for a device that never rotated its record's key
 * set at `registeredAt`. The key that verified the readings credited in block B is the last entry
 * set before B (`keyForBlock`).
 */
export function keyHistory(state: StateReader, deviceId: number, record: DeviceRecord): DeviceKeyEntry[] {
  return KeyHistory.get(state, deviceId)?.keys ?? [{ key: record.blsKey, setAt: record.registeredAt }];
}

/**
 * The key block import checked device `deviceId`'s readings of block `block` against: the
 * device's key in the parent state, i.e. the last history entry set in a block before `block`.
 * Undefined when there is no device or it was registered at `block` or later.
 */
export function keyForBlock(state: StateReader, deviceId: number, block: number): Uint8Array | undefined {
  const record = Devices.get(state, deviceId);
  if (record === undefined) return undefined;
  let key: Uint8Array | undefined;
  for (const entry of keyHistory(state, deviceId, record)) if (entry.setAt < block) key = entry.key;
  return key;
}

/** The storage keys of a device's record and of its key history (for read proofs). */
export function deviceStorageKeys(deviceId: number): { record: Uint8Array; keyHistory: Uint8Array } {
  return { record: Devices.key(deviceId), keyHistory: KeyHistory.key(deviceId) };
}
