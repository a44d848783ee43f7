import type { IterableStateReader, StateReader } from "../../framework/state.ts";
import { Devices, DevicesByOwner } from "./storage.ts";
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
