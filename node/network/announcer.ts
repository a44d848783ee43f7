import type { Logger } from "../../primitives/logger.ts";
import type { GossipKind } from "../../p2p/index.ts";
import { crashPoint } from "../crashPoints.ts";
import type { LocallyAccepted } from "../localAccepted.ts";

export interface AnnouncerDeps {
  gossip: {
    publish(kind: GossipKind, data: Uint8Array): Promise<number>;
    hasSubscribers(kind: GossipKind): boolean;
  };
  logger: Logger;
}

/**
 * The node's one way out to the network. It gossips what the node authors (blocks), its finality
 * votes, and everything its pools accept from a local origin — extrinsics submitted over RPC or
 * created by the node itself (offence reports), readings submitted over RPC. What arrived by
 * gossip is not announced again: gossipsub forwards it once validated.
 */
export class Announcer {
  private readonly deps: AnnouncerDeps;

  constructor(deps: AnnouncerDeps) {
    this.deps = deps;
  }

  /**
   * Gossips each item `source` accepts locally from now on. Alone (a dev node, or before the first
   * peer), nobody would receive them: encoding and gossipsub's caches are saved (~10 µs a reading);
   * a later peer gets them in blocks.
   */
  follow<T>(kind: GossipKind, source: LocallyAccepted<T>, encode: (item: T) => Uint8Array): void {
    source.onAccepted((items) => {
      if (!this.deps.gossip.hasSubscribers(kind)) return;
      for (const item of items) this.announce(kind, encode(item));
    });
  }

  announce(kind: GossipKind, data: Uint8Array): void {
    this.deps.gossip.publish(kind, data).then(
      () => {
        if (kind === "votes") crashPoint("vote.after-broadcast");
      },
      (e: unknown) => this.deps.logger.debug("Gossip publish failed", { kind, error: (e as Error).message }),
    );
  }
}
