import type { BlsBackend } from "./backend.ts";
import { isCompressedPointEncoding, PUBLIC_KEY_LENGTH } from "./encoding.ts";

/**
 * Validated public keys by their bytes, least recently used evicted first. Deserialising a
 * key with its subgroup check costs ~80 µs with blst, a sixth of what verifying its
 * signature in a batch costs; device and validator keys recur every interval and every
 * round, so in steady state almost every lookup is a hit (~1 µs). Invalid keys are not
 * cached: they would let a peer evict good keys for free.
 */
export class PublicKeyCache<PK> {
  private readonly maxSize: number;
  private readonly backend: BlsBackend<PK, unknown>;
  private readonly keys = new Map<string, PK>();

  constructor(opts: { maxSize: number }, deps: { backend: BlsBackend<PK, unknown> }) {
    this.maxSize = opts.maxSize;
    this.backend = deps.backend;
  }

  get size(): number {
    return this.keys.size;
  }

  /** The validated key, or null when the bytes are not a valid public key. */
  get(bytes: Uint8Array): PK | null {
    if (!isCompressedPointEncoding(bytes, PUBLIC_KEY_LENGTH)) return null;
    if (this.maxSize === 0) return this.backend.publicKeyFromBytes(bytes);
    const id = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
    const hit = this.keys.get(id);
    if (hit !== undefined) {
      // Re-insert: Map iteration order is insertion order, so the first key is the oldest.
      this.keys.delete(id);
      this.keys.set(id, hit);
      return hit;
    }
    const key = this.backend.publicKeyFromBytes(bytes);
    if (key === null) return null;
    if (this.keys.size >= this.maxSize) this.keys.delete(this.keys.keys().next().value as string);
    this.keys.set(id, key);
    return key;
  }
}
