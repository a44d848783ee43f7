import type { IBlsVerifier, SignatureSet } from "../../primitives/bls/index.ts";
import { bytesEqual } from "../../primitives/bytes.ts";
import type { Logger } from "../../primitives/logger.ts";
import { devices, pog } from "../../runtime/api.ts";
import type { Chain } from "../chain/chain.ts";
import type { ReadingsPoolMetrics } from "./metrics.ts";
import { readingKey, type PooledReading, type ReadingPoolRejection, type ReadingSubmission, type ReadingValidator } from "./types.ts";

export interface ReadingsPoolOpts {
  /**
   * Verified readings held for inclusion. At the 2,500 readings/s target and one block every
   * 6 s, a block takes ~15,000; 100,000 covers several missed slots without unbounded memory
   * (a pooled reading is ~250 bytes).
   */
  maxSize: number;
}

export const defaultReadingsPoolOpts: ReadingsPoolOpts = { maxSize: 100_000 };

export interface ReadingsPoolDeps {
  genesisHash: Uint8Array;
  /** The runtime's rules (RuntimeReadingValidator): the pool holds only what a block would credit. */
  validator: ReadingValidator;
  verifier: IBlsVerifier;
  logger: Logger;
  metrics: ReadingsPoolMetrics | null;
}

interface Candidate {
  index: number;
  signed: pog.SignedReading;
  key: string;
  publicKey: Uint8Array;
}

/**
 * Readings submitted by miners, judged by the runtime against the best state (the rules a block
 * credits them by: device active, interval window, not yet credited, meter, capacity) and refused
 * when pooled already, then signature-verified through the BLS core in batches, and held — one
 * per (device, interval) — until a block includes them (docs/readings.md). Every new best block
 * judges the pool again: what the runtime would no longer credit leaves it.
 */
export class ReadingsPool {
  private readonly opts: ReadingsPoolOpts;
  private readonly deps: ReadingsPoolDeps;
  /** Insertion-ordered: the proposer takes the oldest first. */
  private readonly readings = new Map<string, PooledReading>();
  /** Keys whose signature is being verified, so a concurrent duplicate is refused. */
  private readonly verifying = new Set<string>();
  private readonly acceptedListeners: Array<(readings: pog.SignedReading[]) => void> = [];
  /** Best blocks seen: a submission whose verification spanned one is judged again against the new state. */
  private bestBlocks = 0;

  constructor(opts: Partial<ReadingsPoolOpts>, deps: ReadingsPoolDeps) {
    this.opts = { ...defaultReadingsPoolOpts, ...opts };
    this.deps = deps;
  }

  get size(): number {
    return this.readings.size;
  }

  /** Called with the readings a local submission (RPC) added, so the network can gossip them. */
  onAccepted(listener: (readings: pog.SignedReading[]) => void): void {
    this.acceptedListeners.push(listener);
  }

  /**
   * Checks and verifies a batch of submissions; answers one result per reading, in order.
   * Readings that arrived by gossip are not announced again (gossipsub forwards them itself).
   */
  async submit(batch: readonly pog.SignedReading[], opts: { origin?: "local" | "gossip" } = {}): Promise<ReadingSubmission[]> {
    const results: ReadingSubmission[] = batch.map(() => ({ accepted: true }));
    const reject = (i: number, reason: ReadingPoolRejection): void => {
      results[i] = { accepted: false, reason };
      this.deps.metrics?.rejected(reason);
    };
    if (!this.deps.verifier.canAcceptWork()) {
      batch.forEach((_r, i) => reject(i, "Busy"));
      return results;
    }
    const wellFormed: number[] = [];
    batch.forEach((signed, index) => {
      if (!signed.reading || signed.signature.length !== 96) reject(index, "Malformed");
      else wellFormed.push(index);
    });
    const bestBlocks = this.bestBlocks;
    const verdicts = this.deps.validator.validate(wellFormed.map((i) => batch[i].reading));
    const candidates: Candidate[] = [];
    wellFormed.forEach((index, i) => {
      const verdict = verdicts[i];
      if (!verdict.ok) return reject(index, verdict.reason);
      const signed = batch[index];
      const key = readingKey(signed.reading.deviceId, signed.reading.interval);
      if (this.readings.has(key) || this.verifying.has(key)) return reject(index, "Duplicate");
      // Claimed at once, so a second reading for the same slot later in this batch is a Duplicate.
      this.verifying.add(key);
      candidates.push({ index, signed, key, publicKey: verdict.publicKey });
    });
    try {
      const { genesisHash } = this.deps;
      const sets: SignatureSet[] = candidates.map((c) => ({ publicKey: c.publicKey, message: pog.readingSigningRoot(genesisHash, c.signed.reading), signature: c.signed.signature }));
      const verified = sets.length > 0 ? await this.deps.verifier.verifySignatureSetsUncompressed(sets, { batchable: true }) : [];
      // A new best block while the signatures were verified: judged again against its state, as the pool was.
      const again = this.bestBlocks !== bestBlocks && candidates.length > 0 ? this.deps.validator.validate(candidates.map((c) => c.signed.reading)) : null;
      const accepted: pog.SignedReading[] = [];
      candidates.forEach((c, i) => {
        const uncompressedSignature = verified[i];
        if (!uncompressedSignature) return reject(c.index, "BadSignature");
        const verdict = again?.[i];
        if (verdict && !verdict.ok) return reject(c.index, verdict.reason);
        // The device's key rotated meanwhile: the signature was checked against the old one.
        if (verdict && !bytesEqual(verdict.publicKey, c.publicKey)) return reject(c.index, "BadSignature");
        if (this.readings.size >= this.opts.maxSize) return reject(c.index, "PoolFull");
        this.readings.set(c.key, { reading: c.signed.reading, encoded: pog.readingCodec.encode(c.signed.reading), signature: c.signed.signature, uncompressedSignature, publicKey: c.publicKey });
        accepted.push(c.signed);
      });
      this.deps.metrics?.accepted(accepted.length);
      if (opts.origin !== "gossip" && accepted.length > 0) for (const listener of this.acceptedListeners) listener(accepted);
    } finally {
      for (const c of candidates) this.verifying.delete(c.key);
    }
    this.deps.metrics?.setSize(this.readings.size);
    return results;
  }

  /**
   * Up to `max` readings for a block, oldest first: those of intervals that ended before the
   * block's own time (`beforeInterval`; the runtime refuses later ones) whose device still has the
   * key they were verified with (a rotated key would make the block's aggregate invalid).
   */
  take(max: number, beforeInterval: number, state: ReturnType<Chain["stateAt"]>): PooledReading[] {
    const out: PooledReading[] = [];
    for (const r of this.readings.values()) {
      if (out.length >= max) break;
      if (r.reading.interval >= beforeInterval) continue;
      const device = devices.device(state, r.reading.deviceId);
      if (!device || Buffer.compare(device.blsKey, r.publicKey) !== 0) continue;
      out.push(r);
    }
    return out;
  }

  pending(): PooledReading[] {
    return [...this.readings.values()];
  }

  /** The verified signature (uncompressed) of an encoded reading the pool holds, with the key it was verified against. */
  signatureOf(deviceId: number, interval: number, encoded: Uint8Array): { signature: Uint8Array; publicKey: Uint8Array } | undefined {
    const pooled = this.readings.get(readingKey(deviceId, interval));
    return pooled && Buffer.compare(pooled.encoded, encoded) === 0 ? { signature: pooled.uncompressedSignature, publicKey: pooled.publicKey } : undefined;
  }

  /** The compressed signature the pool verified for an encoded reading it holds (kept by node/readings/signatureStore.ts when a block credits it). */
  compressedSignatureOf(deviceId: number, interval: number, encoded: Uint8Array): Uint8Array | undefined {
    const pooled = this.readings.get(readingKey(deviceId, interval));
    return pooled && Buffer.compare(pooled.encoded, encoded) === 0 ? pooled.signature : undefined;
  }

  /**
   * After a new best block (which carried `included` readings): judges every pooled reading again
   * against its state, and drops those the runtime would no longer credit — the ones it credited
   * (Duplicate), those past the window, those its meter moved past — and those whose device key
   * changed since their signature was verified.
   */
  onBestBlock(included: number): void {
    this.bestBlocks++;
    this.deps.metrics?.included(included);
    const pooled = [...this.readings.values()];
    const verdicts = this.deps.validator.validate(pooled.map((p) => p.reading));
    pooled.forEach((p, i) => {
      const verdict = verdicts[i];
      if (!verdict.ok || !bytesEqual(verdict.publicKey, p.publicKey)) this.readings.delete(readingKey(p.reading.deviceId, p.reading.interval));
    });
    this.deps.metrics?.setSize(this.readings.size);
  }
}
