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
  | { code: "STORAGE_PROOF_INVALID"; reason: string }
  // REC bundles (light/verifyRecBundle.ts, docs/proofs.md "REC bundle checks"): `item` names the
  // storage item, slot or reading the check failed on.
  | { code: "BUNDLE_MALFORMED"; reason: string }
  | { code: "BUNDLE_VERSION"; version: number; expected: number }
  | { code: "BUNDLE_HEADER_NOT_FINALIZED"; hash: string; finalized: string }
  | { code: "BUNDLE_HEADER_MALFORMED"; reason: string }
  | { code: "STATE_PROOF_INVALID"; item: string; reason: string }
  | { code: "STATE_PROOF_EXTRA_NODES"; nodes: number; used: number }
  | { code: "RECORD_MALFORMED"; item: string; reason: string }
  | { code: "REC_ABSENT"; recId: number }
  | { code: "REC_NOT_CERTIFIED"; recId: number; status: string }
  | { code: "REC_ORIGIN_INVALID"; recId: number; origin: number; reason: string }
  | { code: "REC_SLOTS_ABSENT"; originId: number }
  | { code: "REC_ENERGY_EXCEEDS_SLOTS"; recId: number; energyWh: number; slotsWh: number }
  | { code: "RETIREMENTS_INVALID"; item: string; reason: string }
  | { code: "RETIREMENTS_INCOMPLETE"; recId: number; retiredWh: number; shownWh: number }
  | { code: "DEVICE_ABSENT"; deviceId: number }
  | { code: "KEY_HISTORY_INVALID"; deviceId: number; reason: string }
  | { code: "READINGS_COUNT"; readings: number; slots: number }
  | { code: "READING_MALFORMED"; index: number; reason: string }
  | { code: "READING_SLOT_MISMATCH"; index: number; deviceId: number; interval: number }
  | { code: "READING_ENERGY_MISMATCH"; index: number; deviceId: number; interval: number; energyWh: number; slotWh: number }
  | { code: "READING_HASH_MISMATCH"; index: number; deviceId: number; interval: number }
  | { code: "READING_KEY_UNKNOWN"; index: number; deviceId: number; interval: number; creditedBlock: number }
  | { code: "READING_BAD_SIGNATURE"; index: number; deviceId: number; interval: number };

/** A proof that does not verify: `code` names the check, the other fields the item. */
export class LightVerifyError extends ArkreenError<LightVerifyErrorType> {}
