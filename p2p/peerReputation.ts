import type { Logger } from "../primitives/logger.ts";
import type { NetworkMetrics } from "./metrics.ts";
import { PeerScoreBook } from "./peerScore.ts";
import type { PenaltyReason } from "./peerScore.ts";

export interface PeerReputationOpts {
  /** How long a peer that fell below the ban threshold is refused (default 5 min). */
  banDurationMs?: number;
}

export interface PeerReputationDeps {
  logger: Logger;
  metrics: NetworkMetrics | null;
  now: () => number;
  /** Closes every connection with a peer that was just banned. */
  disconnect: (peerId: string) => Promise<void>;
}

/**
 * The score book wired to the host: each penalty is counted and logged, and a peer that falls
 * below the ban threshold is disconnected (the connection gater then refuses it until the ban ends).
 */
export class PeerReputation {
  private readonly deps: PeerReputationDeps;
  private readonly scores: PeerScoreBook;

  constructor(opts: PeerReputationOpts, deps: PeerReputationDeps) {
    this.deps = deps;
    this.scores = new PeerScoreBook({ banDurationMs: opts.banDurationMs }, { now: deps.now });
  }

  /** Penalises a peer; one that falls below the ban threshold is disconnected and banned. */
  report(peerId: string, reason: PenaltyReason): void {
    this.deps.metrics?.peerPenalties.inc({ reason });
    const { score, banned } = this.scores.penalise(peerId, reason);
    this.deps.logger.debug("Peer penalised", { peer: peerId, reason, score });
    if (banned) {
      this.deps.metrics?.peerBans.inc({ reason });
      this.deps.logger.info("Banned peer", { peer: peerId, reason });
      void this.deps.disconnect(peerId);
    }
  }

  /** The app-level score of a peer (0 neutral, negative after penalties). */
  score(peerId: string): number {
    return this.scores.score(peerId);
  }

  isBanned(peerId: string): boolean {
    return this.scores.isBanned(peerId);
  }

  /** Forgets peers whose score decayed to nothing. */
  prune(): void {
    this.scores.prune();
  }
}
