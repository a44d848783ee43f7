/** Where a submission came from: this node (RPC, its own reports) or a peer's gossip, which gossipsub forwards by itself. */
export type SubmissionOrigin = "local" | "gossip";

/**
 * A pool that tells what it accepted from a local origin (the transaction pool, the readings
 * pool), so that one announcer (node/network/announcer.ts) gossips all of it.
 */
export interface LocallyAccepted<T> {
  onAccepted(listener: (items: readonly T[]) => void): void;
}
