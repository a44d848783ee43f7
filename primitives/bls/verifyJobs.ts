/**
 * The verification algorithm shared by the single-thread verifier and the pool's workers:
 * validate every point once, verify distinct messages in random-linear-combination
 * batches and same-message groups as one blinded aggregate, and when a batch fails find
 * exactly which sets are invalid by bisection.
 */
import type { BlsBackend, PreparedSet } from "./backend.ts";
import type { AdaptiveBatchSize } from "./batchSize.ts";
import { isCompressedPointEncoding, SIGNATURE_LENGTH } from "./encoding.ts";
import type { AggregatePart, SameMessageSet, SignatureSet } from "./interface.ts";
import type { PublicKeyCache } from "./publicKeyCache.ts";

export type VerifyJob =
  /** `uncompressed`: also answer each valid signature in uncompressed form (see `JobResult`). */
  | { kind: "distinct"; sets: readonly SignatureSet[]; uncompressed?: boolean }
  | { kind: "same"; message: Uint8Array; sets: readonly SameMessageSet[] }
  /** One aggregate signature over distinct messages; every part answers the aggregate's verdict. */
  | { kind: "aggregate"; sets: readonly AggregatePart[]; signature: Uint8Array };

/** Booleans a job answers: one per set, one for an aggregate (its parts are its work, not its answers). */
export function resultCount(job: VerifyJob): number {
  return job.kind === "aggregate" ? 1 : job.sets.length;
}

/** One job's answer: one boolean per set (one for an aggregate); for a distinct job that asked, each valid signature uncompressed (null when invalid). */
export interface JobResult {
  valid: boolean[];
  uncompressed: (Uint8Array | null)[] | null;
}

/** Whether a job asked for the valid signatures back uncompressed. */
export function wantsUncompressed(job: VerifyJob): boolean {
  return job.kind === "distinct" && job.uncompressed === true;
}

export interface VerifyStats {
  /** Size of each batch tried first (bisection retries not included). */
  batchSizes: number[];
  /** Batches re-verified while bisecting failed batches. */
  retries: number;
}

export interface VerificationContext<PK, SIG> {
  backend: BlsBackend<PK, SIG>;
  publicKeys: PublicKeyCache<PK>;
  /** Size of the random-linear-combination batches of distinct messages. */
  batchSize: AdaptiveBatchSize;
}

interface Entry<T> {
  job: number;
  index: number;
  item: T;
}

/**
 * Finds the valid entries of a group that `test` checks all at once. Bisection with
 * inference: when the left half of a failed group passes, the right half must hold an
 * invalid entry and is split without being tested whole.
 */
function bisect<T>(
  entries: Entry<T>[],
  test: (items: T[]) => boolean,
  onValid: (entries: Entry<T>[]) => void,
  stats: VerifyStats,
  knownInvalid: boolean,
): void {
  if (!knownInvalid) {
    if (test(entries.map((e) => e.item))) {
      onValid(entries);
      return;
    }
  }
  if (entries.length === 1) return;
  const middle = entries.length >>> 1;
  const left = entries.slice(0, middle);
  const right = entries.slice(middle);
  stats.retries++;
  if (test(left.map((e) => e.item))) {
    onValid(left);
    bisect(right, test, onValid, stats, true);
  } else {
    stats.retries++;
    bisect(left, test, onValid, stats, true);
    bisect(right, test, onValid, stats, false);
  }
}

/** Verifies one batch, bisecting it if it fails; returns whether the first try failed. */
function verifyBatchWithBisection<T>(entries: Entry<T>[], test: (items: T[]) => boolean, markValid: (valid: Entry<T>[]) => void, stats: VerifyStats): boolean {
  if (entries.length === 0) return false;
  stats.batchSizes.push(entries.length);
  if (test(entries.map((e) => e.item))) {
    markValid(entries);
    return false;
  }
  bisect(entries, test, markValid, stats, true);
  return true;
}

function resolvePublicKey<PK>(publicKeys: PublicKeyCache<PK>, backend: BlsBackend<PK, unknown>, publicKey: SignatureSet["publicKey"]): PK | null {
  if (publicKey instanceof Uint8Array) return publicKeys.get(publicKey);
  if (publicKey.length === 0) return null;
  const keys: PK[] = [];
  for (const bytes of publicKey) {
    const key = publicKeys.get(bytes);
    if (key === null) return null;
    keys.push(key);
  }
  return keys.length === 1 ? keys[0] : backend.aggregatePublicKeys(keys);
}

function verifyAggregateJob<PK, SIG>({ backend, publicKeys }: VerificationContext<PK, SIG>, parts: readonly AggregatePart[], signatureBytes: Uint8Array): boolean {
  if (parts.length === 0 || !isCompressedPointEncoding(signatureBytes, SIGNATURE_LENGTH)) return false;
  const signature = backend.signatureFromBytes(signatureBytes);
  if (signature === null) return false;
  const keys: PK[] = [];
  for (const part of parts) {
    const key = publicKeys.get(part.publicKey);
    if (key === null) return false;
    keys.push(key);
  }
  return backend.aggregateVerify(parts.map((p) => p.message), keys, signature);
}

/** Verifies jobs together (distinct-message sets of all jobs share batches); one result per job. */
export function verifyJobs<PK, SIG>(ctx: VerificationContext<PK, SIG>, jobs: readonly VerifyJob[], stats: VerifyStats): JobResult[] {
  const { backend, publicKeys } = ctx;
  const results: JobResult[] = jobs.map((job) => ({
    valid: new Array<boolean>(resultCount(job)).fill(false),
    uncompressed: wantsUncompressed(job) ? new Array<Uint8Array | null>(job.sets.length).fill(null) : null,
  }));
  const markValid = <T>(valid: Entry<T>[]): void => {
    for (const e of valid) results[e.job].valid[e.index] = true;
  };
  const markValidDistinct = (valid: Entry<PreparedSet<PK, SIG>>[]): void => {
    for (const e of valid) {
      const { valid: flags, uncompressed } = results[e.job];
      flags[e.index] = true;
      if (uncompressed !== null) uncompressed[e.index] = backend.signatureToUncompressed(e.item.signature);
    }
  };

  const distinct: Entry<PreparedSet<PK, SIG>>[] = [];
  jobs.forEach((job, jobIndex) => {
    if (job.kind !== "distinct") return;
    job.sets.forEach((set, index) => {
      const publicKey = resolvePublicKey(publicKeys, backend, set.publicKey);
      if (publicKey === null || !isCompressedPointEncoding(set.signature, SIGNATURE_LENGTH)) return;
      const signature = backend.signatureFromBytes(set.signature);
      if (signature === null) return;
      distinct.push({ job: jobIndex, index, item: { message: set.message, publicKey, signature } });
    });
  });
  const testDistinct = (sets: PreparedSet<PK, SIG>[]): boolean =>
    sets.length === 1 ? backend.verify(sets[0].message, sets[0].publicKey, sets[0].signature) : backend.verifyBatch(sets);
  for (let start = 0; start < distinct.length; ) {
    const remaining = distinct.length - start;
    const size = ctx.batchSize.current;
    // Rather than a full batch and a tiny one, two halves: a batch's fixed cost is ~1.4 sets'.
    const take = remaining <= size ? remaining : remaining < 2 * size ? Math.ceil(remaining / 2) : size;
    const failed = verifyBatchWithBisection(distinct.slice(start, start + take), testDistinct, markValidDistinct, stats);
    ctx.batchSize.record(failed);
    start += take;
  }

  jobs.forEach((job, jobIndex) => {
    if (job.kind !== "same") return;
    const entries: Entry<{ publicKey: PK; signature: Uint8Array }>[] = [];
    job.sets.forEach((set, index) => {
      const publicKey = publicKeys.get(set.publicKey);
      if (publicKey === null || !isCompressedPointEncoding(set.signature, SIGNATURE_LENGTH)) return;
      entries.push({ job: jobIndex, index, item: { publicKey, signature: set.signature } });
    });
    const testSame = (items: { publicKey: PK; signature: Uint8Array }[]): boolean => {
      if (items.length > 1) return backend.verifySameMessage(job.message, items.map((i) => i.publicKey), items.map((i) => i.signature));
      const signature = backend.signatureFromBytes(items[0].signature);
      return signature !== null && backend.verify(job.message, items[0].publicKey, signature);
    };
    verifyBatchWithBisection(entries, testSame, markValid, stats);
  });

  jobs.forEach((job, jobIndex) => {
    if (job.kind !== "aggregate") return;
    stats.batchSizes.push(job.sets.length);
    results[jobIndex].valid[0] = verifyAggregateJob(ctx, job.sets, job.signature);
  });

  return results;
}
