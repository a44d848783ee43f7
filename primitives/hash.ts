/**
 * blake2b-256 for block, extrinsic, trie node and state hashing, blake2b-128 for storage key
 * prefixes and `Blake2_128Concat` map keys (docs/design.md#keys-and-signatures). A dedicated implementation
 * (./blake2b.ts, tested against @noble/hashes) is ~4× faster than @noble/hashes on these
 * short inputs, which are hashed tens of thousands of times per block.
 */
export { blake2b128, blake2b256 } from "./blake2b.ts";
