import { MessageCodec } from "./codec.ts";
import type * as T from "./types.ts";

export { CodecError, MessageCodec, parseProto } from "./codec.ts";
export type { CodecErrorType } from "./codec.ts";
export * from "./types.ts";

/** One codec per message type of arkreen.proto. */
export const codecs = {
  header: new MessageCodec<T.Header>("Header"),
  block: new MessageCodec<T.Block>("Block"),
  blockBody: new MessageCodec<T.BlockBody>("BlockBody"),
  exportedBlock: new MessageCodec<T.ExportedBlock>("ExportedBlock"),
  justification: new MessageCodec<T.Justification>("Justification"),
  extrinsicPayload: new MessageCodec<T.ExtrinsicPayload>("ExtrinsicPayload"),
  signedExtrinsic: new MessageCodec<T.SignedExtrinsic>("SignedExtrinsic"),
  accountInfo: new MessageCodec<T.AccountInfo>("AccountInfo"),
  eventList: new MessageCodec<T.EventList>("EventList"),
  blockRef: new MessageCodec<T.BlockRef>("BlockRef"),
  accountIdList: new MessageCodec<T.AccountIdList>("AccountIdList"),
  runtimeConfig: new MessageCodec<T.RuntimeConfigRecord>("RuntimeConfig"),
};
