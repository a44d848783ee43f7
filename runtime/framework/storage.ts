import { bytesToBigint, bigintToBytes, concatBytes, utf8, u32ToBytes, bytesToU32 } from "../../primitives/bytes.ts";
import { blake2b128 } from "../../primitives/hash.ts";
import type { MessageCodec } from "../../primitives/codec/index.ts";
import type { State, StateReader } from "./state.ts";

/** How a storage value is turned into bytes. */
export interface ValueCodec<T> {
  encode(value: T): Uint8Array;
  decode(bytes: Uint8Array): T;
}

export const u32Codec: ValueCodec<number> = { encode: u32ToBytes, decode: bytesToU32 };
export const bigintCodec: ValueCodec<bigint> = { encode: bigintToBytes, decode: bytesToBigint };
export const bytesCodec: ValueCodec<Uint8Array> = { encode: (v) => v, decode: (b) => b };
export function messageCodec<T extends object>(codec: MessageCodec<T>): ValueCodec<T> {
  return codec;
}

/**
 * Storage keys follow Substrate's layout with blake2b-128 in place of twox-128:
 * `blake2b128(module) ++ blake2b128(item)` for a value, followed by
 * `blake2b128(key) ++ key` (Blake2_128Concat) for a map entry — hashed so that an attacker
 * cannot unbalance the trie, concatenated so that keys can be recovered when iterating.
 */
export function storagePrefix(module: string, item: string): Uint8Array {
  return concatBytes(blake2b128(utf8(module)), blake2b128(utf8(item)));
}

export class StorageValue<T> {
  readonly key: Uint8Array;
  private readonly codec: ValueCodec<T>;
  private readonly defaultValue: () => T;

  constructor(module: string, item: string, codec: ValueCodec<T>, defaultValue: () => T) {
    this.key = storagePrefix(module, item);
    this.codec = codec;
    this.defaultValue = defaultValue;
  }

  get(state: StateReader): T {
    const raw = state.get(this.key);
    return raw === undefined ? this.defaultValue() : this.codec.decode(raw);
  }

  exists(state: StateReader): boolean {
    return state.get(this.key) !== undefined;
  }

  set(state: State, value: T): void {
    state.set(this.key, this.codec.encode(value));
  }

  kill(state: State): void {
    state.delete(this.key);
  }
}

export class StorageMap<K, V> {
  readonly prefix: Uint8Array;
  private readonly keyCodec: ValueCodec<K>;
  private readonly valueCodec: ValueCodec<V>;

  constructor(module: string, item: string, keyCodec: ValueCodec<K>, valueCodec: ValueCodec<V>) {
    this.prefix = storagePrefix(module, item);
    this.keyCodec = keyCodec;
    this.valueCodec = valueCodec;
  }

  key(k: K): Uint8Array {
    const raw = this.keyCodec.encode(k);
    return concatBytes(this.prefix, blake2b128(raw), raw);
  }

  /** Recovers the map key from a full storage key (Blake2_128Concat keeps it in clear). */
  decodeKey(storageKey: Uint8Array): K {
    return this.keyCodec.decode(storageKey.subarray(this.prefix.length + 16));
  }

  decodeValue(raw: Uint8Array): V {
    return this.valueCodec.decode(raw);
  }

  get(state: StateReader, k: K): V | undefined {
    const raw = state.get(this.key(k));
    return raw === undefined ? undefined : this.valueCodec.decode(raw);
  }

  contains(state: StateReader, k: K): boolean {
    return state.get(this.key(k)) !== undefined;
  }

  set(state: State, k: K, v: V): void {
    state.set(this.key(k), this.valueCodec.encode(v));
  }

  remove(state: State, k: K): void {
    state.delete(this.key(k));
  }
}
