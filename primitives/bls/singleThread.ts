import type { BlsBackend } from "./backend.ts";
import { AdaptiveBatchSize } from "./batchSize.ts";
import { DEFAULT_PUBLIC_KEY_CACHE_SIZE, MAX_BATCH_SIZE, MAX_SETS_PER_REQUEST, MIN_BATCH_SIZE } from "./defaults.ts";
import { BlsVerifierError } from "./errors.ts";
import type { AggregatePart, BlsVerifier, SameMessageSet, SignatureSet } from "./interface.ts";
import { aggregateJob, sameMessageJobs } from "./jobs.ts";
import type { BlsMetrics } from "./metrics.ts";
import { PublicKeyCache } from "./publicKeyCache.ts";
import { verifyJobs, type JobResult, type VerificationContext, type VerifyJob, type VerifyStats } from "./verifyJobs.ts";

export interface BlsSingleThreadVerifierOpts {
  /** Largest random-linear-combination batch. */
  maxBatchSize?: number;
  publicKeyCacheSize?: number;
}

export interface BlsSingleThreadVerifierDeps {
  backend: BlsBackend;
  metrics: BlsMetrics | null;
}

/**
 * Verifies on the calling thread, at once, with the same algorithm as the pool's workers:
 * for tools, tests and machines where worker threads are not worth it. Options for
 * batching and priority are accepted and have nothing to act on.
 */
export class BlsSingleThreadVerifier implements BlsVerifier {
  private readonly ctx: VerificationContext<unknown, unknown>;
  private readonly metrics: BlsMetrics | null;
  private closed = false;

  constructor(opts: BlsSingleThreadVerifierOpts, deps: BlsSingleThreadVerifierDeps) {
    this.ctx = {
      backend: deps.backend,
      publicKeys: new PublicKeyCache({ maxSize: opts.publicKeyCacheSize ?? DEFAULT_PUBLIC_KEY_CACHE_SIZE }, { backend: deps.backend }),
      batchSize: new AdaptiveBatchSize({ min: MIN_BATCH_SIZE, max: opts.maxBatchSize ?? MAX_BATCH_SIZE }),
    };
    this.metrics = deps.metrics;
  }

  async verifySignatureSets(sets: readonly SignatureSet[]): Promise<boolean[]> {
    return this.run([{ kind: "distinct", sets }]).flatMap((r) => r.valid);
  }

  async verifySignatureSetsUncompressed(sets: readonly SignatureSet[]): Promise<(Uint8Array | null)[]> {
    return this.run([{ kind: "distinct", sets, uncompressed: true }]).flatMap((r) => r.uncompressed ?? []);
  }

  async verifySameMessage(sets: readonly SameMessageSet[], message: Uint8Array): Promise<boolean[]> {
    return this.run(sameMessageJobs(sets, message, MAX_SETS_PER_REQUEST)).flatMap((r) => r.valid);
  }

  async verifyAggregate(parts: readonly AggregatePart[], signature: Uint8Array): Promise<boolean> {
    if (parts.length === 0) return false;
    return this.run([aggregateJob(parts, signature)])[0].valid[0];
  }

  canAcceptWork(): boolean {
    return !this.closed;
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private run(jobs: VerifyJob[]): JobResult[] {
    if (this.closed) throw new BlsVerifierError({ code: "BLS_VERIFIER_CLOSED" });
    const start = performance.now();
    const stats: VerifyStats = { batchSizes: [], retries: 0 };
    const jobResults = verifyJobs(this.ctx, jobs, stats);
    const results = jobResults.flatMap((r) => r.valid);
    const m = this.metrics;
    if (m) {
      m.mainThreadSeconds.observe((performance.now() - start) / 1000);
      m.jobsStarted.inc(jobs.length);
      m.setsStarted.inc(results.length);
      for (const size of stats.batchSizes) m.batchSize.observe(size);
      m.batchRetries.inc(stats.retries);
      m.invalidSets.inc(results.filter((ok) => !ok).length);
    }
    return jobResults;
  }
}
