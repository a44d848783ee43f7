/** The pog module as node, RPC and gateways see it: queries over a state, reading codecs and signing, and the chain's time in intervals and epochs. */
export { creditedEnergyWh, creditedReading, creditedReadings, generation, lastReadingStorageKey, POG_CONFIG_STORAGE_KEY, pogConfig, type CreditedReading } from "./queries.ts";
export { INTERVALS_PER_DAY_RECORD } from "./generation.ts";
export { currentInterval, epochOf } from "./time.ts";
export { decodeBlockReadings } from "./blockReadings.ts";
export type { ReadingValidity } from "./validate.ts";
export {
  lastReadingRecordCodec,
  pogConfigCodec,
  readingCodec,
  readingHash,
  readingSigningRoot,
  signedReadingCodec,
  type PogConfig,
  type Reading,
  type ReadingRejection,
  type SignedReading,
} from "./types.ts";
