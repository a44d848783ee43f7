/** Messages between the pool (main thread) and its workers. Times are epoch milliseconds
 * (`performance.timeOrigin + performance.now()`), comparable across threads. */
import type { BlsBackendName } from "./backend.ts";
import type { EncodedResults } from "./workCodec.ts";

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
      /** `encodeResults` output, both buffers transferred. */
      results: EncodedResults;
      batchSizes: number[];
      retries: number;
      startedAt: number;
      finishedAt: number;
    };

export function epochMs(): number {
  return performance.timeOrigin + performance.now();
}
