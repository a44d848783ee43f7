import { signedFinalityVoteCodec, type SignedFinalityVote } from "../../primitives/finality/vote.ts";
import type { VoteNetwork } from "../../consensus/finality/types.ts";

/**
 * The gadget's `VoteNetwork` over the node's "votes" gossip topic: outgoing votes are encoded
 * and handed to `broadcastVote` (the node maps it to `network.publish("votes", …)`); incoming
 * votes arrive through `deliver`, after the gossip validator checked them.
 */
export class GossipVoteNetwork implements VoteNetwork {
  private readonly broadcastVote: (bytes: Uint8Array) => void;
  private readonly handlers = new Set<(vote: SignedFinalityVote) => void>();

  constructor(broadcastVote: (bytes: Uint8Array) => void) {
    this.broadcastVote = broadcastVote;
  }

  broadcast(vote: SignedFinalityVote): void {
    this.broadcastVote(signedFinalityVoteCodec.encode(vote));
  }

  onVote(handler: (vote: SignedFinalityVote) => void): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  deliver(vote: SignedFinalityVote): void {
    for (const handler of this.handlers) handler(vote);
  }
}
