import type { Reading } from "../../runtime/modules/pog/types.ts";

/** Why the node refused a reading before it reached a block (the runtime has its own reasons too). */
export type ReadingPoolRejection =
  | "Malformed"
  | "UnknownDevice"
  | "DeviceNotActive"
  | "FutureInterval"
  | "IntervalTooOld"
  | "Duplicate"
  | "BadSignature"
  | "PoolFull"
  | "Busy";

export type ReadingSubmission = { accepted: true } | { accepted: false; reason: ReadingPoolRejection };

/** A reading whose signature the node has verified, waiting for a block. */
export interface PooledReading {
  reading: Reading;
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
