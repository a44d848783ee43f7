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

/** `system_account` as the node answers it: every field a decimal string (docs/rpc.md). */
export interface AccountInfo {
  nonce: string;
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

/**
 * `pog_generation`: a device's credited intervals in a range. Pages older than the chain's claim
 * window (`claimWindowIntervals`) are removed from state: their intervals are not listed; the REC
 * slot lists keep what was certified.
 */
/** `pog_generation`: exported energy, and for a device with an import channel (docs/readings.md) its imported energy too. */
export interface Generation {
  deviceId: number;
  totalWh: number;
  /** Present when an interval of the range reports an import channel. */
  totalImportWh?: number;
  intervals: Array<{ interval: number; energyWh: number; cumulativeWh: number; peakW: number; block: number; importWh?: number; cumulativeImportWh?: number }>;
}

export interface Rec {
  id: number;
  status: string;
  owner: string;
  energyWh: number;
  retiredWh: number;
  /** Escrowed request fee in AKRE base units (decimal string); "0" for a split. */
  fee: string;
  createdAt: number;
  /** Block of the certification or rejection (of the origin, for a split). */
  decidedAt: number | null;
  /** For a split, the issuer and serial of its origin. */
  issuer: string | null;
  serial: string | null;
  rejectReason: string | null;
  parent: number | null;
  origin: number | null;
}

export interface RecDetail extends Rec {
  /** The (device, interval) slots behind it: its own, or its origin's for a split; [] once cancelled. */
  slots: Array<{
    deviceId: number;
    interval: number;
    /** Energy of the slot, Wh, as credited. */
    energyWh: number;
    /** 0x hex of blake2b-256 of the encoded reading that credited the slot. */
    readingHash: string;
    /** The block that credited it. */
    creditedBlock: number;
  }>;
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
  /** The epoch's last block: its emission was fixed and its validators paid in its finalization. */
  block: number;
  scheduled: string;
  emission: string;
  toValidators: string;
  /** Paid so far; final once `phase` is "complete". */
  toDevices: string;
  /** Paid by the block that completed the payout; "0" until then. */
  toTreasury: string;
  /** Σ weight of the epoch's devices: summed while "weighing", final from "paying" on. */
  totalWeight: string;
  devicePool: string;
  /** The device payout: weighing every device, paying each its share, or complete. */
  phase: "weighing" | "paying" | "complete";
  paidDevices: number;
  /** The block whose finalization completed the payout (paid the treasury), or null while under way. */
  completedAt: number | null;
  /** Validators and the treasury in full, then devices in storage order after the id `startAfter`, at most 1,000 a page. */
  recipients: RewardRecipient[];
}

export interface CurrentEpoch {
  /** The epoch the next block belongs to: its energy is still being credited. */
  epoch: number;
  firstBlock: number;
  lastBlock: number;
  /** The schedule's emission for it; what is minted is capped by `remainingSupply`. */
  scheduledEmission: string;
  /** What later epochs may still mint: the maximum supply less total issuance and the emission of ended epochs not yet paid out. */
  remainingSupply: string;
  /** The last ended epoch (it has a record for `rewards_epoch`, maybe still being paid), or null before the first epoch ends. */
  lastRewardedEpoch: number | null;
  /** The oldest epoch whose device payout is under way, or null when every ended epoch is paid out. */
  payingEpoch: number | null;
}

export interface ControlCommand {
  id: number;
  deviceId: number;
  /** The command (`{ kind: "curtail", percent }`, …), null if unknown to this runtime. */
  command: CommandView | null;
  /** Blocks: the device acts from `validFrom`; a receipt is accepted up to `validUntil` included. */
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
