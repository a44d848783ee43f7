import { loadProtoFile, MessageCodec } from "../../../primitives/codec/index.ts";

export const recsProto = loadProtoFile(new URL("./recs.proto", import.meta.url));

/**
 * REC statuses. Pending → Certified | Rejected (by an issuer); Pending | Rejected → Cancelled (by
 * the owner); Certified → Retired once all its energy is retired. 0 is not a status.
 */
export const RecStatus = { Pending: 1, Certified: 2, Rejected: 3, Cancelled: 4, Retired: 5 } as const;
export type RecStatusValue = (typeof RecStatus)[keyof typeof RecStatus];

export const REC_STATUS_NAMES: Readonly<Record<number, string>> = Object.fromEntries(Object.entries(RecStatus).map(([name, v]) => [v, name]));

export interface RecRecord {
  owner: Uint8Array;
  status: number;
  energyWh: number;
  retiredWh: number;
  /** u128, minimal big-endian. */
  fee: Uint8Array;
  createdAt: number;
  parent: number;
  origin: number;
  issuer: Uint8Array;
  serial: string;
  rejectReason: string;
  decidedAt: number;
}

export interface RecSlot {
  deviceId: number;
  interval: number;
}

export interface RecSlotList {
  slots: RecSlot[];
}

export interface RecIssuerRecord {
  name: string;
}

export interface RecRetirementRecord {
  recId: number;
  owner: Uint8Array;
  amountWh: number;
  beneficiary: string;
  message: string;
  block: number;
}

export interface RecsConfig {
  /** u128, minimal big-endian. */
  requestFee: Uint8Array;
}

export const recRecordCodec = new MessageCodec<RecRecord>("RecRecord", recsProto);
export const recSlotListCodec = new MessageCodec<RecSlotList>("RecSlotList", recsProto);
export const recIssuerRecordCodec = new MessageCodec<RecIssuerRecord>("RecIssuerRecord", recsProto);
export const recRetirementRecordCodec = new MessageCodec<RecRetirementRecord>("RecRetirementRecord", recsProto);
export const recsConfigCodec = new MessageCodec<RecsConfig>("RecsConfigRecord", recsProto);

/** The requested REC whose slots and serial a REC shares: itself, or the origin of its split. */
export function originOf(id: number, rec: RecRecord): number {
  return rec.origin === 0 ? id : rec.origin;
}
