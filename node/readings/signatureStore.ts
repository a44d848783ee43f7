import { bytesToU32, concatBytes, u32ToBytes } from "../../primitives/bytes.ts";
import { blake2b256 } from "../../primitives/hash.ts";
import type { Logger } from "../../primitives/logger.ts";
import type { BucketId } from "../db/buckets.ts";
import type { Database, DbBatchOp } from "../db/database.ts";
import { Repository, type RepoValueCodec } from "../db/repository.ts";

/**
 * Bucket of the device signatures this node verified (docs/proofs.md, "Device signatures"): key
 * `0x00 ++ deviceId u32 ++ interval u32` → the signature, and `0x01 ++ block u32 ++ deviceId u32 ++
 * interval u32` → nothing, the expiry index in block order. Outside node/db/buckets.ts's chain
 * buckets (below 0x20), next to the finality proofs' 0x20/0x21. Never renumber.
 */
export const READING_SIGNATURE_BUCKET = 0x22 as BucketId;
const ENTRY = 0x00;
const EXPIRY = 0x01;

export interface SignatureStoreOpts {
  /**
   * Blocks a signature is kept after the block that credited its reading. A block can carry
   * thousands of readings and a signature costs ~150 bytes with its keys (96-byte signature,
   * 32-byte reading hash, both keys): at the 2,500 readings/s target that is ~32 GB a day, so the
   * default is a day of 6 s blocks (14,400). A REC is requested within the chain's claim window;
   * a node that serves REC proofs for older readings raises this (`--reading-signatures-blocks`,
   * not yet a flag) — bundles of readings older than the window carry no signatures and say so.
   */
  windowBlocks: number;
  /**
   * Most signatures removed per finalization. A finalization step covers ~1 block at a time; a
   * block carries at most `maxReadingsPerBlock` readings, so removing 4× that per step keeps up
   * with any backlog while bounding one batch (~40k deletes, a few MB) after a long stop.
   */
  maxRemovalsPerFinalization: number;
}

export const defaultSignatureStoreOpts: SignatureStoreOpts = { windowBlocks: 14_400, maxRemovalsPerFinalization: 40_000 };

/** A stored signature: the device's compressed signature of the reading whose hash is `readingHash`, credited in `block`. */
export interface StoredSignature {
  signature: Uint8Array;
  readingHash: Uint8Array;
  block: number;
}

const storedCodec: RepoValueCodec<StoredSignature> = {
  encode: (s) => concatBytes(s.signature, s.readingHash, u32ToBytes(s.block)),
  decode: (b) => ({ signature: b.slice(0, 96), readingHash: b.slice(96, 128), block: bytesToU32(b.subarray(128, 132)) }),
};

function entryKey(deviceId: number, interval: number): Uint8Array {
  return concatBytes(Uint8Array.of(ENTRY), u32ToBytes(deviceId), u32ToBytes(interval));
}

function expiryKey(block: number, deviceId: number, interval: number): Uint8Array {
  return concatBytes(Uint8Array.of(EXPIRY), u32ToBytes(block), u32ToBytes(deviceId), u32ToBytes(interval));
}

/** What the store needs of the readings pool: the compressed signature it verified for an encoded reading. */
export type PooledSignature = (deviceId: number, interval: number, encoded: Uint8Array) => Uint8Array | undefined;

/**
 * Keeps the individual device signatures of the readings a block credited, for REC proofs: block
 * bodies carry only their aggregate. Written when a block becomes best (authored or imported)
 * from the signatures the readings pool verified — a node that never pooled a reading (it synced
 * the block) has none for it — and removed `windowBlocks` after the crediting block, at most
 * `maxRemovalsPerFinalization` per finalization. Every write is one atomic batch.
 */
export class SignatureStore {
  private readonly opts: SignatureStoreOpts;
  private readonly db: Database;
  private readonly repo: Repository<Uint8Array, StoredSignature>;
  private readonly logger: Logger;
  /** Writes run one after another, so that a removal never overtakes the write it removes. */
  private queue: Promise<void> = Promise.resolve();

  constructor(opts: Partial<SignatureStoreOpts>, deps: { db: Database; logger: Logger }) {
    this.opts = { ...defaultSignatureStoreOpts, ...opts };
    this.db = deps.db;
    this.logger = deps.logger;
    this.repo = new Repository(deps.db, READING_SIGNATURE_BUCKET, { encode: (k: Uint8Array) => k }, storedCodec);
  }

  get windowBlocks(): number {
    return this.opts.windowBlocks;
  }

  /** The signature kept for (device, interval), or undefined. */
  get(deviceId: number, interval: number): StoredSignature | undefined {
    return this.repo.getSync(entryKey(deviceId, interval));
  }

  /**
   * Records the signatures the pool holds of `readings` (encoded, as block `block` carries them),
   * with their (device, interval). The signatures are taken from the pool now (it may drop them
   * once the block is in); each slot's previous entry is read inside the queued write, after the
   * writes queued before it, so a slot credited by two blocks in quick succession (a reorg) drops
   * the expiry key of the entry it really replaces.
   */
  onBlock(block: number, readings: ReadonlyArray<{ deviceId: number; interval: number; encoded: Uint8Array }>, pooled: PooledSignature): Promise<void> {
    const entries = new Map<string, { deviceId: number; interval: number; value: StoredSignature }>();
    for (const r of readings) {
      const signature = pooled(r.deviceId, r.interval, r.encoded);
      if (signature === undefined) continue;
      entries.set(`${r.deviceId}:${r.interval}`, { deviceId: r.deviceId, interval: r.interval, value: { signature, readingHash: blake2b256(r.encoded), block } });
    }
    if (entries.size === 0) return this.queue;
    return this.enqueue(() => {
      const ops: DbBatchOp[] = [];
      for (const { deviceId, interval, value } of entries.values()) {
        const previous = this.get(deviceId, interval);
        // A reorg credited the slot again: its old expiry entry goes with the old value.
        if (previous && previous.block !== block) ops.push(this.repo.delOp(expiryKey(previous.block, deviceId, interval)));
        ops.push(this.repo.putOp(entryKey(deviceId, interval), value));
        ops.push({ type: "put", key: this.repo.dbKey(expiryKey(block, deviceId, interval)), value: new Uint8Array(0) });
      }
      return this.db.batch(ops);
    });
  }

  /** Removes the signatures of readings credited at or before `finalized - windowBlocks`, oldest first, at most `maxRemovalsPerFinalization`. */
  onFinalized(finalized: number): Promise<void> {
    const cutoff = finalized - this.opts.windowBlocks;
    if (cutoff < 0) return this.queue;
    return this.enqueue(async () => {
      const ops: DbBatchOp[] = [];
      const prefix = this.repo.dbKey(Uint8Array.of(EXPIRY));
      for await (const key of this.db.keys(prefix)) {
        const block = bytesToU32(key.subarray(2, 6));
        if (block > cutoff || ops.length / 2 >= this.opts.maxRemovalsPerFinalization) break;
        const deviceId = bytesToU32(key.subarray(6, 10));
        const interval = bytesToU32(key.subarray(10, 14));
        ops.push({ type: "del", key }, this.repo.delOp(entryKey(deviceId, interval)));
      }
      if (ops.length > 0) await this.db.batch(ops);
    });
  }

  /** Waits for the writes queued so far. */
  idle(): Promise<void> {
    return this.queue;
  }

  private enqueue(write: () => Promise<void>): Promise<void> {
    this.queue = this.queue.then(write).catch((e: unknown) => this.logger.error("Storing reading signatures failed", {}, e));
    return this.queue;
  }
}
