/**
 * The size of the next random-linear-combination batch, following the failure rate the
 * verifier observes. Clean traffic gets the largest batches (the fixed cost of a batch,
 * ~0.7 ms, spread over the most sets); each failed batch halves the size and each clean
 * one grows it by `min` sets, so that under a steady rate of invalid signatures the size
 * settles where bisection stays cheap (33 sets on average at one invalid signature in 128) and
 * under a flood of them it falls to `min`.
 */
export class AdaptiveBatchSize {
  private readonly min: number;
  private readonly max: number;
  private size: number;

  constructor(opts: { min: number; max: number }) {
    this.min = Math.max(1, Math.min(opts.min, opts.max));
    this.max = opts.max;
    this.size = opts.max;
  }

  get current(): number {
    return this.size;
  }

  /** Records the outcome of a batch's first verification. */
  record(failed: boolean): void {
    this.size = failed ? Math.max(this.min, Math.floor(this.size / 2)) : Math.min(this.max, this.size + this.min);
  }
}
