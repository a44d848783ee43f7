/**
 * TypeScript shapes of the messages in arkreen.proto: generated from it (`npm run codegen`, into
 * arkreen.proto.ts), with the numbering of its enumerated fields.
 */

export type {
  AccountIdList,
  AccountInfo,
  BalancesTransfer,
  Block,
  BlockBody,
  BlockRef,
  Call,
  DigestItem,
  EventList,
  EventRecord,
  ExportedBlock,
  ExtrinsicPayload,
  Header,
  Justification,
  Mortality,
  RuntimeConfig as RuntimeConfigRecord,
  SignedExtrinsic,
  SystemRemark,
} from "./arkreen.proto.ts";

export const DigestKind = { Consensus: 4, Seal: 5, PreRuntime: 6 } as const;

export const EventPhase = { ApplyExtrinsic: 0, Finalization: 1, Initialization: 2 } as const;
