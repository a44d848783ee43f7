/** TypeScript shapes of the messages in arkreen.proto (protobufjs camel-cases field names). */

export const DigestKind = { Consensus: 4, Seal: 5, PreRuntime: 6 } as const;

export interface DigestItem {
  kind: number;
  engine: Uint8Array;
  data: Uint8Array;
}

export interface Header {
  parentHash: Uint8Array;
  number: number;
  stateRoot: Uint8Array;
  extrinsicsRoot: Uint8Array;
  digest: DigestItem[];
  /** Absent or empty for a block without readings (decoding always fills it in). */
  readingsRoot?: Uint8Array;
}

export interface Block {
  header: Header;
  extrinsics: Uint8Array[];
  /** Encoded pog `Reading`s; their BLS signatures are aggregated in `readingsSignature`. Absent: none. */
  readings?: Uint8Array[];
  readingsSignature?: Uint8Array;
}

export interface BlockBody {
  extrinsics: Uint8Array[];
  readings?: Uint8Array[];
  readingsSignature?: Uint8Array;
}

export interface Justification {
  engine: Uint8Array;
  data: Uint8Array;
}

export interface ExportedBlock {
  block: Block;
  justification: Justification | null;
}

export interface Call {
  module: string;
  method: string;
  args: Uint8Array;
}

export interface Mortality {
  birth: number;
  period: number;
}

export interface ExtrinsicPayload {
  genesisHash: Uint8Array;
  nonce: number;
  tip: Uint8Array;
  mortality: Mortality | null;
  call: Call;
}

export interface SignedExtrinsic {
  signer: Uint8Array;
  signature: Uint8Array;
  nonce: number;
  tip: Uint8Array;
  mortality: Mortality | null;
  call: Call;
}

export interface AccountInfo {
  nonce: number;
  free: Uint8Array;
  reserved: Uint8Array;
}

export const EventPhase = { ApplyExtrinsic: 0, Finalization: 1, Initialization: 2 } as const;

export interface EventRecord {
  phase: number;
  extrinsicIndex: number;
  module: string;
  name: string;
  data: string;
}

export interface EventList {
  events: EventRecord[];
}

export interface BlockRef {
  hash: Uint8Array;
  number: number;
}

export interface AccountIdList {
  ids: Uint8Array[];
}

export interface RuntimeConfigRecord {
  slotDurationMs: number;
  existentialDeposit: Uint8Array;
  baseFee: Uint8Array;
  lengthFeePerByte: Uint8Array;
  weightFeePerUnit: Uint8Array;
  feeBurnPercent: number;
  treasury: Uint8Array;
  maxBlockExtrinsics: number;
  maxBlockWeight: number;
  maxBlockBytes: number;
  maxExtrinsicBytes: number;
  ss58Format: number;
}
