import { bytesEqual } from "../../primitives/bytes.ts";
import type { EquivocationProof, SignedFinalityVote } from "../../primitives/finality/vote.ts";
import type { VoterSet } from "./types.ts";

export type AddVoteResult = { kind: "added" } | { kind: "duplicate" } | { kind: "equivocation"; proof: EquivocationProof };

/**
 * The verified votes of one stage (prevote or precommit) of one round. A signer's first vote
 * counts; a second, different one makes it an equivocator, whose weight the round then treats as
 * able to support any block (as GRANDPA does). Further votes of an equivocator are dropped, so a
 * signer costs at most two entries.
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
    return held !== undefined && (held.length > 1 || held.some((v) => bytesEqual(v.vote.targetHash, vote.vote.targetHash)));
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
  singleVotes(): Array<{ hash: Uint8Array; weight: bigint }> {
    const out: Array<{ hash: Uint8Array; weight: bigint }> = [];
    for (const [signer, votes] of this.bySigner) {
      if (votes.length === 1) out.push({ hash: votes[0].vote.targetHash, weight: this.set.authorities[signer].weight });
    }
    return out;
  }

  /** Every held vote (both of an equivocator's) for exactly `targetHash`, ascending by signer. */
  votesFor(targetHash: Uint8Array): SignedFinalityVote[] {
    const out: SignedFinalityVote[] = [];
    for (const votes of this.bySigner.values()) {
      const v = votes.find((x) => bytesEqual(x.vote.targetHash, targetHash));
      if (v) out.push(v);
    }
    return out.sort((a, b) => a.signer - b.signer);
  }

  /** Distinct targets voted for, in arrival order. */
  targets(): SignedFinalityVote[] {
    const seen = new Set<string>();
    const out: SignedFinalityVote[] = [];
    for (const votes of this.bySigner.values()) {
      for (const v of votes) {
        const key = Buffer.from(v.vote.targetHash).toString("hex");
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
