export interface TokenBucketOpts {
  /** Most tokens the bucket holds. */
  capacity: number;
  /** Tokens earned per second, continuously. */
  perSecond: number;
  /** Tokens at creation; the capacity when absent. */
  initial?: number;
  /** Lowest level `charge` may leave (a debt); unbounded below when absent. */
  floor?: number;
}

/**
 * A token bucket on a caller's clock (milliseconds): the p2p request limiter's per-peer buckets and
 * the RPC server's per-connection budgets are each one. Time is passed in, so one clock serves many
 * buckets and tests drive it by hand.
 */
export class TokenBucket {
  private readonly opts: TokenBucketOpts;
  private level: number;
  private at: number;

  constructor(opts: TokenBucketOpts, now: number) {
    this.opts = opts;
    this.level = opts.initial ?? opts.capacity;
    this.at = now;
  }

  /** Tokens held at `now` (negative: in debt). */
  tokens(now: number): number {
    this.refill(now);
    return this.level;
  }

  /**
   * Takes `units` when the bucket holds them, or is full for work larger than the whole bucket
   * (which then leaves it in debt); false, taking nothing, otherwise.
   */
  tryTake(units: number, now: number): boolean {
    this.refill(now);
    if (this.level < Math.min(units, this.opts.capacity)) return false;
    this.level -= units;
    return true;
  }

  /** Takes `units` whatever the bucket holds, down to the floor. */
  charge(units: number, now: number): void {
    this.refill(now);
    this.level = Math.max(this.opts.floor ?? -Infinity, this.level - units);
  }

  /** Milliseconds until the bucket holds `units` (0 when it does now). */
  msUntil(units: number, now: number): number {
    this.refill(now);
    return this.level >= units ? 0 : Math.ceil(((units - this.level) * 1000) / this.opts.perSecond);
  }

  /** Full again: indistinguishable from a new bucket. */
  isFull(now: number): boolean {
    return this.tokens(now) >= this.opts.capacity;
  }

  private refill(now: number): void {
    this.level = Math.min(this.opts.capacity, this.level + ((now - this.at) * this.opts.perSecond) / 1000);
    this.at = now;
  }
}
