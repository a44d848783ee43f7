/** Messages between the pool (main thread) and its workers. Times are epoch milliseconds
 * (`performance.timeOrigin + performance.now()`), comparable across threads. */
import type { BlsBackendName } from "./backend.ts";

export interface WorkerInit {
  backend: BlsBackendName;
  maxBatchSize: number;
  publicKeyCacheSize: number;
}

export interface WorkRequest {
  type: "work";
  id: number;
  /** `encodeJobs` output, transferred. */
  jobs: ArrayBuffer;
  sentAt: number;
}

export type WorkerMessage =
  | { type: "ready" }
  | {
      type: "done";
      id: number;
      /** `encodeResults` output, transferred. */
      results: Uint8Array;
      batchSizes: number[];
      retries: number;
      startedAt: number;
      finishedAt: number;
    };

export function epochMs(): number {
  return performance.timeOrigin + performance.now();
}
