import { bytesToBigint, bigintToBytes, concatBytes, utf8, u32ToBytes, bytesToU32 } from "../../primitives/bytes.ts";
import { blake2b128 } from "../../primitives/hash.ts";
import { MessageCodec } from "../../primitives/codec/index.ts";
import type { IterableStateReader, State, StateReader } from "./state.ts";

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
 * A stored value, decoded. Storage holds what this runtime wrote while executing blocks and what
 * the genesis (built by it, or a raw chain spec every node of the chain shares) put there — never
 * bytes from a peer or a client — so protobuf values skip the canonical-form check that untrusted
 * bytes need: re-encoding to compare was a third of a storage read. Decoding stays deterministic.
 */
function decodeStored<T>(codec: ValueCodec<T>, raw: Uint8Array): T {
  return codec instanceof MessageCodec ? (codec.decodeTrusted(raw) as T) : codec.decode(raw);
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

/**
 * `blake2b128(key) ++ key` of u32 keys, memoised. Device ids, intervals and epochs are hashed
 * about ten times per reading (the pool's checks, block building, applying it), and blake2b in
 * JavaScript was the largest main-thread cost of a reading after its signature. 65,536 entries
 * (~8 MiB) hold a million-device chain's hot set of intervals and epochs plus a working set of
 * devices; the map is cleared when full, which costs only the hashing again. The parts never
 * leave this module un-copied (every key is a fresh concatenation), so sharing them is safe.
 */
const U32_KEY_PARTS_CAPACITY = 1 << 16;
const u32KeyParts = new Map<number, Uint8Array>();

function u32KeyPart(value: number): Uint8Array {
  let part = u32KeyParts.get(value);
  if (part === undefined) {
    const raw = u32ToBytes(value);
    part = concatBytes(blake2b128(raw), raw);
    if (u32KeyParts.size >= U32_KEY_PARTS_CAPACITY) u32KeyParts.clear();
    u32KeyParts.set(value, part);
  }
  return part;
}

/** The Blake2_128Concat part of a map key. */
function hashedKeyPart<K>(codec: ValueCodec<K>, k: K): Uint8Array {
  if (codec === (u32Codec as ValueCodec<unknown>)) return u32KeyPart(k as number);
  const raw = codec.encode(k);
  return concatBytes(blake2b128(raw), raw);
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
    return raw === undefined ? this.defaultValue() : decodeStored(this.codec, raw);
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
    return concatBytes(this.prefix, hashedKeyPart(this.keyCodec, k));
  }

  /** Recovers the map key from a full storage key (Blake2_128Concat keeps it in clear). */
  decodeKey(storageKey: Uint8Array): K {
    return this.keyCodec.decode(storageKey.subarray(this.prefix.length + 16));
  }

  decodeValue(raw: Uint8Array): V {
    return decodeStored(this.valueCodec, raw);
  }

  get(state: StateReader, k: K): V | undefined {
    const raw = state.get(this.key(k));
    return raw === undefined ? undefined : decodeStored(this.valueCodec, raw);
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

/**
 * A map keyed by two keys, laid out `prefix ++ blake2b128(k1) ++ k1 ++ blake2b128(k2) ++ k2`
 * (Substrate's double map with Blake2_128Concat), so that all entries under one first key are
 * contiguous in the trie and can be listed with `prefixFor(k1)`.
 */
export class StorageDoubleMap<K1, K2, V> {
  readonly prefix: Uint8Array;
  private readonly key1Codec: ValueCodec<K1>;
  private readonly key2Codec: ValueCodec<K2>;
  private readonly valueCodec: ValueCodec<V>;

  constructor(module: string, item: string, key1Codec: ValueCodec<K1>, key2Codec: ValueCodec<K2>, valueCodec: ValueCodec<V>) {
    this.prefix = storagePrefix(module, item);
    this.key1Codec = key1Codec;
    this.key2Codec = key2Codec;
    this.valueCodec = valueCodec;
  }

  prefixFor(k1: K1): Uint8Array {
    return concatBytes(this.prefix, hashedKeyPart(this.key1Codec, k1));
  }

  key(k1: K1, k2: K2): Uint8Array {
    return concatBytes(this.prefix, hashedKeyPart(this.key1Codec, k1), hashedKeyPart(this.key2Codec, k2));
  }

  /**
   * Up to `limit` entries under `k1` in storage order (by `blake2b128(k2)`, as Substrate's paged
   * key listing), starting after `k2 = after` when given: the trie iteration descends straight to
   * that key and stops once the page is full, so a page costs its own size whatever the map holds
   * before or after it. `after` need not be in the map.
   */
  page(state: IterableStateReader, k1: K1, limit: number, after?: K2): Array<[K2, V]> {
    const prefix = this.prefixFor(k1);
    const out: Array<[K2, V]> = [];
    if (limit <= 0) return out;
    for (const [key, value] of state.entries(prefix, after === undefined ? undefined : this.key(k1, after))) {
      out.push([this.decodeKey2(key, prefix.length), this.decodeValue(value)]);
      if (out.length >= limit) break;
    }
    return out;
  }

  /** Recovers the second key from a full storage key under `prefixFor(k1)`. */
  decodeKey2(storageKey: Uint8Array, prefixLength: number): K2 {
    return this.key2Codec.decode(storageKey.subarray(prefixLength + 16));
  }

  decodeValue(raw: Uint8Array): V {
    return decodeStored(this.valueCodec, raw);
  }

  get(state: StateReader, k1: K1, k2: K2): V | undefined {
    const raw = state.get(this.key(k1, k2));
    return raw === undefined ? undefined : decodeStored(this.valueCodec, raw);
  }

  contains(state: StateReader, k1: K1, k2: K2): boolean {
    return state.get(this.key(k1, k2)) !== undefined;
  }

  set(state: State, k1: K1, k2: K2, v: V): void {
    state.set(this.key(k1, k2), this.valueCodec.encode(v));
  }

  remove(state: State, k1: K1, k2: K2): void {
    state.delete(this.key(k1, k2));
  }
}

/** An empty value, for maps used as sets (index entries). */
export const unitCodec: ValueCodec<true> = { encode: () => new Uint8Array(0), decode: () => true };
