import { StorageDoubleMap, StorageMap, StorageValue, u32Codec, type ValueCodec } from "../../framework/storage.ts";
import {
  epochEnergyRecordCodec,
  expiryEntryCodec,
  generationDayCodec,
  lastReadingRecordCodec,
  pogConfigCodec,
  type EpochEnergyRecord,
  type ExpiryEntry,
  type GenerationDay,
  type LastReadingRecord,
  type PogConfig,
} from "./types.ts";

export const MODULE = "pog";

/** Queue positions: safe integers as 8 bytes big-endian (a u32 would run out after ~11 years at a million devices). */
const u64Codec: ValueCodec<number> = {
  encode(value) {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`queue position ${value} is not a u64 safe integer`);
    const out = new Uint8Array(8);
    new DataView(out.buffer).setBigUint64(0, BigInt(value));
    return out;
  },
  decode(bytes) {
    if (bytes.length !== 8) throw new RangeError(`expected 8 bytes, got ${bytes.length}`);
    return Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0));
  },
};

export const Config = new StorageValue<PogConfig>(MODULE, "Config", pogConfigCodec, () => {
  throw new Error("pog.Config missing from genesis");
});
/**
 * Verified energy by (device, day page): the credited slots of `INTERVALS_PER_DAY_RECORD`
 * consecutive intervals, each with its reading's hash, crediting block and REC claim. One reading
 * per slot, ever (rules.ts); a page is removed once all its intervals are older than the claim
 * window (expiry.ts), so the map holds about `claimWindowIntervals / 24` pages per device.
 */
export const GenerationDays = new StorageDoubleMap<number, number, GenerationDay>(MODULE, "GenerationDays", u32Codec, u32Codec, generationDayCodec);
/** The pages in creation order, each queued once when it is created; `[ExpiryHead, ExpiryTail)` are queued. */
export const ExpiryQueue = new StorageMap<number, ExpiryEntry>(MODULE, "ExpiryQueue", u64Codec, expiryEntryCodec);
export const ExpiryHead = new StorageValue<number>(MODULE, "ExpiryHead", u64Codec, () => 0);
export const ExpiryTail = new StorageValue<number>(MODULE, "ExpiryTail", u64Codec, () => 0);
/** Each device's latest accepted reading, for the monotonic meter check. */
export const LastReading = new StorageMap<number, LastReadingRecord>(MODULE, "LastReading", u32Codec, lastReadingRecordCodec);
/** Verified energy per (epoch, device): what the rewards module pays for at the epoch's end; removed as it is paid. */
export const EpochEnergy = new StorageDoubleMap<number, number, EpochEnergyRecord>(MODULE, "EpochEnergy", u32Codec, u32Codec, epochEnergyRecordCodec);
