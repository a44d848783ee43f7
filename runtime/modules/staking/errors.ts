import { DispatchError } from "../../framework/errors.ts";

export type StakingErrorCode =
  | "StakingDisabled" // the chain spec has no staking section
  | "InvalidAmount" // zero, or not a minimally encoded amount
  | "AlreadyBonded" // `bond` by a stash that has a ledger (use `bondExtra`)
  | "NotBonded" // the call needs a ledger
  | "InsufficientBond" // unbonding more than is active, or validating below `minValidatorBond`
  | "NoMoreChunks" // MAX_UNLOCKING_CHUNKS unlocking chunks are waiting already
  | "NothingToWithdraw" // no unlocking chunk has reached its session
  | "InvalidKey" // an authoring key that is not 32 bytes, or a finality key that is not a valid BLS key
  | "KeyInUse" // the session key belongs to another stash
  | "BadProofOfPossession" // the authoring or finality key (`kind`) did not sign its proof-of-possession message for this stash
  | "NotValidating" // `chill` by a stash that is not a candidate
  | "MalformedProof" // the equivocation proof does not decode (or a header has no seal or no slot)
  | "NotEquivocation" // the two votes do not conflict (isEquivocation is false); the two headers are one, or differ in slot or author
  | "UnknownSet" // the votes name a set that is not, or no longer, kept
  | "UnknownSigner" // the signer index is outside the set
  | "BadVoteSignature" // a vote's signature does not verify against the signer's finality key
  | "AlreadyReported" // the offender was already slashed for this offence (a vote offence in this set, a block offence in this slot)
  | "UnknownSession" // a header's session (its number ÷ sessionLengthBlocks) is in the future or no longer kept
  | "BadSeal" // a header's seal is not by its slot's author in its session's set
  | "UnknownKey"; // the slot author's authoring key belongs to no stash

export class StakingError extends DispatchError {
  constructor(code: StakingErrorCode, data: Record<string, unknown> = {}) {
    super({ code, module: "staking", ...data });
  }
}
