import { toHex } from "../../primitives/bytes.ts";
import { sameTarget, type EquivocationProof, type FinalityVote, type SignedFinalityVote } from "../../primitives/finality/vote.ts";
import type { BlockRef, VoterSet } from "./types.ts";

export type AddVoteResult = { kind: "added" } | { kind: "duplicate" } | { kind: "equivocation"; proof: EquivocationProof };

/**
 * The verified votes of one stage (prevote or precommit) of one round. A signer's first vote
 * counts; a second, different one makes it an equivocator, whose weight the round then treats as
 * able to support any block (as GRANDPA does). Further votes of an equivocator are dropped, so a
 * signer costs at most two entries. A target is a (hash, number) pair, as signed: a vote for the
 * right hash with another number is a different vote, never counted or aggregated with the others.
 */
export class StageVotes {
  private readonly set: VoterSet;
  private readonly bySigner = new Map<number, SignedFinalityVote[]>();
  private equivocators = 0n;
  private honestSeen = 0n;

  constructor(set: VoterSet) {
    this.set = set;
  }

  /** True when the vote adds nothing (already held, or the signer already equivocated). */
  isKnown(vote: SignedFinalityVote): boolean {
    const held = this.bySigner.get(vote.signer);
    return held !== undefined && (held.length > 1 || held.some((v) => sameTarget(v.vote, vote.vote)));
  }

  add(vote: SignedFinalityVote): AddVoteResult {
    const held = this.bySigner.get(vote.signer);
    const weight = this.set.authorities[vote.signer].weight;
    if (held === undefined) {
      this.bySigner.set(vote.signer, [vote]);
      this.honestSeen += weight;
      return { kind: "added" };
    }
    if (this.isKnown(vote)) return { kind: "duplicate" };
    held.push(vote);
    this.honestSeen -= weight;
    this.equivocators += weight;
    return { kind: "equivocation", proof: { first: held[0], second: vote } };
  }

  /** Signers whose votes arrived, equivocators included. */
  get voterCount(): number {
    return this.bySigner.size;
  }

  /** Weight of signers with exactly one vote. */
  get singleVoteWeight(): bigint {
    return this.honestSeen;
  }

  get equivocatorWeight(): bigint {
    return this.equivocators;
  }

  /** Targets and weights of the signers with exactly one vote. */
  singleVotes(): Array<BlockRef & { weight: bigint }> {
    const out: Array<BlockRef & { weight: bigint }> = [];
    for (const [signer, votes] of this.bySigner) {
      if (votes.length === 1) out.push({ hash: votes[0].vote.targetHash, number: votes[0].vote.targetNumber, weight: this.set.authorities[signer].weight });
    }
    return out;
  }

  /** Every held vote (both of an equivocator's) for exactly this target (hash and number), ascending by signer. */
  votesFor(target: FinalityVote): SignedFinalityVote[] {
    const out: SignedFinalityVote[] = [];
    for (const votes of this.bySigner.values()) {
      const v = votes.find((x) => sameTarget(x.vote, target));
      if (v) out.push(v);
    }
    return out.sort((a, b) => a.signer - b.signer);
  }

  /** Distinct targets (hash, number) voted for, in arrival order. */
  targets(): SignedFinalityVote[] {
    const seen = new Set<string>();
    const out: SignedFinalityVote[] = [];
    for (const votes of this.bySigner.values()) {
      for (const v of votes) {
        const key = `${toHex(v.vote.targetHash)}/${v.vote.targetNumber}`;
        if (!seen.has(key)) {
          seen.add(key);
          out.push(v);
        }
      }
    }
    return out;
  }

  /** This stage's votes by `signer` (one, or two for an equivocator). */
  votesOf(signer: number): readonly SignedFinalityVote[] {
    return this.bySigner.get(signer) ?? [];
  }
}
