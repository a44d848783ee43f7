import { ArkreenError } from "../../primitives/errors.ts";

export type BlockImportErrorType =
  | { code: "UNKNOWN_PARENT"; parentHash: string }
  | { code: "BAD_NUMBER"; number: number; parentNumber: number }
  | { code: "BAD_EXTRINSICS_ROOT"; expected: string; actual: string }
  | { code: "BAD_STATE_ROOT"; expected: string; actual: string }
  | { code: "NOT_DESCENDANT_OF_FINALIZED"; number: number; finalized: number }
  | { code: "CONSENSUS"; reason: string }
  /** From a slot ahead of our clock: possibly our clock is behind, so not held against the sender. */
  | { code: "FUTURE_BLOCK"; reason: string }
  | { code: "BAD_READINGS"; reason: string }
  | { code: "EXECUTION_FAILED"; reason: string }
  /**
   * From gossip: the slot's author already sealed another header for this slot. Reported as an
   * equivocation and not verified; the relayer may be honest (it forwarded the variant it saw
   * first), so gossip ignores it without penalty and does not forward it.
   */
  | { code: "SLOT_EQUIVOCATION"; slot: string; author: string }
  /** From gossip: this header's one verification failed already (sync may still deliver it). */
  | { code: "ALREADY_FAILED"; hash: string }
  /** From gossip: a slot below the window of slots whose headers are remembered (sync may still deliver it). */
  | { code: "STALE_SLOT"; slot: string; floor: string }
  | { code: "MALFORMED"; reason: string };

export class BlockImportError extends ArkreenError<BlockImportErrorType> {}

export type FinalityErrorType =
  | { code: "UNKNOWN_BLOCK"; hash: string }
  /** On a branch that does not contain the finalized head: a finality conflict. */
  | { code: "CONFLICTS_WITH_FINALIZED"; hash: string; finalized: number }
  | { code: "BEHIND_FINALIZED"; number: number; finalized: number };

export class FinalityError extends ArkreenError<FinalityErrorType> {}

/** The database was created with another state-pruning mode (archive vs pruned); it is fixed at creation. */
export type PruningModeErrorType = { code: "STATE_PRUNING_MISMATCH"; stored: "archive" | "pruned"; requested: "archive" | "pruned" };

export class PruningModeError extends ArkreenError<PruningModeErrorType> {}

/**
 * The state of a known block is no longer stored: older than the kept window of finalized
 * states (`STATE_PRUNED`), or of a block that finality discarded (`STATE_DISCARDED`).
 */
export type StateErrorType =
  | { code: "STATE_PRUNED"; number: number; hash: string; keptFrom: number; keep: number }
  | { code: "STATE_DISCARDED"; number: number; hash: string };

export class StateError extends ArkreenError<StateErrorType> {}
