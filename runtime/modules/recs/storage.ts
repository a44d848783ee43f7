import { StorageDoubleMap, StorageMap, StorageValue, bytesCodec, u32Codec, unitCodec, type ValueCodec } from "../../framework/storage.ts";
import { utf8 } from "../../../primitives/bytes.ts";
import {
  recIssuerRecordCodec,
  recRecordCodec,
  recRetirementRecordCodec,
  recSlotListCodec,
  recsConfigCodec,
  type RecIssuerRecord,
  type RecRecord,
  type RecRetirementRecord,
  type RecSlotList,
  type RecsConfig,
} from "./types.ts";

export const MODULE = "recs";

const serialCodec: ValueCodec<string> = { encode: utf8, decode: (b) => new TextDecoder().decode(b) };

export const Config = new StorageValue<RecsConfig>(MODULE, "Config", recsConfigCodec, () => {
  throw new Error("recs.Config missing from genesis");
});
/** Certificate issuers (accredited bodies), set at genesis and by root. */
export const Issuers = new StorageMap<Uint8Array, RecIssuerRecord>(MODULE, "Issuers", bytesCodec, recIssuerRecordCodec);
/** RECs by id. Ids are assigned from 1 in creation order (requests and splits) and never reused. */
export const Recs = new StorageMap<number, RecRecord>(MODULE, "Recs", u32Codec, recRecordCodec);
export const NextRecId = new StorageValue<number>(MODULE, "NextRecId", u32Codec, () => 1);
/**
 * The (device, interval) slots a requested REC consumed, each with its energy, reading hash and
 * crediting block; splits share their origin's. The claim itself lives in the slot's
 * `pog.GenerationDays` page (`claimedBy`) and expires with it; this list is what survives.
 */
export const RecSlots = new StorageMap<number, RecSlotList>(MODULE, "RecSlots", u32Codec, recSlotListCodec);
/** Issuer serials → the REC certified under it: a serial is used once on this chain. */
export const SerialToRec = new StorageMap<string, number>(MODULE, "SerialToRec", serialCodec, u32Codec);
/** (owner, REC id) index of the RECs an account holds or requested, cancelled ones excepted. */
export const RecsByOwner = new StorageDoubleMap<Uint8Array, number, true>(MODULE, "RecsByOwner", bytesCodec, u32Codec, unitCodec);
/** Retirements by id, from 1 in creation order. */
export const Retirements = new StorageMap<number, RecRetirementRecord>(MODULE, "Retirements", u32Codec, recRetirementRecordCodec);
export const NextRetirementId = new StorageValue<number>(MODULE, "NextRetirementId", u32Codec, () => 1);
