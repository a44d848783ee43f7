import type { IBlsVerifier, SignatureSet } from "../../primitives/bls/index.ts";
import type { Logger } from "../../primitives/logger.ts";
import { Devices } from "../../runtime/modules/devices/storage.ts";
import { DeviceStatus } from "../../runtime/modules/devices/types.ts";
import { Config as PogConfig, Generation } from "../../runtime/modules/pog/storage.ts";
import { readingCodec, readingSigningRoot, type SignedReading } from "../../runtime/modules/pog/types.ts";
import type { Chain } from "../chain/chain.ts";
import type { ReadingsPoolMetrics } from "./metrics.ts";
import { readingKey, type PooledReading, type ReadingPoolRejection, type ReadingSubmission } from "./types.ts";

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
  chain: Chain;
  verifier: IBlsVerifier;
  logger: Logger;
  metrics: ReadingsPoolMetrics | null;
  now(): number;
}

interface Candidate {
  index: number;
  signed: SignedReading;
  key: string;
  publicKey: Uint8Array;
}

/**
 * Readings submitted by miners, checked cheaply against the best state (device active, interval
 * window, not yet credited or pooled), then signature-verified through the BLS core in batches,
 * and held — one per (device, interval) — until a block includes them (DESIGN.md §4).
 */
export class ReadingsPool {
  private readonly opts: ReadingsPoolOpts;
  private readonly deps: ReadingsPoolDeps;
  /** Insertion-ordered: the proposer takes the oldest first. */
  private readonly readings = new Map<string, PooledReading>();
  /** Keys whose signature is being verified, so a concurrent duplicate is refused. */
  private readonly verifying = new Set<string>();
  private readonly acceptedListeners: Array<(readings: SignedReading[]) => void> = [];

  constructor(opts: Partial<ReadingsPoolOpts>, deps: ReadingsPoolDeps) {
    this.opts = { ...defaultReadingsPoolOpts, ...opts };
    this.deps = deps;
  }

  get size(): number {
    return this.readings.size;
  }

  /** Called with the readings a local submission (RPC) added, so the network can gossip them. */
  onAccepted(listener: (readings: SignedReading[]) => void): void {
    this.acceptedListeners.push(listener);
  }

  /**
   * Checks and verifies a batch of submissions; answers one result per reading, in order.
   * Readings that arrived by gossip are not announced again (gossipsub forwards them itself).
   */
  async submit(batch: readonly SignedReading[], opts: { origin?: "local" | "gossip" } = {}): Promise<ReadingSubmission[]> {
    const results: ReadingSubmission[] = batch.map(() => ({ accepted: true }));
    const reject = (i: number, reason: ReadingPoolRejection): void => {
      results[i] = { accepted: false, reason };
      this.deps.metrics?.rejected(reason);
    };
    if (!this.deps.verifier.canAcceptWork()) {
      batch.forEach((_r, i) => reject(i, "Busy"));
      return results;
    }
    const { chain } = this.deps;
    const state = chain.stateAt();
    const config = PogConfig.get(state);
    const now = Math.floor(this.deps.now() / 1000 / config.readingIntervalSecs);
    const candidates: Candidate[] = [];
    batch.forEach((signed, index) => {
      const reason = this.precheck(signed, state, config.acceptanceWindowIntervals, now);
      if (typeof reason === "string") return reject(index, reason);
      const key = readingKey(signed.reading.deviceId, signed.reading.interval);
      // Claimed at once, so a second reading for the same slot later in this batch is a Duplicate.
      this.verifying.add(key);
      candidates.push({ index, signed, key, publicKey: reason });
    });
    try {
      const sets: SignatureSet[] = candidates.map((c) => ({ publicKey: c.publicKey, message: readingSigningRoot(chain.genesisHash, c.signed.reading), signature: c.signed.signature }));
      const verified = sets.length > 0 ? await this.deps.verifier.verifySignatureSetsUncompressed(sets, { batchable: true }) : [];
      const accepted: SignedReading[] = [];
      candidates.forEach((c, i) => {
        const uncompressedSignature = verified[i];
        if (!uncompressedSignature) return reject(c.index, "BadSignature");
        if (this.readings.size >= this.opts.maxSize) return reject(c.index, "PoolFull");
        this.readings.set(c.key, { reading: c.signed.reading, encoded: readingCodec.encode(c.signed.reading), signature: c.signed.signature, uncompressedSignature, publicKey: c.publicKey });
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

  /** The cheap checks; returns the device's BLS key when the reading may be verified. */
  private precheck(signed: SignedReading, state: ReturnType<Chain["stateAt"]>, window: number, now: number): ReadingPoolRejection | Uint8Array {
    const r = signed.reading;
    if (!r || signed.signature.length !== 96) return "Malformed";
    const device = Devices.get(state, r.deviceId);
    if (!device) return "UnknownDevice";
    if (device.status !== DeviceStatus.Active) return "DeviceNotActive";
    if (r.interval >= now) return "FutureInterval";
    if (r.interval + window < now) return "IntervalTooOld";
    const key = readingKey(r.deviceId, r.interval);
    if (this.readings.has(key) || this.verifying.has(key) || Generation.contains(state, r.deviceId, r.interval)) return "Duplicate";
    return device.blsKey;
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
      const device = Devices.get(state, r.reading.deviceId);
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

  /** After a new best block: drops what it included and what can no longer be credited. */
  onBestBlock(included: readonly { deviceId: number; interval: number }[]): void {
    for (const r of included) this.readings.delete(readingKey(r.deviceId, r.interval));
    this.deps.metrics?.included(included.length);
    const state = this.deps.chain.stateAt();
    const config = PogConfig.get(state);
    const now = Math.floor(this.deps.now() / 1000 / config.readingIntervalSecs);
    for (const [key, { reading }] of this.readings) {
      if (reading.interval + config.acceptanceWindowIntervals < now || Generation.contains(state, reading.deviceId, reading.interval)) this.readings.delete(key);
    }
    this.deps.metrics?.setSize(this.readings.size);
  }
}
