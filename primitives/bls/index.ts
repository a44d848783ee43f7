/**
 * The BLS batch signature verification core (docs/verification-core.md).
 * Everything else in the node reaches it through `IBlsVerifier` and `createBlsVerifier`.
 */
import type { Logger } from "../logger.ts";
import type { BlsVerifier } from "./interface.ts";
import { loadBlsBackend, type BlsBackendChoice, type LoadBlsBackendDeps } from "./loadBackend.ts";
import type { BlsMetrics } from "./metrics.ts";
import { BlsWorkerPool, type BlsWorkerPoolOpts } from "./pool.ts";
import { BlsSingleThreadVerifier } from "./singleThread.ts";

export type { AggregatePart, BlsVerifier, IBlsAggregateVerifier, IBlsVerifier, SameMessageSet, SignatureSet, VerifyOpts } from "./interface.ts";
export type { BlsBackendName } from "./backend.ts";
export type { BlsBackendChoice } from "./loadBackend.ts";
export type { BlsMetrics } from "./metrics.ts";
export { createBlsMetrics } from "./metrics.ts";
export { BlsVerifierError, type BlsVerifierErrorType } from "./errors.ts";
export { BLS_DST, PUBLIC_KEY_LENGTH, SIGNATURE_LENGTH } from "./encoding.ts";
export { BlsWorkerPool } from "./pool.ts";
export { BlsSingleThreadVerifier } from "./singleThread.ts";

export interface CreateBlsVerifierOpts extends Omit<BlsWorkerPoolOpts, "backend"> {
  /** "pool" (default): worker threads; "single-thread": verify on the calling thread. */
  mode?: "pool" | "single-thread";
  /** Default "auto": native blst, or the WASM fallback with a warning when it cannot load. */
  backend?: BlsBackendChoice;
}

export interface CreateBlsVerifierDeps extends Pick<LoadBlsBackendDeps, "importNative" | "importWasm"> {
  logger: Logger;
  metrics: BlsMetrics | null;
}

/** Picks the backend, starts the verifier, and resolves once it can verify. */
export async function createBlsVerifier(opts: CreateBlsVerifierOpts, deps: CreateBlsVerifierDeps): Promise<BlsVerifier> {
  const backend = await loadBlsBackend(opts.backend ?? "auto", deps);
  if (opts.mode === "single-thread") {
    deps.logger.info("BLS verifier ready", { backend: backend.name, mode: "single-thread" });
    return new BlsSingleThreadVerifier(opts, { backend, metrics: deps.metrics });
  }
  const pool = new BlsWorkerPool({ ...opts, backend: backend.name }, { logger: deps.logger, metrics: deps.metrics });
  try {
    await pool.ready();
  } catch (error) {
    await pool.close();
    throw error;
  }
  deps.logger.info("BLS verifier ready", { backend: backend.name, mode: "pool", workers: opts.poolSize ?? "all cores" });
  return pool;
}
