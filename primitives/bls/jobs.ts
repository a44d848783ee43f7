import type { AggregatePart, SameMessageSet, SignatureSet } from "./interface.ts";
import type { VerifyJob } from "./verifyJobs.ts";

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** A `verifySignatureSets` call as jobs of at most `maxSetsPerJob` sets. */
export function distinctJobs(sets: readonly SignatureSet[], maxSetsPerJob: number, uncompressed = false): VerifyJob[] {
  return chunk(sets, maxSetsPerJob).map((part) => ({ kind: "distinct", sets: part, uncompressed }));
}

/** A `verifySameMessage` call as jobs of at most `maxSetsPerJob` sets. */
export function sameMessageJobs(sets: readonly SameMessageSet[], message: Uint8Array, maxSetsPerJob: number): VerifyJob[] {
  return chunk(sets, maxSetsPerJob).map((part) => ({ kind: "same", message, sets: part }));
}

/** A `verifyAggregate` call: one job, never split (its one signature covers every part). */
export function aggregateJob(parts: readonly AggregatePart[], signature: Uint8Array): VerifyJob {
  return { kind: "aggregate", sets: parts, signature };
}
