import { concatBytes, utf8 } from "../bytes.ts";
import { MessageCodec, parseProto } from "../codec/index.ts";
import { blake2b256 } from "../hash.ts";
import type { EquivocationProof, FinalityJustification, FinalityVote, SignedFinalityVote } from "./vote.proto.ts";
import { PROTO_SOURCE } from "./vote.proto.ts";

export type { EquivocationProof, FinalityJustification, FinalityVote, SignedFinalityVote } from "./vote.proto.ts";

const proto = parseProto(PROTO_SOURCE);

export const VoteStage = { Prevote: 1, Precommit: 2 } as const;
export type VoteStageValue = (typeof VoteStage)[keyof typeof VoteStage];

export const finalityVoteCodec = new MessageCodec<FinalityVote>("FinalityVote", proto);
export const signedFinalityVoteCodec = new MessageCodec<SignedFinalityVote>("SignedFinalityVote", proto);
export const finalityJustificationCodec = new MessageCodec<FinalityJustification>("FinalityJustification", proto);
export const equivocationProofCodec = new MessageCodec<EquivocationProof>("EquivocationProof", proto);

const VOTE_DOMAIN = utf8("arkreen/finality-vote/v1");

/**
 * The 32-byte message a validator signs for a vote: domain, genesis hash, then the vote (set id,
 * round, stage, target) — so a vote is void on another chain, set, round or stage. Every
 * precommit for one target in one round has the same signing root, which is what lets the
 * verifier aggregate them (same-message verification).
 */
export function voteSigningRoot(genesisHash: Uint8Array, vote: FinalityVote): Uint8Array {
  return blake2b256(concatBytes(VOTE_DOMAIN, genesisHash, finalityVoteCodec.encode(vote)));
}

/**
 * True when two votes name one target: the same block hash *and* the same block number. A vote is
 * signed over both, so a vote for the right hash with another number is another vote: it must
 * never be counted, aggregated or deduplicated with the votes for (hash, number).
 */
export function sameTarget(a: FinalityVote, b: FinalityVote): boolean {
  return a.targetNumber === b.targetNumber && Buffer.compare(a.targetHash, b.targetHash) === 0;
}

/** Two votes equivocate when one signer signed different targets (hash or number) for the same set, round and stage. */
export function isEquivocation(a: SignedFinalityVote, b: SignedFinalityVote): boolean {
  return a.signer === b.signer && a.vote.setId === b.vote.setId && a.vote.round === b.vote.round && a.vote.stage === b.vote.stage && !sameTarget(a.vote, b.vote);
}
