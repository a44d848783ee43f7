import { bytesEqual } from "../../primitives/bytes.ts";
import { sameTarget, type SignedFinalityVote } from "../../primitives/finality/vote.ts";

/** What the gossip validator does with a vote before any signature work. */
export type SeenVerdict =
  /** Never verified: verify it (a voter's first vote, or a second target: a possible equivocation). */
  | "verify"
  /** The same vote is verified, or being verified, already: ignore it, never forward it. */
  | "duplicate"
  /** A voter with two verified targets in this (set, round, stage) is an equivocator already: a third adds nothing. */
  | "equivocator";

interface Held {
  vote: SignedFinalityVote;
  /** False while its verification runs; a copy that arrives meanwhile is a duplicate. */
  verified: boolean;
}

/**
 * The votes gossip has verified, per (set, round, stage, signer): so that a replayed vote — the
 * same signed vote under another gossip envelope, which gossipsub's content-addressed seen cache
 * does not catch — costs a map lookup instead of a pairing (~1.4 ms), and is neither accepted nor
 * forwarded again. At most two targets are held per key (a second one makes the signer an
 * equivocator, which the gadget reports); anything after that is dropped unverified.
 *
 * A copy of a vote being verified waits for nothing and is a duplicate when its bytes are the
 * same; otherwise only a verified vote blocks others for its target, so that a forged copy (bad
 * signature) of a vote an honest voter is about to send cannot keep the real one out. Once a
 * target is verified, other signature bytes for it are duplicates too: BLS signatures are
 * deterministic and their encoding canonical, so such bytes can only be invalid.
 *
 * Memory is bounded by the rounds the validator accepts (the gadget's window) times the set's
 * size times two stages and two targets: `prune` drops everything below a round.
 */
export class SeenVotes {
  private readonly rounds = new Map<number, Map<string, Held[]>>();

  check(v: SignedFinalityVote): SeenVerdict {
    const held = this.heldFor(v, false);
    if (held === undefined) return "verify";
    if (held.some((h) => sameTarget(h.vote.vote, v.vote) && (h.verified || bytesEqual(h.vote.signature, v.signature)))) return "duplicate";
    return held.filter((h) => h.verified).length >= 2 ? "equivocator" : "verify";
  }

  /** Marks `v` as being verified; `settle` records the verdict. */
  begin(v: SignedFinalityVote): { settle(valid: boolean): void } {
    const list = this.heldFor(v, true) as Held[];
    const entry: Held = { vote: v, verified: false };
    list.push(entry);
    return {
      settle: (valid) => {
        if (valid) entry.verified = true;
        else list.splice(list.indexOf(entry), 1);
      },
    };
  }

  /** Forgets every round below `round`. */
  prune(round: number): void {
    for (const r of this.rounds.keys()) if (r < round) this.rounds.delete(r);
  }

  /** Forgets everything: a new authority set starts its rounds again at 1. */
  clear(): void {
    this.rounds.clear();
  }

  private heldFor(v: SignedFinalityVote, create: boolean): Held[] | undefined {
    let byKey = this.rounds.get(v.vote.round);
    if (byKey === undefined) {
      if (!create) return undefined;
      byKey = new Map();
      this.rounds.set(v.vote.round, byKey);
    }
    const key = `${v.vote.setId}/${v.vote.stage}/${v.signer}`;
    let held = byKey.get(key);
    if (held === undefined && create) {
      held = [];
      byKey.set(key, held);
    }
    return held;
  }
}
