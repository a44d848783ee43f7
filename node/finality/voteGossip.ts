import { concatBytes } from "../../primitives/bytes.ts";
import { signedFinalityVoteCodec, type SignedFinalityVote } from "../../primitives/finality/vote.ts";
import type { VoteNetwork } from "../../consensus/finality/types.ts";

/**
 * A vote on the "votes" gossip topic is the encoded `SignedFinalityVote` followed by the 8-byte
 * big-endian second (Unix time, the node's clock) it was sent in. Gossip message ids are content
 * hashes and gossipsub drops content it saw in the last two minutes, so without this stamp the
 * gadget's periodic re-broadcast — what lets a peer that connected or restarted after a vote was
 * first sent still receive it — would never leave the node.
 *
 * The stamp is not a free field: a receiver ignores a vote stamped more than
 * `VOTE_STAMP_TOLERANCE_S` away from its own clock, so one signed vote has at most
 * 2 × tolerance + 1 message ids at any time, and gossipsub's seen cache absorbs every replay of
 * each. Replays that do reach the validator are caught by `SeenVotes` before any signature work.
 */
const VOTE_STAMP_BYTES = 8;

/**
 * How far a vote's stamp may be from the receiver's clock. Nodes already need clocks within a
 * slot of each other for Aura (a block from a future slot is refused); thirty seconds leaves room
 * for skewed clocks and slow relays, and bounds a replayer to 61 envelopes per vote.
 */
export const VOTE_STAMP_TOLERANCE_S = 30;

export function encodeVoteMessage(vote: SignedFinalityVote, nowMs: number): Uint8Array {
  const stamp = new Uint8Array(VOTE_STAMP_BYTES);
  new DataView(stamp.buffer).setBigUint64(0, BigInt(Math.floor(nowMs / 1000)));
  return concatBytes(signedFinalityVoteCodec.encode(vote), stamp);
}

/** The encoded vote inside a gossip message; "malformed" without a stamp, "stale" when the stamp is out of tolerance. */
export function openVoteMessage(data: Uint8Array, nowMs: number): Uint8Array | "malformed" | "stale" {
  if (data.length <= VOTE_STAMP_BYTES) return "malformed";
  const at = data.length - VOTE_STAMP_BYTES;
  const stamp = new DataView(data.buffer, data.byteOffset + at, VOTE_STAMP_BYTES).getBigUint64(0);
  const now = BigInt(Math.floor(nowMs / 1000));
  const distance = stamp > now ? stamp - now : now - stamp;
  return distance > BigInt(VOTE_STAMP_TOLERANCE_S) ? "stale" : data.subarray(0, at);
}

/**
 * The gadget's `VoteNetwork` over the node's "votes" gossip topic: outgoing votes are stamped and
 * handed to `broadcastVote` (the node maps it to `network.announceVote(…)`); incoming votes
 * arrive through `deliver`, after the gossip validator checked them.
 */
export class GossipVoteNetwork implements VoteNetwork {
  private readonly broadcastVote: (bytes: Uint8Array) => void;
  private readonly now: () => number;
  private readonly handlers = new Set<(vote: SignedFinalityVote) => void>();

  constructor(broadcastVote: (bytes: Uint8Array) => void, now: () => number) {
    this.broadcastVote = broadcastVote;
    this.now = now;
  }

  broadcast(vote: SignedFinalityVote): void {
    this.broadcastVote(encodeVoteMessage(vote, this.now()));
  }

  onVote(handler: (vote: SignedFinalityVote) => void): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  deliver(vote: SignedFinalityVote): void {
    for (const handler of this.handlers) handler(vote);
  }
}
