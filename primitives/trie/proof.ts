/**
 * Standalone read-proof verification: needs only the state root, the key and the proof's
 * nodes (untrusted bytes), no database. The proof is a set of encoded nodes; each is
 * identified by its hash, so order does not matter and extra nodes (from a proof of several
 * keys) are ignored. A node that was altered no longer has the hash its parent names, so
 * the walk finds it missing.
 */
import { bytesEqual, toHex } from "../bytes.ts";
import { blake2b256 } from "../hash.ts";
import { decodeNode } from "./codec.ts";
import { TrieError, TrieProofError } from "./errors.ts";
import { commonPrefixLength, keyToNibbles, pathEquals } from "./nibbles.ts";
import { BRANCH, EXTENSION, LEAF } from "./node.ts";
import type { TrieNode } from "./node.ts";
import { EMPTY_TRIE_ROOT } from "./trie.ts";

// `orderedTrieRoot` lives with the trie; exported here too as part of the verifier's toolkit
// (checking a header's extrinsicsRoot).
export { orderedTrieRoot } from "./trie.ts";

export type ProofResult = { found: true; value: Uint8Array } | { found: false };

/**
 * Whether `key` is in the state with root `root`, and its value, as proven by `proof`.
 * Throws `TrieProofError` when the proof does not authenticate against the root.
 */
export function verifyProof(root: Uint8Array, key: Uint8Array, proof: readonly Uint8Array[]): ProofResult {
  return verifyProofs(root, [key], proof)[0];
}

/**
 * `verifyProof` for several keys against one proof (e.g. from `MerkleTrie.prove(keys)`). When
 * `usedNodes` is given, the hashes (hex) of the proof nodes the walks read are added to it, so
 * that a caller who wants a proof to hold nothing else (light/verifyRecBundle.ts) can refuse extra
 * nodes.
 */
export function verifyProofs(root: Uint8Array, keys: readonly Uint8Array[], proof: readonly Uint8Array[], usedNodes?: Set<string>): ProofResult[] {
  if (bytesEqual(root, EMPTY_TRIE_ROOT)) return keys.map(() => ({ found: false }));
  const nodes = new Map<string, Uint8Array>();
  for (const encoded of proof) nodes.set(toHex(blake2b256(encoded)), encoded);
  const decoded = new Map<string, TrieNode>();
  const rootId = toHex(root);
  if (!nodes.has(rootId)) throw new TrieProofError({ code: "ROOT_MISMATCH", root: rootId });

  const node = (hash: Uint8Array): TrieNode => {
    const id = toHex(hash);
    usedNodes?.add(id);
    const cached = decoded.get(id);
    if (cached !== undefined) return cached;
    const encoded = nodes.get(id);
    if (encoded === undefined) throw new TrieProofError({ code: "MISSING_NODE", hash: id });
    try {
      const result = decodeNode(encoded, hash);
      decoded.set(id, result);
      return result;
    } catch (e) {
      if (e instanceof TrieError && e.type.code === "INVALID_NODE") {
        throw new TrieProofError({ code: "INVALID_NODE", hash: id, reason: e.type.reason });
      }
      throw e;
    }
  };

  return keys.map((key): ProofResult => {
    const nibbles = keyToNibbles(key);
    let pos = 0;
    let current = node(root);
    while (true) {
      switch (current.kind) {
        case LEAF:
          return pathEquals(current.path, nibbles, pos) ? { found: true, value: current.value } : { found: false };
        // Decoded nodes reference their children by hash.
        case EXTENSION: {
          if (commonPrefixLength(current.path, nibbles, pos) !== current.path.length) return { found: false };
          pos += current.path.length;
          current = node(current.child as Uint8Array);
          break;
        }
        case BRANCH: {
          if (pos === nibbles.length) return current.value === null ? { found: false } : { found: true, value: current.value };
          const child = current.children[nibbles[pos++]];
          if (child === null) return { found: false };
          current = node(child as Uint8Array);
          break;
        }
      }
    }
  });
}
