/**
 * Per-peer token buckets: each peer may make `burst` requests at once and `perSecond` on average.
 * The sync protocol uses it so that one peer cannot make a node read and send blocks in a loop.
 */
export interface RateLimiterOpts {
  perSecond: number;
  burst: number;
}

export class PeerRateLimiter {
  private readonly opts: RateLimiterOpts;
  private readonly now: () => number;
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(opts: RateLimiterOpts, deps: { now: () => number }) {
    this.opts = opts;
    this.now = deps.now;
  }

  /** Takes one token for `peer`; false when the peer is over its rate. */
  take(peer: string): boolean {
    const now = this.now();
    const bucket = this.buckets.get(peer) ?? { tokens: this.opts.burst, at: now };
    bucket.tokens = Math.min(this.opts.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.opts.perSecond);
    bucket.at = now;
    const allowed = bucket.tokens >= 1;
    if (allowed) bucket.tokens -= 1;
    this.buckets.set(peer, bucket);
    return allowed;
  }

  forget(peer: string): void {
    this.buckets.delete(peer);
  }
}
