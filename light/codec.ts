import { bigintToBytes, bytesEqual, bytesToBigint, isMinimalUint } from "../primitives/bytes.ts";
import { MessageCodec, parseProto } from "../primitives/codec/index.ts";
import { PROTO_SOURCE as VOTE_PROTO } from "../primitives/finality/vote.proto.ts";
import type { FinalityJustification, FinalityVote } from "../primitives/finality/vote.proto.ts";
import type { FinalityCheckpoint, FinalityProof, FinalityProofFragment, LightFinalitySet } from "./finalityProof.proto.ts";
import { PROTO_SOURCE } from "./finalityProof.proto.ts";
import { LightVerifyError } from "./errors.ts";

export type { FinalityCheckpoint, FinalityProof, FinalityProofFragment, LightFinalityAuthority, LightFinalitySet } from "./finalityProof.proto.ts";
export type { FinalityJustification, FinalityVote } from "../primitives/finality/vote.proto.ts";

/** The format version this verifier reads (and the node writes). */
export const FINALITY_PROOF_VERSION = 1;

const proofSchema = parseProto(PROTO_SOURCE);
// The justification and the vote it signs are the consensus formats of primitives/finality/vote.proto:
// parsed from its text, not from vote.ts (which the verifier does not need the rest of).
const voteSchema = parseProto(VOTE_PROTO);

export const finalityProofCodec = new MessageCodec<FinalityProof>("FinalityProof", proofSchema);
export const finalityProofFragmentCodec = new MessageCodec<FinalityProofFragment>("FinalityProofFragment", proofSchema);
export const lightFinalitySetCodec = new MessageCodec<LightFinalitySet>("LightFinalitySet", proofSchema);
export const finalityCheckpointCodec = new MessageCodec<FinalityCheckpoint>("FinalityCheckpoint", proofSchema);
export const justificationDataCodec = new MessageCodec<FinalityJustification>("FinalityJustification", voteSchema);
export const finalityVoteCodec = new MessageCodec<FinalityVote>("FinalityVote", voteSchema);

/** One member of a finality authority set: its BLS key and its weight (stake; only ratios matter). */
export interface Authority {
  finalityKey: Uint8Array;
  weight: bigint;
}

/**
 * A trusted starting point: the chain (its genesis hash) and an authority set the user trusts —
 * the genesis set from a chain spec, or a later set learnt from a verified proof.
 */
export interface Checkpoint {
  genesisHash: Uint8Array;
  setId: number;
  authorities: Authority[];
  /** The single Aura authority's ed25519 key of a chain finalized by instant finality (the dev chain); null otherwise. */
  instantAuthority: Uint8Array | null;
}

/** The checkpoint as a file (`FinalityCheckpoint`): what a user keeps and passes to the verifier. */
export function encodeCheckpoint(c: Checkpoint): Uint8Array {
  return finalityCheckpointCodec.encode({
    genesisHash: c.genesisHash,
    setId: c.setId,
    authorities: c.authorities.map((a) => ({ account: new Uint8Array(), finalityKey: a.finalityKey, weight: bigintToBytes(a.weight) })),
    instantAuthority: c.instantAuthority ?? new Uint8Array(),
  });
}

export function decodeCheckpoint(bytes: Uint8Array): Checkpoint {
  let c: FinalityCheckpoint;
  try {
    c = finalityCheckpointCodec.decode(bytes);
  } catch (e) {
    throw new LightVerifyError({ code: "CHECKPOINT_INVALID", reason: (e as Error).message });
  }
  const checkpoint: Checkpoint = {
    genesisHash: c.genesisHash,
    setId: c.setId,
    authorities: c.authorities.map((a) => ({ finalityKey: a.finalityKey, weight: weightOf(a.weight) })),
    instantAuthority: c.instantAuthority.length === 0 ? null : c.instantAuthority,
  };
  checkCheckpoint(checkpoint);
  return checkpoint;
}

/** A weight as the staking record stores it: minimal big-endian bytes. */
export function weightOf(bytes: Uint8Array): bigint {
  if (!isMinimalUint(bytes)) throw new RangeError("weight is not a minimal big-endian integer");
  return bytesToBigint(bytes);
}

/** Refuses a checkpoint that could not verify anything, so that the failure names the checkpoint. */
export function checkCheckpoint(c: Checkpoint): void {
  const fail = (reason: string): never => {
    throw new LightVerifyError({ code: "CHECKPOINT_INVALID", reason });
  };
  if (!(c.genesisHash instanceof Uint8Array) || c.genesisHash.length !== 32) fail("genesis hash must be 32 bytes");
  if (!Number.isSafeInteger(c.setId) || c.setId < 0) fail("set id must be a non-negative integer");
  if (c.instantAuthority !== null && c.instantAuthority.length !== 32) fail("instant authority must be a 32-byte ed25519 key");
  if (c.authorities.length === 0 && c.instantAuthority === null) fail("no authorities and no instant authority");
  for (const a of c.authorities) {
    if (a.finalityKey.length !== 48) fail("finality keys must be 48-byte compressed BLS public keys");
    if (a.weight <= 0n) fail("weights must be positive");
  }
  for (let i = 0; i < c.authorities.length; i++) {
    for (let j = i + 1; j < c.authorities.length; j++) if (bytesEqual(c.authorities[i].finalityKey, c.authorities[j].finalityKey)) fail("a finality key appears twice");
  }
}
