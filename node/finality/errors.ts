import { ArkreenError } from "../../primitives/errors.ts";

export type ApplyJustificationErrorType =
  | { code: "UNKNOWN_BLOCK"; hash: string }
  | { code: "GENESIS"; hash: string }
  | { code: "UNKNOWN_ENGINE"; engine: string }
  | { code: "MALFORMED"; reason: string }
  /** The justification proves another block final than the one it came with. */
  | { code: "TARGET_MISMATCH"; hash: string; number: number; targetHash: string; targetNumber: number }
  /** A BLS justification on a chain without staking: nobody is entitled to sign it. */
  | { code: "NO_AUTHORITY_SET"; hash: string }
  /** `verifyJustification` refused it; `reason` is its `JustificationError` code. */
  | { code: "INVALID"; reason: string }
  /** An instant-finality justification on a chain with more than one authority. */
  | { code: "NOT_SINGLE_AUTHORITY"; authorities: number }
  | { code: "BAD_INSTANT_SIGNATURE" };

/** Why a block's justification (from sync or a block file) was not applied. */
export class ApplyJustificationError extends ArkreenError<ApplyJustificationErrorType> {}

export type FinalitySetErrorType = { code: "NO_AUTHORITY_SET"; hash: string };

/** The chain has no finality authority set (no staking): the BLS gadget cannot run on it. */
export class FinalitySetError extends ArkreenError<FinalitySetErrorType> {}
