import { ArkreenError } from "../errors.ts";

export type BlsVerifierErrorType =
  | { code: "BLS_VERIFIER_CLOSED" }
  /** A job was in flight on a worker that died `attempts` times in a row. */
  | { code: "BLS_WORKER_CRASHED"; attempts: number }
  /** No worker could be started (or restarted); `reason` is the worker's own error. */
  | { code: "BLS_NO_WORKERS"; reason: string }
  | { code: "BLS_BACKEND_UNAVAILABLE"; backend: string; reason: string };

export class BlsVerifierError extends ArkreenError<BlsVerifierErrorType> {}
