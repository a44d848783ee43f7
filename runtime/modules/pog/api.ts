/** The pog module as node, RPC and gateways see it: queries over a state, reading codecs and signing, and the chain's time in intervals and epochs. */
export { generation, lastReadingStorageKey, POG_CONFIG_STORAGE_KEY, pogConfig } from "./queries.ts";
export { currentInterval, epochOf } from "./time.ts";
export { decodeBlockReadings } from "./blockReadings.ts";
export type { ReadingValidity } from "./validate.ts";
export {
  lastReadingRecordCodec,
  pogConfigCodec,
  readingCodec,
  readingSigningRoot,
  signedReadingCodec,
  type PogConfig,
  type Reading,
  type ReadingRejection,
  type SignedReading,
} from "./types.ts";
