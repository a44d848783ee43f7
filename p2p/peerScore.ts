/**
 * App-level peer reputation, Substrate's `PeerStore` reputation in small: every peer starts at 0,
 * misbehaviour subtracts a penalty, the score decays back toward 0 with time (so an honest peer
 * that once sent one bad message recovers), and a peer whose score falls below the ban threshold
 * is disconnected and refused for `banDurationMs`. Gossipsub keeps its own mesh score; this one
 * covers what gossipsub cannot see: application validation results, sync responses, timeouts and
 * the status handshake.
 */

export type PenaltyReason = "invalid_gossip" | "oversized_gossip" | "bad_sync_response" | "bad_request" | "request_timeout" | "rate_limited" | "wrong_genesis" | "bad_status";

/**
 * Penalty sizes against a ban threshold of -100: five rejected gossip messages within about a
 * half-life ban a peer (one is an accident, five is a pattern); a malformed or unimportable sync
 * response is worse (we asked for it and spent the time), two ban; a malformed request costs like a
 * rejected message; a timeout is often our own load,
 * so it takes ten. A peer of another chain is banned at once: it can never be useful; a
 * broken handshake (malformed, or cut off mid-way) counts like a bad sync response.
 */
export const PENALTIES: Readonly<Record<PenaltyReason, number>> = {
  invalid_gossip: 20,
  oversized_gossip: 20,
  bad_sync_response: 50,
  bad_request: 20,
  request_timeout: 10,
  rate_limited: 5,
  wrong_genesis: Number.POSITIVE_INFINITY,
  bad_status: 50,
};

export interface PeerScoreOpts {
  /** A score below this bans the peer (default -100). */
  banThreshold?: number;
  /** How long a banned peer is refused (default 5 minutes, as long as Substrate's default ban). */
  banDurationMs?: number;
  /**
   * Time for a negative score to decay halfway back to 0 (default 60 s): long enough that a burst
   * of garbage adds up to a ban, short enough that an occasional bad message is forgotten.
   */
  halfLifeMs?: number;
}

interface ScoreEntry {
  score: number;
  updatedAt: number;
}

/** What `penalise` did: `banned` tells the caller to disconnect the peer. */
export interface PenaltyOutcome {
  score: number;
  banned: boolean;
}

export class PeerScoreBook {
  private readonly banThreshold: number;
  private readonly banDurationMs: number;
  private readonly halfLifeMs: number;
  private readonly now: () => number;
  private readonly scores = new Map<string, ScoreEntry>();
  private readonly bannedUntil = new Map<string, number>();

  constructor(opts: PeerScoreOpts, deps: { now: () => number }) {
    this.banThreshold = opts.banThreshold ?? -100;
    this.banDurationMs = opts.banDurationMs ?? 5 * 60_000;
    this.halfLifeMs = opts.halfLifeMs ?? 60_000;
    this.now = deps.now;
  }

  /** The peer's current (decayed) score; 0 for a peer never penalised. */
  score(peer: string): number {
    const entry = this.scores.get(peer);
    if (entry === undefined) return 0;
    const elapsed = this.now() - entry.updatedAt;
    return entry.score * Math.pow(0.5, Math.max(0, elapsed) / this.halfLifeMs);
  }

  penalise(peer: string, reason: PenaltyReason): PenaltyOutcome {
    const score = this.score(peer) - PENALTIES[reason];
    this.scores.set(peer, { score: Number.isFinite(score) ? score : this.banThreshold - 1, updatedAt: this.now() });
    const banned = score < this.banThreshold;
    if (banned) this.ban(peer);
    return { score, banned };
  }

  ban(peer: string): void {
    this.bannedUntil.set(peer, this.now() + this.banDurationMs);
  }

  isBanned(peer: string): boolean {
    const until = this.bannedUntil.get(peer);
    if (until === undefined) return false;
    if (this.now() < until) return true;
    // The ban served its time: start over from a clean score.
    this.bannedUntil.delete(peer);
    this.scores.delete(peer);
    return false;
  }

  /** Forgets peers whose score decayed to nothing, so the book does not grow with every peer ever seen. */
  prune(): void {
    for (const peer of [...this.scores.keys()]) if (Math.abs(this.score(peer)) < 1 && !this.isBanned(peer)) this.scores.delete(peer);
    for (const peer of [...this.bannedUntil.keys()]) this.isBanned(peer);
  }
}
