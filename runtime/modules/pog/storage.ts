import { StorageDoubleMap, StorageMap, StorageValue, u32Codec } from "../../framework/storage.ts";
import {
  epochEnergyRecordCodec,
  generationRecordCodec,
  lastReadingRecordCodec,
  pogConfigCodec,
  type EpochEnergyRecord,
  type GenerationRecord,
  type LastReadingRecord,
  type PogConfig,
} from "./types.ts";

export const MODULE = "pog";

export const Config = new StorageValue<PogConfig>(MODULE, "Config", pogConfigCodec, () => {
  throw new Error("pog.Config missing from genesis");
});
/** Verified energy by (device, interval): one reading per slot, ever. RECs consume these slots. */
export const Generation = new StorageDoubleMap<number, number, GenerationRecord>(MODULE, "Generation", u32Codec, u32Codec, generationRecordCodec);
/** Each device's latest accepted reading, for the monotonic meter check. */
export const LastReading = new StorageMap<number, LastReadingRecord>(MODULE, "LastReading", u32Codec, lastReadingRecordCodec);
/** Verified energy per (epoch, device): what the rewards module pays for at the epoch's end. */
export const EpochEnergy = new StorageDoubleMap<number, number, EpochEnergyRecord>(MODULE, "EpochEnergy", u32Codec, u32Codec, epochEnergyRecordCodec);
