import { Counter, type Registry } from "prom-client";

/** What the node's finality service reports besides the gadget's own metrics; `null` without Prometheus. */
export interface FinalityServiceMetrics {
  /** Gossiped votes that passed the cheap checks, by what `SeenVotes` made of them: `verify` (a signature check ran), `duplicate`, `equivocator`. */
  gossipVotes: { inc(labels: { result: string }): void };
}

export function createFinalityServiceMetrics(registry: Registry): FinalityServiceMetrics {
  return {
    gossipVotes: new Counter({
      name: "arkreen_finality_gossip_votes_total",
      help: "Gossiped finality votes past the cheap checks: verify (signature checked), duplicate or equivocator (dropped unverified)",
      labelNames: ["result"],
      registers: [registry],
    }),
  };
}
