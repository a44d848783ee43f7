import type { CommandView, RuntimeEvent } from "../runtime/wire.ts";

/** Shapes of the node's JSON-RPC answers (docs/rpc.md and each module's page). Amounts are decimal strings. */

export interface Header {
  parentHash: string;
  /** Hex, as Substrate writes it; `blockNumber(header)` reads it. */
  number: string;
  stateRoot: string;
  extrinsicsRoot: string;
  readingsRoot: string;
  digest: { logs: string[] };
}

export interface SignedBlock {
  block: { header: Header; extrinsics: string[]; readings?: string[]; readingsSignature?: string };
  justifications: unknown;
}

export interface AccountInfo {
  nonce: number;
  free: string;
  reserved: string;
}

/** An account's balance with its amounts as bigints (base units: 1 AKRE = 10^18). */
export interface Balance {
  nonce: number;
  free: bigint;
  reserved: bigint;
}

export interface SystemProperties {
  ss58Format: number;
  tokenDecimals: number;
  tokenSymbol: string;
}

/** An event of a block, as `state_getEvents` decodes it. */
export type BlockEvent = RuntimeEvent & { phase: "initialization" | "applyExtrinsic" | "finalization"; extrinsicIndex: number | null };

export interface BlockEvents {
  block: string;
  events: BlockEvent[];
}

export interface FeeInfo {
  weight: { refTime: number | string; proofSize: number };
  class: string;
  /** The fee without tip, in base units. */
  partialFee: bigint;
}

export interface Device {
  id: number;
  owner: string;
  blsKey: string;
  kind: string;
  capacityW: number;
  location: string;
  status: string;
  registrar: string;
  registeredAt: number;
}

export interface Generation {
  deviceId: number;
  totalWh: number;
  intervals: Array<{ interval: number; energyWh: number; cumulativeWh: number; peakW: number; block: number }>;
}

export interface Rec {
  id: number;
  status: string;
  owner: string;
  energyWh: number;
  retiredWh: number;
  fee: string;
  createdAt: number;
  decidedAt: number | null;
  issuer: string | null;
  serial: string | null;
  rejectReason: string | null;
  parent: number | null;
  origin: number | null;
}

export interface RecDetail extends Rec {
  slots: Array<{ deviceId: number; interval: number }>;
}

export interface Retirement {
  id: number;
  recId: number;
  owner: string;
  amountWh: number;
  beneficiary: string;
  message: string;
  block: number;
}

export type RewardRecipient =
  | { kind: "validator" | "treasury"; who: string; amount: string }
  | { kind: "device"; deviceId: number; who: string; amount: string; weight: string };

export interface EpochRewards {
  epoch: number;
  firstBlock: number;
  lastBlock: number;
  block: number;
  scheduled: string;
  emission: string;
  toValidators: string;
  toDevices: string;
  toTreasury: string;
  totalWeight: string;
  devicePool: string;
  phase: "weighing" | "paying" | "complete";
  paidDevices: number;
  completedAt: number | null;
  recipients: RewardRecipient[];
}

export interface CurrentEpoch {
  epoch: number;
  firstBlock: number;
  lastBlock: number;
  scheduledEmission: string;
  remainingSupply: string;
  lastRewardedEpoch: number | null;
  payingEpoch: number | null;
}

export interface ControlCommand {
  id: number;
  deviceId: number;
  /** The command (`{ kind: "curtail", percent }`, …), null if unknown to this runtime. */
  command: CommandView | null;
  validFrom: number;
  validUntil: number;
  submitter: string;
  submittedAt: number;
  status: string;
  receipt: { status: string; signature: string; block: number; submittedBy: string } | null;
}

/** `pog_submitReading(s)`: per reading, accepted or the reason it was refused (docs/readings.md). */
export type ReadingSubmission = { accepted: true } | { accepted: false; reason: string };

/** `author_submitAndWatchExtrinsic` notifications. */
export type ExtrinsicStatus =
  | "future"
  | "ready"
  | "dropped"
  | "invalid"
  | { inBlock: string }
  | { finalized: string }
  | { usurped: string }
  | { finalityTimeout: string };
