import { concatBytes, utf8 } from "../../../primitives/bytes.ts";
import { MessageCodec, parseProto } from "../../../primitives/codec/index.ts";
import { blake2b256 } from "../../../primitives/hash.ts";
import type { EpochEnergyRecord, ExpiryEntry, GenerationDay, LastReadingRecord, PogConfigRecord, Reading, SignedReading } from "./pog.proto.ts";
import { PROTO_SOURCE } from "./pog.proto.ts";

export const pogProto = parseProto(PROTO_SOURCE);

export type { EpochEnergyRecord, ExpiryEntry, GenerationDay, GenerationSlot, LastReadingRecord, PogConfigRecord as PogConfig, Reading, SignedReading } from "./pog.proto.ts";

export const readingCodec = new MessageCodec<Reading>("Reading", pogProto);
export const signedReadingCodec = new MessageCodec<SignedReading>("SignedReading", pogProto);
export const generationDayCodec = new MessageCodec<GenerationDay>("GenerationDay", pogProto);
export const expiryEntryCodec = new MessageCodec<ExpiryEntry>("ExpiryEntry", pogProto);
export const lastReadingRecordCodec = new MessageCodec<LastReadingRecord>("LastReadingRecord", pogProto);
export const epochEnergyRecordCodec = new MessageCodec<EpochEnergyRecord>("EpochEnergyRecord", pogProto);
export const pogConfigCodec = new MessageCodec<PogConfigRecord>("PogConfigRecord", pogProto);

/** blake2b-256 of the encoded reading: what a credited slot and a REC's slot list commit to. */
export function readingHash(reading: Reading): Uint8Array {
  return blake2b256(readingCodec.encode(reading));
}

const READING_DOMAIN = utf8("arkreen/reading/v1");

/** The 32-byte message a device signs for a reading (domain-separated, bound to the chain). */
export function readingSigningRoot(genesisHash: Uint8Array, reading: Reading): Uint8Array {
  return blake2b256(concatBytes(READING_DOMAIN, genesisHash, readingCodec.encode(reading)));
}

/** Why the runtime refused a reading; each is recorded as a `pog.ReadingRejected` event. */
export type ReadingRejection =
  | "UnknownDevice"
  | "DeviceNotActive"
  | "FutureInterval"
  | "IntervalTooOld"
  | "Duplicate"
  | "OutOfOrder"
  | "MeterBackwards"
  | "MeterInconsistent"
  | "EnergyAboveCapacity";
