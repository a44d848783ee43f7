/** Entry point of a pool worker: loads the backend the pool chose, then verifies what it is sent. */
import { parentPort, workerData } from "node:worker_threads";
import { nullLogger } from "../logger.ts";
import { AdaptiveBatchSize } from "./batchSize.ts";
import { MIN_BATCH_SIZE } from "./defaults.ts";
import { loadBlsBackend } from "./loadBackend.ts";
import { epochMs, type WorkerInit, type WorkerMessage, type WorkRequest } from "./protocol.ts";
import { PublicKeyCache } from "./publicKeyCache.ts";
import { decodeJobs, encodeResults } from "./workCodec.ts";
import { verifyJobs, type VerificationContext, type VerifyStats } from "./verifyJobs.ts";

if (parentPort === null) throw new Error("primitives/bls/worker.ts must run as a worker thread");
const port = parentPort;
const init = workerData as WorkerInit;

// The pool passes the backend it resolved, never "auto", so the choice is made (and logged) once.
const backend = await loadBlsBackend(init.backend, { logger: nullLogger() });
const ctx: VerificationContext<unknown, unknown> = {
  backend,
  publicKeys: new PublicKeyCache({ maxSize: init.publicKeyCacheSize }, { backend }),
  batchSize: new AdaptiveBatchSize({ min: MIN_BATCH_SIZE, max: init.maxBatchSize }),
};

port.on("message", (request: WorkRequest) => {
  const startedAt = epochMs();
  const stats: VerifyStats = { batchSizes: [], retries: 0 };
  const results = encodeResults(verifyJobs(ctx, decodeJobs(request.jobs), stats));
  const reply: WorkerMessage = {
    type: "done",
    id: request.id,
    results,
    batchSizes: stats.batchSizes,
    retries: stats.retries,
    startedAt,
    finishedAt: epochMs(),
  };
  port.postMessage(reply, [results.valid.buffer, results.uncompressed.buffer]);
});

port.postMessage({ type: "ready" } satisfies WorkerMessage);
