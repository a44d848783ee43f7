import { Counter, Gauge } from "prom-client";
import type { Registry } from "prom-client";

/** The network's Prometheus metrics; the host takes `NetworkMetrics | null`. */
export interface NetworkMetrics {
  /** Connected peers that passed the status handshake (Substrate's name). */
  peers: Gauge;
  /** Gossip messages received, by topic kind and validation result (accept, ignore, reject, dropped). */
  gossipReceived: Counter<"kind" | "result">;
  /** Gossip messages published by this node, by kind. */
  gossipPublished: Counter<"kind">;
  /** App-level penalties applied to peers, by reason. */
  peerPenalties: Counter<"reason">;
  /** Peers disconnected and banned, by reason. */
  peerBans: Counter<"reason">;
  /** Sync protocol requests served, by outcome (ok, rate_limited, bad_request). */
  blockRequestsServed: Counter<"outcome">;
  /** Blocks imported through range sync. */
  syncBlocksImported: Counter;
}

/** Names follow Substrate's where it has one (`substrate_*`), `arkreen_*` otherwise. */
export function createNetworkMetrics(registry: Registry): NetworkMetrics {
  const registers = [registry];
  return {
    peers: new Gauge({ name: "substrate_sub_libp2p_peers_count", help: "Number of connected peers", registers }),
    gossipReceived: new Counter({
      name: "arkreen_p2p_gossip_received_total",
      help: "Gossip messages received, by topic kind and validation result",
      labelNames: ["kind", "result"],
      registers,
    }),
    gossipPublished: new Counter({
      name: "arkreen_p2p_gossip_published_total",
      help: "Gossip messages published by this node, by topic kind",
      labelNames: ["kind"],
      registers,
    }),
    peerPenalties: new Counter({
      name: "arkreen_p2p_peer_penalties_total",
      help: "Score penalties applied to peers, by reason",
      labelNames: ["reason"],
      registers,
    }),
    peerBans: new Counter({
      name: "arkreen_p2p_peer_bans_total",
      help: "Peers disconnected and banned, by reason",
      labelNames: ["reason"],
      registers,
    }),
    blockRequestsServed: new Counter({
      name: "arkreen_p2p_block_requests_total",
      help: "Block-range requests served, by outcome",
      labelNames: ["outcome"],
      registers,
    }),
    syncBlocksImported: new Counter({
      name: "arkreen_p2p_sync_blocks_imported_total",
      help: "Blocks imported through block-range sync",
      registers,
    }),
  };
}
