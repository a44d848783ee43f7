import { Counter, Gauge, type Registry } from "prom-client";

interface CounterLike {
  inc(value?: number): void;
}
interface GaugeLike {
  set(value: number): void;
}

/** What the finality gadget reports; `null` where the node runs without Prometheus. */
export interface FinalityMetrics {
  round: GaugeLike;
  setId: GaugeLike;
  finalizedNumber: GaugeLike;
  roundsCompleted: CounterLike;
  votesReceived: CounterLike;
  /** Votes dropped before verification: other set, round out of range, unknown signer, duplicate. */
  votesIgnored: CounterLike;
  invalidSignatures: CounterLike;
  equivocations: CounterLike;
}

export function createFinalityMetrics(registry: Registry): FinalityMetrics {
  const registers = [registry];
  return {
    round: new Gauge({ name: "arkreen_finality_round", help: "Current finality round", registers }),
    setId: new Gauge({ name: "arkreen_finality_set_id", help: "Current finality authority set id", registers }),
    finalizedNumber: new Gauge({ name: "arkreen_finality_finalized_number", help: "Highest block finalized by the gadget", registers }),
    roundsCompleted: new Counter({ name: "arkreen_finality_rounds_completed_total", help: "Finality rounds completed", registers }),
    votesReceived: new Counter({ name: "arkreen_finality_votes_received_total", help: "Finality votes received from peers", registers }),
    votesIgnored: new Counter({ name: "arkreen_finality_votes_ignored_total", help: "Finality votes dropped without verification", registers }),
    invalidSignatures: new Counter({ name: "arkreen_finality_invalid_signatures_total", help: "Finality votes with an invalid signature", registers }),
    equivocations: new Counter({ name: "arkreen_finality_equivocations_total", help: "Conflicting finality votes detected", registers }),
  };
}
