import { MessageCodec, parseProto } from "../../../primitives/codec/index.ts";
import type {
  RecIssuerRecord,
  RecRecord,
  RecRetirementRecord,
  RecSlotList,
  RecsAddIssuerArgs,
  RecsCancelArgs,
  RecsCertifyArgs,
  RecsConfigRecord,
  RecsRejectArgs,
  RecsRemoveIssuerArgs,
  RecsRequestArgs,
  RecsRetireArgs,
  RecsTransferArgs,
} from "./recs.proto.ts";
import { PROTO_SOURCE } from "./recs.proto.ts";

export const recsProto = parseProto(PROTO_SOURCE);

/**
 * REC statuses. Pending → Certified | Rejected (by an issuer); Pending | Rejected → Cancelled (by
 * the owner); Certified → Retired once all its energy is retired. 0 is not a status.
 */
export const RecStatus = { Pending: 1, Certified: 2, Rejected: 3, Cancelled: 4, Retired: 5 } as const;
export type RecStatusValue = (typeof RecStatus)[keyof typeof RecStatus];

export const REC_STATUS_NAMES: Readonly<Record<number, string>> = Object.fromEntries(Object.entries(RecStatus).map(([name, v]) => [v, name]));

export type {
  RecIssuerRecord,
  RecRecord,
  RecRetirementRecord,
  RecSlot,
  RecSlotList,
  RecsAddIssuerArgs,
  RecsCancelArgs,
  RecsCertifyArgs,
  RecsConfigRecord as RecsConfig,
  RecsRejectArgs,
  RecsRemoveIssuerArgs,
  RecsRequestArgs,
  RecsRetireArgs,
  RecsTransferArgs,
} from "./recs.proto.ts";

export const recRecordCodec = new MessageCodec<RecRecord>("RecRecord", recsProto);
export const recSlotListCodec = new MessageCodec<RecSlotList>("RecSlotList", recsProto);
export const recIssuerRecordCodec = new MessageCodec<RecIssuerRecord>("RecIssuerRecord", recsProto);
export const recRetirementRecordCodec = new MessageCodec<RecRetirementRecord>("RecRetirementRecord", recsProto);
export const recsConfigCodec = new MessageCodec<RecsConfigRecord>("RecsConfigRecord", recsProto);

// Call arguments.
export const addIssuerArgs = new MessageCodec<RecsAddIssuerArgs>("RecsAddIssuerArgs", recsProto);
export const removeIssuerArgs = new MessageCodec<RecsRemoveIssuerArgs>("RecsRemoveIssuerArgs", recsProto);
export const requestArgs = new MessageCodec<RecsRequestArgs>("RecsRequestArgs", recsProto);
export const certifyArgs = new MessageCodec<RecsCertifyArgs>("RecsCertifyArgs", recsProto);
export const rejectArgs = new MessageCodec<RecsRejectArgs>("RecsRejectArgs", recsProto);
export const cancelArgs = new MessageCodec<RecsCancelArgs>("RecsCancelArgs", recsProto);
export const transferArgs = new MessageCodec<RecsTransferArgs>("RecsTransferArgs", recsProto);
export const retireArgs = new MessageCodec<RecsRetireArgs>("RecsRetireArgs", recsProto);

/** The requested REC whose slots and serial a REC shares: itself, or the origin of its split. */
export function originOf(id: number, rec: RecRecord): number {
  return rec.origin === 0 ? id : rec.origin;
}
