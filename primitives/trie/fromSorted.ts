import { compareBytes } from "../bytes.ts";
import { blake2b256 } from "../hash.ts";
import { encodeNode } from "./codec.ts";
import { BranchNode, emptyChildren, ExtensionNode, LeafNode } from "./node.ts";
import { PackedTrieNodes } from "./packedNodes.ts";
import { EMPTY_TRIE_ROOT } from "./trie.ts";

/**
 * The trie of a whole key/value set at once, built bottom-up from its entries sorted by key: the
 * same root and the same nodes as putting each entry into an empty `MerkleTrie` and committing,
 * without that trie's in-memory node graph (every node object of a million-entry trie alive at
 * once, then walked again to hash). Each node is encoded and hashed once, as soon as its children
 * are, and only its hash and encoding are kept, packed (`PackedTrieNodes`: no object per node). Used for genesis states, which can hold millions
 * of entries (a `devices.generated` section: docs/scale.md).
 */
export interface SortedTrie {
  root: Uint8Array;
  /** Every node as [hash, encoding], children before their parents. */
  nodes: PackedTrieNodes;
}

function nibbleAt(key: Uint8Array, depth: number): number {
  const byte = key[depth >> 1];
  return depth & 1 ? byte & 15 : byte >> 4;
}

function nibbles(key: Uint8Array, from: number, to: number): Uint8Array {
  const out = new Uint8Array(to - from);
  for (let d = from; d < to; d++) out[d - from] = nibbleAt(key, d);
  return out;
}

/** `entries` sorted by key (byte order), keys distinct; throws otherwise. */
export function trieFromSortedEntries(entries: ReadonlyArray<{ key: Uint8Array; value: Uint8Array }>): SortedTrie {
  for (let i = 1; i < entries.length; i++) {
    if (compareBytes(entries[i - 1].key, entries[i].key) >= 0) throw new RangeError(`trieFromSortedEntries: entry ${i} is not above entry ${i - 1}`);
  }
  const nodes = new PackedTrieNodes();
  const emit = (node: LeafNode | ExtensionNode | BranchNode): Uint8Array => {
    const encoded = encodeNode(node);
    const hash = blake2b256(encoded);
    nodes.push(hash, encoded);
    return hash;
  };
  const length = (i: number): number => entries[i].key.length * 2;

  /** Entries lo..hi-1 share their first `depth` nibbles: their subtree's node. */
  const build = (lo: number, hi: number, depth: number): Uint8Array => {
    if (hi - lo === 1) return emit(new LeafNode(nibbles(entries[lo].key, depth, length(lo)), entries[lo].value));
    // Sorted: the prefix the first and the last share is the one all of them share.
    const first = entries[lo].key;
    const last = entries[hi - 1].key;
    const limit = Math.min(length(lo), length(hi - 1));
    let at = depth;
    while (at < limit && nibbleAt(first, at) === nibbleAt(last, at)) at++;
    const branch = branchAt(lo, hi, at);
    return at === depth ? branch : emit(new ExtensionNode(nibbles(first, depth, at), branch));
  };

  /** Entries lo..hi-1 (at least two) diverge at nibble `at`, or the first ends there: a branch. */
  const branchAt = (lo: number, hi: number, at: number): Uint8Array => {
    let value: Uint8Array | null = null;
    if (length(lo) === at) value = entries[lo++].value;
    const children = emptyChildren();
    while (lo < hi) {
      const nibble = nibbleAt(entries[lo].key, at);
      let end = lo + 1;
      while (end < hi && nibbleAt(entries[end].key, at) === nibble) end++;
      children[nibble] = build(lo, end, at + 1);
      lo = end;
    }
    return emit(new BranchNode(children, value));
  };

  return { root: entries.length === 0 ? EMPTY_TRIE_ROOT.slice() : build(0, entries.length, 0), nodes };
}
