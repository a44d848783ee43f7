import { concatBytes } from "../../primitives/bytes.ts";
import type { BucketId } from "./buckets.ts";
import type { Database, DbBatchOp } from "./database.ts";

export interface KeyCodec<K> {
  encode(key: K): Uint8Array;
}

export interface RepoValueCodec<V> {
  encode(value: V): Uint8Array;
  decode(bytes: Uint8Array): V;
}

/**
 * One bucket of the database (Lodestar's `Repository`): typed keys and values under a one-byte
 * prefix. Writes are returned as batch operations so that a block and everything it changes are
 * committed together in one atomic batch by the caller.
 */
export class Repository<K, V> {
  protected readonly db: Database;
  private readonly prefix: Uint8Array;
  private readonly keyCodec: KeyCodec<K>;
  private readonly valueCodec: RepoValueCodec<V>;

  constructor(db: Database, bucket: BucketId, keyCodec: KeyCodec<K>, valueCodec: RepoValueCodec<V>) {
    this.db = db;
    this.prefix = new Uint8Array([bucket]);
    this.keyCodec = keyCodec;
    this.valueCodec = valueCodec;
  }

  dbKey(key: K): Uint8Array {
    return concatBytes(this.prefix, this.keyCodec.encode(key));
  }

  getSync(key: K): V | undefined {
    const raw = this.db.getSync(this.dbKey(key));
    return raw === undefined ? undefined : this.valueCodec.decode(raw);
  }

  async get(key: K): Promise<V | undefined> {
    const raw = await this.db.get(this.dbKey(key));
    return raw === undefined ? undefined : this.valueCodec.decode(raw);
  }

  putOp(key: K, value: V): DbBatchOp {
    return { type: "put", key: this.dbKey(key), value: this.valueCodec.encode(value) };
  }

  delOp(key: K): DbBatchOp {
    return { type: "del", key: this.dbKey(key) };
  }
}

export const rawBytes = { encode: (b: Uint8Array): Uint8Array => b, decode: (b: Uint8Array): Uint8Array => b };
