import { blake2b } from "@noble/hashes/blake2.js";

/**
 * blake2b-256: block, extrinsic, trie node and state key hashing (DESIGN.md §3). A dedicated
 * implementation (./blake2b256.ts, tested against @noble/hashes) is ~4× faster on the hot paths.
 */
export { blake2b256 } from "./blake2b256.ts";

/** blake2b-128: storage key prefixes and `Blake2_128Concat` map keys, as Substrate. */
export function blake2b128(data: Uint8Array): Uint8Array {
  return blake2b(data, { dkLen: 16 });
}
