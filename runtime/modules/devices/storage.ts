import { StorageDoubleMap, StorageMap, StorageValue, bytesCodec, u32Codec, unitCodec } from "../../framework/storage.ts";
import { deviceKeyHistoryCodec, deviceRecordCodec, registrarRecordCodec, type DeviceKeyHistory, type DeviceRecord, type RegistrarRecord } from "./types.ts";

export const MODULE = "devices";

/** Devices by id. Ids are assigned in registration order from 0 and never reused. */
export const Devices = new StorageMap<number, DeviceRecord>(MODULE, "Devices", u32Codec, deviceRecordCodec);
export const NextDeviceId = new StorageValue<number>(MODULE, "NextDeviceId", u32Codec, () => 0);
/**
 * The keys a device had, in order, each with the block that set it (devices.proto,
 * DeviceKeyHistory): written by the first rotation, extended by each later one. Absent for a device
 * that never rotated: its one key is the record's, set at `registeredAt` (queries.ts `keyHistory`).
 */
export const KeyHistory = new StorageMap<number, DeviceKeyHistory>(MODULE, "KeyHistory", u32Codec, deviceKeyHistoryCodec);
/** Every BLS key ever registered or rotated in, to its device: a key registers once, ever. */
export const DeviceIdByKey = new StorageMap<Uint8Array, number>(MODULE, "DeviceIdByKey", bytesCodec, u32Codec);
/** (owner, device id) index, so that an owner's devices can be listed by trie prefix. */
export const DevicesByOwner = new StorageDoubleMap<Uint8Array, number, true>(MODULE, "DevicesByOwner", bytesCodec, u32Codec, unitCodec);
/** Onboarding authorities allowed to countersign registrations. */
export const Registrars = new StorageMap<Uint8Array, RegistrarRecord>(MODULE, "Registrars", bytesCodec, registrarRecordCodec);
