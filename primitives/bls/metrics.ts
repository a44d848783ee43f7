import { Counter, Gauge, Histogram, type Registry } from "prom-client";

interface CounterLike {
  inc(value?: number): void;
}
interface GaugeLike {
  set(value: number): void;
}
interface HistogramLike {
  observe(value: number): void;
}

/** What the verification core reports; `null` where the node runs without Prometheus. */
export interface BlsMetrics {
  /** Jobs waiting for a worker, buffered ones included. */
  queueLength: GaugeLike;
  queueWaitSeconds: HistogramLike;
  jobsStarted: CounterLike;
  setsStarted: CounterLike;
  /** Sets in each random-linear-combination batch or same-message group, first try. */
  batchSize: HistogramLike;
  /** Re-verifications made while bisecting failed batches. */
  batchRetries: CounterLike;
  invalidSets: CounterLike;
  /** Worker busy time divided by the sets it verified, per message. */
  workerTimePerSetSeconds: HistogramLike;
  /** Main-thread time spent packing, dispatching and unpacking (or verifying, single-thread). */
  mainThreadSeconds: HistogramLike;
  latencyToWorkerSeconds: HistogramLike;
  latencyFromWorkerSeconds: HistogramLike;
  workerRestarts: CounterLike;
}

const SECONDS_BUCKETS = [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5];
const PER_SET_BUCKETS = [0.00005, 0.0001, 0.0002, 0.0003, 0.0005, 0.001, 0.002, 0.005];

export function createBlsMetrics(registry: Registry): BlsMetrics {
  const registers = [registry];
  return {
    queueLength: new Gauge({ name: "arkreen_bls_queue_length", help: "BLS jobs waiting for a worker", registers }),
    queueWaitSeconds: new Histogram({ name: "arkreen_bls_queue_wait_seconds", help: "Time a BLS job waited before a worker took it", buckets: SECONDS_BUCKETS, registers }),
    jobsStarted: new Counter({ name: "arkreen_bls_jobs_started_total", help: "BLS verification jobs started", registers }),
    setsStarted: new Counter({ name: "arkreen_bls_sets_started_total", help: "BLS signature sets started", registers }),
    batchSize: new Histogram({ name: "arkreen_bls_batch_size", help: "Signature sets per batch verification", buckets: [1, 2, 4, 8, 16, 32, 64, 128], registers }),
    batchRetries: new Counter({ name: "arkreen_bls_batch_retries_total", help: "Batch re-verifications while isolating invalid signatures", registers }),
    invalidSets: new Counter({ name: "arkreen_bls_invalid_sets_total", help: "Signature sets found invalid", registers }),
    workerTimePerSetSeconds: new Histogram({ name: "arkreen_bls_worker_time_per_set_seconds", help: "Worker time per signature set", buckets: PER_SET_BUCKETS, registers }),
    mainThreadSeconds: new Histogram({ name: "arkreen_bls_main_thread_seconds", help: "Main-thread time spent on BLS work", buckets: SECONDS_BUCKETS, registers }),
    latencyToWorkerSeconds: new Histogram({ name: "arkreen_bls_latency_to_worker_seconds", help: "Time from posting a job to the worker starting it", buckets: SECONDS_BUCKETS, registers }),
    latencyFromWorkerSeconds: new Histogram({ name: "arkreen_bls_latency_from_worker_seconds", help: "Time from the worker finishing a job to the main thread receiving it", buckets: SECONDS_BUCKETS, registers }),
    workerRestarts: new Counter({ name: "arkreen_bls_worker_restarts_total", help: "BLS workers replaced after dying", registers }),
  };
}
