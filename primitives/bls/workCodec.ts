/**
 * Jobs packed into one ArrayBuffer for the trip to a worker. Structured cloning of
 * hundreds of small Uint8Arrays costs more than verifying them is worth; one buffer is
 * transferred without a copy and decoded into views of itself. Every byte field carries
 * its own length, so truncated or oversized keys and signatures arrive exactly as the
 * caller gave them and are judged by the worker.
 *
 * Layout (little-endian): u32 jobCount, then per job: u8 kind (0 distinct, 1 same message,
 * 2 distinct answering uncompressed signatures, 3 aggregate); for a same-message job the
 * message, for an aggregate its signature; u32 setCount; per set: distinct: u8 keyForm (0 one
 * key, 1 list) [u32 keyCount], keys, message, signature; same: key, signature; aggregate: key,
 * message. A byte field is u32 length + bytes.
 */
import { SIGNATURE_UNCOMPRESSED_LENGTH } from "./encoding.ts";
import type { SignatureSet } from "./interface.ts";
import type { JobResult, VerifyJob } from "./verifyJobs.ts";

const KIND_DISTINCT = 0;
const KIND_SAME = 1;
const KIND_DISTINCT_UNCOMPRESSED = 2;
const KIND_AGGREGATE = 3;
const KEY_SINGLE = 0;
const KEY_LIST = 1;

function fieldSize(bytes: Uint8Array): number {
  return 4 + bytes.length;
}

function keysSize(publicKey: SignatureSet["publicKey"]): number {
  if (publicKey instanceof Uint8Array) return 1 + fieldSize(publicKey);
  let size = 1 + 4;
  for (const key of publicKey) size += fieldSize(key);
  return size;
}

function encodedSize(jobs: readonly VerifyJob[]): number {
  let size = 4;
  for (const job of jobs) {
    size += 1 + 4;
    if (job.kind === "distinct") {
      for (const set of job.sets) size += keysSize(set.publicKey) + fieldSize(set.message) + fieldSize(set.signature);
    } else if (job.kind === "aggregate") {
      size += fieldSize(job.signature);
      for (const set of job.sets) size += fieldSize(set.publicKey) + fieldSize(set.message);
    } else {
      size += fieldSize(job.message);
      for (const set of job.sets) size += fieldSize(set.publicKey) + fieldSize(set.signature);
    }
  }
  return size;
}

export function encodeJobs(jobs: readonly VerifyJob[]): ArrayBuffer {
  const buffer = new ArrayBuffer(encodedSize(jobs));
  const view = new DataView(buffer);
  const bytes = new Uint8Array(buffer);
  let offset = 0;
  const u8 = (value: number): void => {
    view.setUint8(offset, value);
    offset += 1;
  };
  const u32 = (value: number): void => {
    view.setUint32(offset, value, true);
    offset += 4;
  };
  const field = (data: Uint8Array): void => {
    u32(data.length);
    bytes.set(data, offset);
    offset += data.length;
  };

  u32(jobs.length);
  for (const job of jobs) {
    if (job.kind === "distinct") {
      u8(job.uncompressed === true ? KIND_DISTINCT_UNCOMPRESSED : KIND_DISTINCT);
      u32(job.sets.length);
      for (const set of job.sets) {
        if (set.publicKey instanceof Uint8Array) {
          u8(KEY_SINGLE);
          field(set.publicKey);
        } else {
          u8(KEY_LIST);
          u32(set.publicKey.length);
          for (const key of set.publicKey) field(key);
        }
        field(set.message);
        field(set.signature);
      }
    } else if (job.kind === "aggregate") {
      u8(KIND_AGGREGATE);
      field(job.signature);
      u32(job.sets.length);
      for (const set of job.sets) {
        field(set.publicKey);
        field(set.message);
      }
    } else {
      u8(KIND_SAME);
      field(job.message);
      u32(job.sets.length);
      for (const set of job.sets) {
        field(set.publicKey);
        field(set.signature);
      }
    }
  }
  return buffer;
}

/** Decodes `encodeJobs` output; the byte fields are views into `buffer`. */
export function decodeJobs(buffer: ArrayBuffer): VerifyJob[] {
  const view = new DataView(buffer);
  let offset = 0;
  const u8 = (): number => view.getUint8(offset++);
  const u32 = (): number => {
    const value = view.getUint32(offset, true);
    offset += 4;
    return value;
  };
  const field = (): Uint8Array => {
    const length = u32();
    const out = new Uint8Array(buffer, offset, length);
    offset += length;
    return out;
  };

  const jobs: VerifyJob[] = [];
  const jobCount = u32();
  for (let j = 0; j < jobCount; j++) {
    const kind = u8();
    if (kind === KIND_AGGREGATE) {
      const signature = field();
      const count = u32();
      const sets = [];
      for (let i = 0; i < count; i++) sets.push({ publicKey: field(), message: field() });
      jobs.push({ kind: "aggregate", signature, sets });
    } else if (kind !== KIND_SAME) {
      const sets: SignatureSet[] = [];
      const count = u32();
      for (let i = 0; i < count; i++) {
        let publicKey: SignatureSet["publicKey"];
        if (u8() === KEY_SINGLE) {
          publicKey = field();
        } else {
          const keyCount = u32();
          const keys: Uint8Array[] = [];
          for (let k = 0; k < keyCount; k++) keys.push(field());
          publicKey = keys;
        }
        sets.push({ publicKey, message: field(), signature: field() });
      }
      jobs.push({ kind: "distinct", sets, uncompressed: kind === KIND_DISTINCT_UNCOMPRESSED });
    } else {
      const message = field();
      const count = u32();
      const sets = [];
      for (let i = 0; i < count; i++) sets.push({ publicKey: field(), signature: field() });
      jobs.push({ kind: "same", message, sets });
    }
  }
  return jobs;
}

/**
 * The answer to one message: `valid`, one byte per set of every job in order (1 valid);
 * `uncompressed`, the uncompressed signatures of the valid sets of the jobs that asked for them,
 * in the same order, 192 bytes each.
 */
export interface EncodedResults {
  valid: Uint8Array<ArrayBuffer>;
  uncompressed: Uint8Array<ArrayBuffer>;
}

export function encodeResults(results: readonly JobResult[]): EncodedResults {
  const valid = new Uint8Array(results.reduce((n, r) => n + r.valid.length, 0));
  const signatures: Uint8Array[] = [];
  let i = 0;
  for (const job of results) {
    job.valid.forEach((ok, index) => {
      valid[i++] = ok ? 1 : 0;
      if (!ok || job.uncompressed === null) return;
      const signature = job.uncompressed[index];
      // The decoder pairs signatures with valid sets by position: one missing would shift the rest.
      if (signature?.length !== SIGNATURE_UNCOMPRESSED_LENGTH) throw new Error(`valid set ${index} has no ${SIGNATURE_UNCOMPRESSED_LENGTH}-byte uncompressed signature`);
      signatures.push(signature);
    });
  }
  const uncompressed = new Uint8Array(signatures.length * SIGNATURE_UNCOMPRESSED_LENGTH);
  signatures.forEach((signature, k) => uncompressed.set(signature, k * SIGNATURE_UNCOMPRESSED_LENGTH));
  return { valid, uncompressed };
}

/** Splits `encodeResults` output back into one result per job sent (its `resultCount`, whether it asked for uncompressed signatures). */
export function decodeResults(encoded: EncodedResults, jobs: readonly { setCount: number; uncompressed: boolean }[]): JobResult[] {
  let offset = 0;
  let signatureOffset = 0;
  return jobs.map(({ setCount, uncompressed }) => {
    const valid = new Array<boolean>(setCount);
    const signatures = uncompressed ? new Array<Uint8Array | null>(setCount).fill(null) : null;
    for (let i = 0; i < setCount; i++) {
      valid[i] = encoded.valid[offset + i] === 1;
      if (valid[i] && signatures !== null) {
        // A copy, not a view: a view would keep the whole message's buffer alive for as long as
        // any one of its readings waits in the pool.
        signatures[i] = encoded.uncompressed.slice(signatureOffset, signatureOffset + SIGNATURE_UNCOMPRESSED_LENGTH);
        signatureOffset += SIGNATURE_UNCOMPRESSED_LENGTH;
      }
    }
    offset += setCount;
    return { valid, uncompressed: signatures };
  });
}
