/**
 * In-memory trie nodes. A child is referenced either by the node object (loaded or created
 * in this session) or by its hash (still in the database, loaded on first use).
 *
 * Each node carries its own caching state:
 * - `hash`/`encoded` are null while the node is dirty (changed since it was last hashed);
 * - `stored` is true when exactly this content is in the database (loaded from it or
 *   returned by a `commit()`), so `commit()` skips it and everything below it.
 */

export const LEAF = 0;
export const EXTENSION = 1;
export const BRANCH = 2;

export type ChildRef = TrieNode | Uint8Array;
export type TrieNode = LeafNode | ExtensionNode | BranchNode;

/** The rest of a key (`path`, in nibbles, possibly empty) and its value. */
export class LeafNode {
  readonly kind: typeof LEAF = LEAF;
  path: Uint8Array;
  value: Uint8Array;
  hash: Uint8Array | null = null;
  encoded: Uint8Array | null = null;
  stored = false;

  constructor(path: Uint8Array, value: Uint8Array) {
    this.path = path;
    this.value = value;
  }
}

/** A run of nibbles (at least one) shared by every key below, then a branch. */
export class ExtensionNode {
  readonly kind: typeof EXTENSION = EXTENSION;
  path: Uint8Array;
  child: ChildRef;
  hash: Uint8Array | null = null;
  encoded: Uint8Array | null = null;
  stored = false;

  constructor(path: Uint8Array, child: ChildRef) {
    this.path = path;
    this.child = child;
  }
}

/** Sixteen children by next nibble, and the value of the key that ends here, if any. */
export class BranchNode {
  readonly kind: typeof BRANCH = BRANCH;
  children: Array<ChildRef | null>;
  value: Uint8Array | null;
  hash: Uint8Array | null = null;
  encoded: Uint8Array | null = null;
  stored = false;

  constructor(children: Array<ChildRef | null>, value: Uint8Array | null) {
    this.children = children;
    this.value = value;
  }
}

export function emptyChildren(): Array<ChildRef | null> {
  return [null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null];
}

/** Marks a node as changed: its hash, encoding and stored copy no longer describe it. */
export function touch(node: TrieNode): void {
  node.hash = null;
  node.encoded = null;
  node.stored = false;
}
