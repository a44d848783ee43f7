import { concatBytes, utf8 } from "../primitives/bytes.ts";
import { blake2b128 } from "../primitives/hash.ts";

/**
 * Storage keys as the runtime lays them out (runtime/framework/storage.ts, docs/state-trie.md):
 * `blake2b128(module) ++ blake2b128(item)` for a value; a map entry appends
 * `blake2b128(key) ++ key` (Blake2_128Concat). Restated here so that the verifier depends on
 * nothing of the runtime; test/unit/light/storageKeys.test.ts checks both agree.
 */
export function storageValueKey(module: string, item: string): Uint8Array {
  return concatBytes(blake2b128(utf8(module)), blake2b128(utf8(item)));
}

/** The key of a `StorageMap` entry whose encoded map key is `encodedKey`. */
export function storageMapKey(module: string, item: string, encodedKey: Uint8Array): Uint8Array {
  return concatBytes(storageValueKey(module, item), blake2b128(encodedKey), encodedKey);
}

/** `staking.FinalityAuthorities`: the finality set current after a block (the set voting on its descendants). */
export const FINALITY_AUTHORITIES_KEY = storageValueKey("staking", "FinalityAuthorities");
