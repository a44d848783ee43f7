import { TokenBucket, type TokenBucketOpts } from "../primitives/tokenBucket.ts";

/**
 * Per-peer token buckets: each peer may make `burst` requests at once and `perSecond` on average.
 * The sync protocol uses it so that one peer cannot make a node read and send blocks in a loop.
 */
/** Below this many buckets no sweep runs: a handful of peers is not worth a pass. */
const MIN_SWEEP_SIZE = 64;

export interface RateLimiterOpts {
  perSecond: number;
  burst: number;
}

export class PeerRateLimiter {
  /** Shared by every peer's bucket. */
  private readonly bucketOpts: TokenBucketOpts;
  private readonly now: () => number;
  private readonly buckets = new Map<string, TokenBucket>();
  /** Size at which the next sweep runs; doubles with what a sweep keeps, so sweeps cost O(1) a call. */
  private sweepAt = MIN_SWEEP_SIZE;

  constructor(opts: RateLimiterOpts, deps: { now: () => number }) {
    this.bucketOpts = { capacity: opts.burst, perSecond: opts.perSecond };
    this.now = deps.now;
  }

  /** Takes one token for `peer`; false when the peer is over its rate. */
  take(peer: string): boolean {
    const now = this.now();
    let bucket = this.buckets.get(peer);
    if (bucket === undefined) {
      bucket = new TokenBucket(this.bucketOpts, now);
      this.buckets.set(peer, bucket);
    }
    const allowed = bucket.tryTake(1, now);
    if (this.buckets.size >= this.sweepAt) this.sweep(now);
    return allowed;
  }

  /** Peers with a bucket: those that made a request recently enough for their bucket not to be full again. */
  get size(): number {
    return this.buckets.size;
  }

  /**
   * Drops every bucket that has filled up again: a full bucket is what an unknown peer gets, so
   * forgetting it changes no answer. Memory then follows the peers that asked within the last
   * `burst / perSecond` seconds, not every peer id ever seen (new ids cost an attacker nothing);
   * and a peer that disconnects and reconnects keeps its bucket until it is full.
   */
  private sweep(now: number): void {
    for (const [peer, bucket] of this.buckets) if (bucket.isFull(now)) this.buckets.delete(peer);
    this.sweepAt = Math.max(MIN_SWEEP_SIZE, 2 * this.buckets.size);
  }
}
