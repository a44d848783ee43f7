import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { Logger } from "../logger.ts";
import type { BlsBackendName } from "./backend.ts";
import {
  DEFAULT_BUFFER_WAIT_MS,
  DEFAULT_JOB_SIZE,
  DEFAULT_PUBLIC_KEY_CACHE_SIZE,
  MAX_BATCH_SIZE,
  MAX_JOB_ATTEMPTS,
  MAX_QUEUED_SETS_PER_WORKER,
  MAX_SETS_PER_REQUEST,
} from "./defaults.ts";
import { BlsVerifierError } from "./errors.ts";
import type { AggregatePart, BlsVerifier, SameMessageSet, SignatureSet, VerifyOpts } from "./interface.ts";
import { aggregateJob, distinctJobs, sameMessageJobs } from "./jobs.ts";
import type { BlsMetrics } from "./metrics.ts";
import { epochMs, type WorkerInit, type WorkerMessage, type WorkRequest } from "./protocol.ts";
import { resultCount, wantsUncompressed, type JobResult, type VerifyJob } from "./verifyJobs.ts";
import { decodeResults, encodeJobs } from "./workCodec.ts";

export interface BlsWorkerPoolOpts {
  /** The backend every worker loads; resolved once by `createBlsVerifier`. */
  backend: BlsBackendName;
  /** Workers; default `os.availableParallelism()`. */
  poolSize?: number;
  /** Largest random-linear-combination batch in a worker (see `defaults.ts`). */
  maxBatchSize?: number;
  /** Sets per job of a distinct-message call; also the buffer's flush threshold. */
  jobSize?: number;
  /** Longest wait of batchable work for a full batch. */
  bufferWaitMs?: number;
  /** Queued sets beyond which `canAcceptWork()` is false; default 1024 per worker. */
  maxQueuedSets?: number;
  /** Validated public keys cached per worker. */
  publicKeyCacheSize?: number;
}

export interface BlsWorkerPoolDeps {
  logger: Logger;
  metrics: BlsMetrics | null;
  /** Starts one worker; injected by tests that need to hold (and kill) the workers. */
  spawnWorker?: (init: WorkerInit) => Worker;
}

interface PendingJob {
  job: VerifyJob;
  setCount: number;
  priority: boolean;
  enqueuedAt: number;
  attempts: number;
  resolve: (result: JobResult) => void;
  reject: (error: Error) => void;
}

interface WorkerSlot {
  index: number;
  worker: Worker;
  ready: boolean;
  inFlight: { id: number; jobs: PendingJob[]; sentAt: number } | null;
  lastError: string | null;
  onReady: () => void;
  onStartFailed: (error: Error) => void;
}

const spawnDefault = (init: WorkerInit): Worker => new Worker(new URL("./worker.ts", import.meta.url), { workerData: init });

/**
 * Verifies on worker threads. Calls become jobs that wait in one queue (priority work at
 * its head, batchable work first buffered for up to `bufferWaitMs`); each idle worker
 * takes a share of the queue, at most `MAX_SETS_PER_REQUEST` sets packed in one
 * transferred buffer, and verifies all the distinct-message sets it got in adaptive
 * random-linear-combination batches.
 */
export class BlsWorkerPool implements BlsVerifier {
  private readonly init: WorkerInit;
  private readonly jobSize: number;
  private readonly bufferWaitMs: number;
  private readonly maxQueuedSets: number;
  private readonly logger: Logger;
  private readonly metrics: BlsMetrics | null;
  private readonly spawnWorker: (init: WorkerInit) => Worker;

  private readonly slots: (WorkerSlot | null)[] = [];
  private readonly started: Promise<void>;
  private queue: PendingJob[] = [];
  private queuedSets = 0;
  private buffered: PendingJob[] = [];
  private bufferedSets = 0;
  private bufferTimer: NodeJS.Timeout | null = null;
  private nextRequestId = 0;
  private closed = false;
  private noWorkers: BlsVerifierError | null = null;

  constructor(opts: BlsWorkerPoolOpts, deps: BlsWorkerPoolDeps) {
    const poolSize = opts.poolSize ?? availableParallelism();
    this.jobSize = opts.jobSize ?? DEFAULT_JOB_SIZE;
    this.bufferWaitMs = opts.bufferWaitMs ?? DEFAULT_BUFFER_WAIT_MS;
    this.maxQueuedSets = opts.maxQueuedSets ?? MAX_QUEUED_SETS_PER_WORKER * poolSize;
    this.init = {
      backend: opts.backend,
      maxBatchSize: opts.maxBatchSize ?? MAX_BATCH_SIZE,
      publicKeyCacheSize: opts.publicKeyCacheSize ?? DEFAULT_PUBLIC_KEY_CACHE_SIZE,
    };
    this.logger = deps.logger;
    this.metrics = deps.metrics;
    this.spawnWorker = deps.spawnWorker ?? spawnDefault;

    const starts: Promise<void>[] = [];
    for (let i = 0; i < poolSize; i++) starts.push(this.startWorker(i));
    this.started = Promise.all(starts).then(() => undefined);
    // Observed through ready(); a start failure is also logged and fails queued jobs.
    this.started.catch(() => {});
  }

  /** Resolves when every worker has loaded its backend; rejects if one cannot start. */
  ready(): Promise<void> {
    return this.started;
  }

  async verifySignatureSets(sets: readonly SignatureSet[], opts: VerifyOpts = {}): Promise<boolean[]> {
    return (await this.submit(distinctJobs(sets, this.jobSize), opts)).flatMap((r) => r.valid);
  }

  async verifySignatureSetsUncompressed(sets: readonly SignatureSet[], opts: VerifyOpts = {}): Promise<(Uint8Array | null)[]> {
    return (await this.submit(distinctJobs(sets, this.jobSize, true), opts)).flatMap((r) => r.uncompressed ?? []);
  }

  async verifySameMessage(sets: readonly SameMessageSet[], message: Uint8Array, opts: VerifyOpts = {}): Promise<boolean[]> {
    return (await this.submit(sameMessageJobs(sets, message, MAX_SETS_PER_REQUEST), opts)).flatMap((r) => r.valid);
  }

  async verifyAggregate(parts: readonly AggregatePart[], signature: Uint8Array, opts: VerifyOpts = {}): Promise<boolean> {
    if (parts.length === 0) return false;
    const [result] = await this.submit([aggregateJob(parts, signature)], opts);
    return result.valid[0];
  }

  canAcceptWork(): boolean {
    return !this.closed && this.noWorkers === null && this.queuedSets + this.bufferedSets < this.maxQueuedSets;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.bufferTimer !== null) clearTimeout(this.bufferTimer);
    this.bufferTimer = null;
    const error = new BlsVerifierError({ code: "BLS_VERIFIER_CLOSED" });
    const pending = [...this.buffered, ...this.queue];
    for (const slot of this.slots) if (slot?.inFlight) pending.push(...slot.inFlight.jobs);
    this.buffered = [];
    this.queue = [];
    this.bufferedSets = this.queuedSets = 0;
    for (const job of pending) job.reject(error);
    this.metrics?.queueLength.set(0);
    await Promise.all(this.slots.map((slot) => slot?.worker.terminate()));
  }

  private async submit(jobs: VerifyJob[], opts: VerifyOpts): Promise<JobResult[]> {
    if (this.closed) throw new BlsVerifierError({ code: "BLS_VERIFIER_CLOSED" });
    if (this.noWorkers !== null) throw this.noWorkers;
    if (jobs.length === 0) return [];

    const pending: PendingJob[] = [];
    const promises = jobs.map(
      (job) =>
        new Promise<JobResult>((resolve, reject) => {
          pending.push({ job, setCount: job.sets.length, priority: opts.priority === true, enqueuedAt: performance.now(), attempts: 0, resolve, reject });
        }),
    );

    if (opts.batchable) {
      this.buffered.push(...pending);
      for (const job of pending) this.bufferedSets += job.setCount;
      if (this.bufferedSets >= this.jobSize) this.flushBuffer();
      else this.bufferTimer ??= setTimeout(() => this.flushBuffer(), this.bufferWaitMs);
    } else {
      this.enqueue(pending);
    }
    this.metrics?.queueLength.set(this.queue.length + this.buffered.length);
    this.dispatch();

    return Promise.all(promises);
  }

  private enqueue(jobs: PendingJob[]): void {
    for (const job of jobs) this.queuedSets += job.setCount;
    for (const job of jobs) if (!job.priority) this.queue.push(job);
    this.queue.unshift(...jobs.filter((j) => j.priority));
  }

  private flushBuffer(): void {
    if (this.bufferTimer !== null) clearTimeout(this.bufferTimer);
    this.bufferTimer = null;
    const jobs = this.buffered;
    this.buffered = [];
    this.bufferedSets = 0;
    this.enqueue(jobs);
    this.dispatch();
  }

  /**
   * Hands queued work to idle workers. Each takes an equal share of the queue among all
   * live workers, between one job and `MAX_SETS_PER_REQUEST` sets, so that the last
   * messages of a burst are small and all workers finish it together.
   */
  private dispatch(): void {
    if (this.closed) return;
    const live = this.slots.filter((s): s is WorkerSlot => s !== null && s.ready);
    const idle = live.filter((s) => s.inFlight === null);
    for (let i = 0; i < idle.length && this.queue.length > 0; i++) {
      const share = Math.ceil(this.queuedSets / live.length);
      const target = Math.min(MAX_SETS_PER_REQUEST, Math.max(this.jobSize, share));
      const jobs: PendingJob[] = [];
      let sets = 0;
      while (this.queue.length > 0 && (jobs.length === 0 || sets + this.queue[0].setCount <= target)) {
        const job = this.queue.shift() as PendingJob;
        jobs.push(job);
        sets += job.setCount;
      }
      this.queuedSets -= sets;
      this.send(idle[i], jobs, sets);
    }
    this.metrics?.queueLength.set(this.queue.length + this.buffered.length);
  }

  private send(slot: WorkerSlot, jobs: PendingJob[], sets: number): void {
    const start = performance.now();
    const id = this.nextRequestId++;
    const buffer = encodeJobs(jobs.map((j) => j.job));
    const sentAt = epochMs();
    slot.inFlight = { id, jobs, sentAt };
    for (const job of jobs) job.attempts++;
    slot.worker.postMessage({ type: "work", id, jobs: buffer, sentAt } satisfies WorkRequest, [buffer]);
    const m = this.metrics;
    if (m) {
      m.jobsStarted.inc(jobs.length);
      m.setsStarted.inc(sets);
      for (const job of jobs) m.queueWaitSeconds.observe((start - job.enqueuedAt) / 1000);
      m.mainThreadSeconds.observe((performance.now() - start) / 1000);
    }
  }

  private startWorker(index: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const worker = this.spawnWorker(this.init);
      const slot: WorkerSlot = { index, worker, ready: false, inFlight: null, lastError: null, onReady: resolve, onStartFailed: reject };
      this.slots[index] = slot;
      worker.on("message", (message: WorkerMessage) => this.onMessage(slot, message));
      worker.on("error", (error) => {
        slot.lastError = error.message;
        this.logger.error("BLS worker failed", { worker: index }, error);
      });
      worker.on("exit", (code) => this.onExit(slot, code));
    });
  }

  private onMessage(slot: WorkerSlot, message: WorkerMessage): void {
    if (message.type === "ready") {
      slot.ready = true;
      slot.onReady();
      this.dispatch();
      return;
    }
    const inFlight = slot.inFlight;
    if (inFlight === null || inFlight.id !== message.id) return;
    const start = performance.now();
    slot.inFlight = null;
    const results = decodeResults(
      message.results,
      inFlight.jobs.map((j) => ({ setCount: resultCount(j.job), uncompressed: wantsUncompressed(j.job) })),
    );
    let offset = 0;
    let invalid = 0;
    inFlight.jobs.forEach((job, j) => {
      offset += job.setCount;
      invalid += results[j].valid.filter((ok) => !ok).length;
      job.resolve(results[j]);
    });
    const m = this.metrics;
    if (m) {
      m.latencyToWorkerSeconds.observe(Math.max(0, message.startedAt - inFlight.sentAt) / 1000);
      m.latencyFromWorkerSeconds.observe(Math.max(0, epochMs() - message.finishedAt) / 1000);
      if (offset > 0) m.workerTimePerSetSeconds.observe((message.finishedAt - message.startedAt) / 1000 / offset);
      for (const size of message.batchSizes) m.batchSize.observe(size);
      m.batchRetries.inc(message.retries);
      m.invalidSets.inc(invalid);
      m.mainThreadSeconds.observe((performance.now() - start) / 1000);
    }
    this.dispatch();
  }

  private onExit(slot: WorkerSlot, code: number): void {
    if (this.slots[slot.index] !== slot) return;
    if (this.closed) {
      if (!slot.ready) slot.onStartFailed(new BlsVerifierError({ code: "BLS_VERIFIER_CLOSED" }));
      return;
    }

    const lost = slot.inFlight?.jobs ?? [];
    slot.inFlight = null;
    const retry: PendingJob[] = [];
    for (const job of lost) {
      if (job.attempts >= MAX_JOB_ATTEMPTS) job.reject(new BlsVerifierError({ code: "BLS_WORKER_CRASHED", attempts: job.attempts }));
      else retry.push(job);
    }
    // Back to the head of the queue, in their order: they have waited longest.
    for (const job of retry) this.queuedSets += job.setCount;
    this.queue.unshift(...retry);

    if (!slot.ready) {
      // A worker that cannot load its backend will not load it on a second try either.
      const reason = slot.lastError ?? `exit code ${code}`;
      this.logger.error("BLS worker could not start", { worker: slot.index, reason });
      this.slots[slot.index] = null;
      const error = new BlsVerifierError({ code: "BLS_NO_WORKERS", reason });
      slot.onStartFailed(error);
      if (this.slots.every((s) => s === null)) this.failAll(error);
    } else {
      this.logger.warn("BLS worker died, replacing it", { worker: slot.index, code, jobsRetried: retry.length, jobsFailed: lost.length - retry.length });
      this.metrics?.workerRestarts.inc();
      this.startWorker(slot.index).catch(() => {});
    }
    this.dispatch();
  }

  private failAll(error: BlsVerifierError): void {
    this.noWorkers = error;
    if (this.bufferTimer !== null) clearTimeout(this.bufferTimer);
    this.bufferTimer = null;
    for (const job of [...this.buffered, ...this.queue]) job.reject(error);
    this.buffered = [];
    this.queue = [];
    this.bufferedSets = this.queuedSets = 0;
    this.metrics?.queueLength.set(0);
  }
}
