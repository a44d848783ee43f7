import { u32ToBytes } from "../primitives/bytes.ts";
import { MessageCodec, parseProto } from "../primitives/codec/index.ts";
import type {
  LightDeviceKeyHistory,
  LightDeviceRecord,
  LightReading,
  LightRecIssuerRecord,
  LightRecRecord,
  LightRecRetirementRecord,
  LightRecSlotList,
  RecBundle,
} from "./recBundle.proto.ts";
import { PROTO_SOURCE } from "./recBundle.proto.ts";
import { storageMapKey } from "./storageKeys.ts";

export type {
  LightDeviceKeyEntry,
  LightDeviceKeyHistory,
  LightDeviceRecord,
  LightReading,
  LightRecIssuerRecord,
  LightRecRecord,
  LightRecRetirementRecord,
  LightRecSlot,
  LightRecSlotList,
  RecBundle,
  RecBundleReading,
} from "./recBundle.proto.ts";

/** The REC bundle format version this verifier reads (and the node writes). */
export const REC_BUNDLE_VERSION = 1;

const schema = parseProto(PROTO_SOURCE);
export const recBundleCodec = new MessageCodec<RecBundle>("RecBundle", schema);
export const lightRecRecordCodec = new MessageCodec<LightRecRecord>("LightRecRecord", schema);
export const lightRecSlotListCodec = new MessageCodec<LightRecSlotList>("LightRecSlotList", schema);
export const lightRecIssuerRecordCodec = new MessageCodec<LightRecIssuerRecord>("LightRecIssuerRecord", schema);
export const lightRecRetirementRecordCodec = new MessageCodec<LightRecRetirementRecord>("LightRecRetirementRecord", schema);
export const lightDeviceRecordCodec = new MessageCodec<LightDeviceRecord>("LightDeviceRecord", schema);
export const lightDeviceKeyHistoryCodec = new MessageCodec<LightDeviceKeyHistory>("LightDeviceKeyHistory", schema);
export const lightReadingCodec = new MessageCodec<LightReading>("LightReading", schema);

/** recs.RecStatus, restated: the statuses a proven certificate may have, and every status's name. */
export const REC_STATUS = { Pending: 1, Certified: 2, Rejected: 3, Cancelled: 4, Retired: 5 } as const;
export const REC_STATUS_NAME: Readonly<Record<number, string>> = { 1: "Pending", 2: "Certified", 3: "Rejected", 4: "Cancelled", 5: "Retired" };
/** devices.DeviceKind, restated. */
export const DEVICE_KIND_NAME: Readonly<Record<number, string>> = { 1: "SolarPv", 2: "Wind", 3: "Battery", 4: "Meter", 5: "Plug", 6: "RemoteShare" };
/** devices.DeviceStatus, restated. */
export const DEVICE_STATUS_NAME: Readonly<Record<number, string>> = { 1: "Pending", 2: "Active", 3: "Suspended", 4: "Terminated" };

/**
 * The storage keys a REC bundle proves (runtime/modules/recs/storage.ts, devices/storage.ts; u32
 * map keys are big-endian): the node proves exactly these, the verifier derives them from the
 * bundle's REC id and the values it has already verified. test/unit/light/recBundleFormat.test.ts
 * checks them against the runtime's.
 */
export const recBundleKeys = {
  rec: (recId: number): Uint8Array => storageMapKey("recs", "Recs", u32ToBytes(recId)),
  slots: (originId: number): Uint8Array => storageMapKey("recs", "RecSlots", u32ToBytes(originId)),
  issuer: (account: Uint8Array): Uint8Array => storageMapKey("recs", "Issuers", account),
  retirement: (retirementId: number): Uint8Array => storageMapKey("recs", "Retirements", u32ToBytes(retirementId)),
  device: (deviceId: number): Uint8Array => storageMapKey("devices", "Devices", u32ToBytes(deviceId)),
  keyHistory: (deviceId: number): Uint8Array => storageMapKey("devices", "KeyHistory", u32ToBytes(deviceId)),
};

/**
 * Every key a bundle for REC `recId` proves, given the records read so far: the REC, its origin
 * (a split), the origin's slot list, the certifying issuer, each retirement, each device of the
 * slot list and its key history. The node calls it in two passes (the REC and origin first, to
 * learn the rest); the verifier reads the same keys one level at a time.
 */
export function recBundleStorageKeys(recId: number, rec: LightRecRecord, origin: LightRecRecord | null, retirementIds: readonly number[], deviceIds: readonly number[]): Uint8Array[] {
  const originId = rec.origin === 0 ? recId : rec.origin;
  const decided = origin ?? rec;
  const keys = [recBundleKeys.rec(recId)];
  if (rec.origin !== 0) keys.push(recBundleKeys.rec(rec.origin));
  keys.push(recBundleKeys.slots(originId));
  if (decided.issuer.length > 0) keys.push(recBundleKeys.issuer(decided.issuer));
  for (const id of retirementIds) keys.push(recBundleKeys.retirement(id));
  for (const id of deviceIds) keys.push(recBundleKeys.device(id), recBundleKeys.keyHistory(id));
  return keys;
}
