import type { IterableStateReader, StateReader } from "../../framework/state.ts";
import { DeviceIdByKey, Devices, DevicesByOwner, Registrars } from "./storage.ts";
import { DeviceStatus, type DeviceRecord } from "./types.ts";

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
