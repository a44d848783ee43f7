import { ArkreenError } from "../primitives/errors.ts";

/**
 * Why a finality proof or a storage proof does not establish what it claims. Every code names
 * the check that failed; `fragment` is the index of the proof fragment it failed on (0-based)
 * and `block` that fragment's block number where the header could be read (docs/proofs.md,
 * "Checks").
 */
export type LightVerifyErrorType =
  | { code: "CHECKPOINT_INVALID"; reason: string }
  | { code: "PROOF_MALFORMED"; reason: string }
  | { code: "PROOF_VERSION"; version: number; expected: number }
  | { code: "PROOF_EMPTY" }
  | { code: "HEADER_MALFORMED"; fragment: number; reason: string }
  | { code: "FRAGMENT_NOT_ASCENDING"; fragment: number; block: number; previous: number }
  | { code: "JUSTIFICATION_MALFORMED"; fragment: number; block: number; reason: string }
  | { code: "JUSTIFICATION_ENGINE"; fragment: number; block: number; engine: string }
  | { code: "JUSTIFICATION_TARGET"; fragment: number; block: number; targetNumber: number; targetHash: string; hash: string }
  | { code: "JUSTIFICATION_WRONG_SET"; fragment: number; block: number; setId: number; expectedSetId: number }
  | { code: "JUSTIFICATION_BAD_BITFIELD"; fragment: number; block: number; length: number; expectedLength: number }
  | { code: "JUSTIFICATION_INSUFFICIENT_WEIGHT"; fragment: number; block: number; weight: bigint; totalWeight: bigint }
  | { code: "JUSTIFICATION_BAD_SIGNATURE"; fragment: number; block: number }
  | { code: "INSTANT_NO_AUTHORITY"; fragment: number; block: number }
  | { code: "INSTANT_BAD_SIGNATURE"; fragment: number; block: number }
  | { code: "INSTANT_SET_CHANGE"; fragment: number; block: number }
  | { code: "SET_PROOF_MISSING"; fragment: number; block: number }
  | { code: "SET_PROOF_INVALID"; fragment: number; block: number; reason: string }
  | { code: "SET_PROOF_ABSENT"; fragment: number; block: number }
  | { code: "SET_MALFORMED"; fragment: number; block: number; reason: string }
  | { code: "SET_ID_NOT_INCREASING"; fragment: number; block: number; setId: number; previous: number }
  | { code: "STORAGE_HEADER_NOT_FINALIZED"; hash: string; finalized: string }
  | { code: "STORAGE_HEADER_MALFORMED"; reason: string }
  | { code: "STORAGE_PROOF_INVALID"; reason: string };

/** A proof that does not verify: `code` names the check, the other fields the item. */
export class LightVerifyError extends ArkreenError<LightVerifyErrorType> {}
