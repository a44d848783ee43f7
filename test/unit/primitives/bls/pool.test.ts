import assert from "node:assert/strict";
import { Worker } from "node:worker_threads";
import { Registry } from "prom-client";
import { BlsVerifierError, BlsWorkerPool, createBlsMetrics } from "../../../../primitives/bls/index.ts";
import type { WorkerInit } from "../../../../primitives/bls/protocol.ts";
import { nullLogger } from "../../../../primitives/logger.ts";
import { message, validSets } from "./fixtures.ts";

const WORKER_URL = new URL("../../../../primitives/bls/worker.ts", import.meta.url);

/** A pool of real workers whose Worker objects the test can reach. */
function poolWithWorkers(opts: Partial<ConstructorParameters<typeof BlsWorkerPool>[0]> = {}, metrics = null as ReturnType<typeof createBlsMetrics> | null) {
  const spawned: Worker[] = [];
  const pool = new BlsWorkerPool(
    { backend: "blst-native", poolSize: 2, ...opts },
    {
      logger: nullLogger(),
      metrics,
      spawnWorker: (init: WorkerInit) => {
        const worker = new Worker(WORKER_URL, { workerData: init });
        spawned.push(worker);
        return worker;
      },
    },
  );
  return { pool, spawned };
}

/** A pool whose workers come from `source` (CommonJS, evaluated). */
function poolOfScript(source: string, poolSize = 1): BlsWorkerPool {
  return new BlsWorkerPool(
    { backend: "blst-native", poolSize },
    { logger: nullLogger(), metrics: null, spawnWorker: () => new Worker(source, { eval: true }) },
  );
}

async function rejectsWithCode(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (error: unknown) => error instanceof BlsVerifierError && error.code === code);
}

describe("BLS worker pool", function () {
  it("replaces killed workers and retries their jobs, losing none", async function () {
    const { pool, spawned } = poolWithWorkers();
    try {
      await pool.ready();
      const sets = validSets(48);
      sets[30] = { ...sets[30], message: message(5_000) };
      const pending = pool.verifySignatureSets(sets);
      // The call was dispatched synchronously: both workers hold a share of it now.
      await Promise.all(spawned.slice(0, 2).map((w) => w.terminate()));
      const results = await pending;
      assert.deepEqual(results.flatMap((ok, i) => (ok ? [] : [i])), [30]);
      assert.ok(spawned.length >= 3, `expected replacement workers, ${spawned.length} spawned`);
      // And the replacements keep working.
      assert.deepEqual(await pool.verifySignatureSets(validSets(4, 100)), [true, true, true, true]);
    } finally {
      await pool.close();
    }
  });

  it("gives up on a job that kills every worker it is sent to", async function () {
    const pool = poolOfScript(`
      const { parentPort } = require("node:worker_threads");
      parentPort.postMessage({ type: "ready" });
      parentPort.on("message", () => { throw new Error("boom"); });
    `);
    try {
      await pool.ready();
      await rejectsWithCode(pool.verifySignatureSets(validSets(1)), "BLS_WORKER_CRASHED");
    } finally {
      await pool.close();
    }
  });

  it("fails readiness and every call when no worker can start", async function () {
    const pool = poolOfScript(`throw new Error("no backend here");`, 2);
    try {
      await rejectsWithCode(pool.ready(), "BLS_NO_WORKERS");
      await rejectsWithCode(pool.verifySignatureSets(validSets(1)), "BLS_NO_WORKERS");
      assert.equal(pool.canAcceptWork(), false);
    } finally {
      await pool.close();
    }
  });

  it("holds batchable work until a batch is full, then sends it at once", async function () {
    const { pool } = poolWithWorkers({ jobSize: 8, bufferWaitMs: 60_000 });
    try {
      await pool.ready();
      let done = 0;
      const first = pool.verifySignatureSets(validSets(5), { batchable: true }).then((r) => (done++, r));
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(done, 0, "5 of 8 sets must stay buffered");
      // Three more fill the batch: the buffer flushes without waiting for the 60 s timer.
      const second = pool.verifySignatureSets(validSets(3, 5), { batchable: true });
      assert.deepEqual([...(await first), ...(await second)], new Array(8).fill(true));
    } finally {
      await pool.close();
    }
  });

  it("flushes a partial buffer after bufferWaitMs", async function () {
    const { pool } = poolWithWorkers({ bufferWaitMs: 250 });
    try {
      await pool.ready();
      const start = performance.now();
      assert.deepEqual(await pool.verifySignatureSets(validSets(1), { batchable: true }), [true]);
      assert.ok(performance.now() - start >= 240, "batchable work waited for company");
      const urgentStart = performance.now();
      await pool.verifySignatureSets(validSets(1));
      assert.ok(performance.now() - urgentStart < 240, "urgent work is not buffered");
    } finally {
      await pool.close();
    }
  });

  it("runs priority work before work queued earlier", async function () {
    const { pool } = poolWithWorkers({ poolSize: 1 });
    try {
      await pool.ready();
      const order: string[] = [];
      const busy = pool.verifySignatureSets(validSets(32)).then(() => order.push("busy"));
      const normal = pool.verifySignatureSets(validSets(32, 32)).then(() => order.push("normal"));
      const urgent = pool.verifySignatureSets(validSets(1, 64), { priority: true }).then(() => order.push("priority"));
      await Promise.all([busy, normal, urgent]);
      assert.deepEqual(order, ["busy", "priority", "normal"]);
    } finally {
      await pool.close();
    }
  });

  it("stops accepting work when the queue is full and accepts again once it drains", async function () {
    const { pool } = poolWithWorkers({ poolSize: 1, maxQueuedSets: 40 });
    try {
      await pool.ready();
      assert.equal(pool.canAcceptWork(), true);
      const running = pool.verifySignatureSets(validSets(32)); // taken by the worker at once
      const queued = pool.verifySignatureSets(validSets(48, 32)); // waits in the queue
      assert.equal(pool.canAcceptWork(), false);
      await Promise.all([running, queued]);
      assert.equal(pool.canAcceptWork(), true);
    } finally {
      await pool.close();
    }
  });

  it("close() rejects buffered, queued and in-flight work and refuses new work", async function () {
    const { pool, spawned } = poolWithWorkers({ poolSize: 1 });
    await pool.ready();
    const inFlight = pool.verifySignatureSets(validSets(32));
    const queued = pool.verifySignatureSets(validSets(8, 32));
    const buffered = pool.verifySignatureSets(validSets(1, 40), { batchable: true });
    const rejections = [inFlight, queued, buffered].map((p) => rejectsWithCode(p, "BLS_VERIFIER_CLOSED"));
    await pool.close();
    await Promise.all(rejections);
    await rejectsWithCode(pool.verifySignatureSets(validSets(1)), "BLS_VERIFIER_CLOSED");
    assert.equal(pool.canAcceptWork(), false);
    assert.equal(spawned.length, 1, "no worker is restarted by close()");
    assert.equal(spawned[0].threadId, -1, "the worker has exited");
  });

  it("reports its work in arkreen_bls_* metrics", async function () {
    const registry = new Registry();
    const { pool } = poolWithWorkers({}, createBlsMetrics(registry));
    try {
      await pool.ready();
      const sets = validSets(40);
      sets[9] = { ...sets[9], message: message(6_000) };
      await pool.verifySignatureSets(sets);
      await pool.verifySameMessage([], message(1));
      // A counter's or gauge's value; a histogram's observation count.
      const value = async (name: string): Promise<number> => {
        const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
        assert.ok(metric, `${name} is registered`);
        const samples = metric.values as { value: number; metricName?: string }[];
        return (samples.find((v) => v.metricName === `${name}_count`) ?? samples[0]).value;
      };
      assert.equal(await value("arkreen_bls_sets_started_total"), 40);
      assert.equal(await value("arkreen_bls_invalid_sets_total"), 1);
      assert.ok((await value("arkreen_bls_batch_retries_total")) > 0);
      assert.ok((await value("arkreen_bls_jobs_started_total")) >= 2);
      assert.ok((await value("arkreen_bls_worker_time_per_set_seconds")) >= 1, "observed per message");
      assert.ok((await value("arkreen_bls_latency_to_worker_seconds")) >= 1);
      assert.equal(await value("arkreen_bls_queue_length"), 0);
    } finally {
      await pool.close();
    }
  });
});
