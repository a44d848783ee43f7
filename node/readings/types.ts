import type { pog } from "../../runtime/api.ts";

/**
 * Why the node refused a reading before it reached a block: the runtime's own reason (a block on
 * the best state would not credit it: `ReadingRejection`, recorded as `pog.ReadingRejected` when
 * a block carries one), or one only the pool knows. `Duplicate` is both: credited already, or
 * pooled (or being verified) already.
 */
export type ReadingPoolRejection = pog.ReadingRejection | "Malformed" | "BadSignature" | "PoolFull" | "Busy";

export type ReadingSubmission = { accepted: true } | { accepted: false; reason: ReadingPoolRejection };

/**
 * The pool's port to the runtime (as `TxValidator` is the transaction pool's): the runtime's
 * verdict on each reading against the best state, at the slot the next block may have.
 */
export interface ReadingValidator {
  validate(readings: readonly pog.Reading[]): pog.ReadingValidity[];
}

/** A reading whose signature the node has verified, waiting for a block. */
export interface PooledReading {
  reading: pog.Reading;
  encoded: Uint8Array;
  signature: Uint8Array;
  /** The same signature uncompressed (192 bytes) as the verifier decompressed it: what blocks aggregate. */
  uncompressedSignature: Uint8Array;
  /** The device key the signature was verified with (a rotation invalidates the check). */
  publicKey: Uint8Array;
}

export function readingKey(deviceId: number, interval: number): string {
  return `${deviceId}:${interval}`;
}
