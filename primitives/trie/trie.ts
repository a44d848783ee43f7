import { bytesEqual, toHex, u32ToBytes } from "../bytes.ts";
import { blake2b256 } from "../hash.ts";
import { decodeNode, encodeNode } from "./codec.ts";
import { TrieError } from "./errors.ts";
import { commonPrefixLength, concatNibbles, keyToNibbles, nibblesToKey, pathEquals } from "./nibbles.ts";
import { BRANCH, BranchNode, EXTENSION, ExtensionNode, LEAF, LeafNode, emptyChildren, touch } from "./node.ts";
import type { ChildRef, TrieNode } from "./node.ts";
import { MemoryNodeStore } from "./nodeStore.ts";
import type { TrieNodeReader } from "./nodeStore.ts";

/**
 * Root of the empty trie: blake2b-256 of the empty byte string,
 * 0x0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8.
 * No node encodes to zero bytes, so no non-empty trie has this root.
 */
export const EMPTY_TRIE_ROOT: Uint8Array = blake2b256(new Uint8Array(0));

/** Returned by the recursive updates when the key was already in the requested state. */
const UNCHANGED = Symbol("unchanged");
type Unchanged = typeof UNCHANGED;

const EMPTY_PATH = new Uint8Array(0);

/**
 * The state trie: a base-16 Merkle Patricia trie (leaf, extension and branch nodes, node
 * hash = blake2b-256 of its encoding; see docs/state-trie.md). Synchronous throughout.
 *
 * Nodes are loaded from `db` on first use and kept, decoded, for the life of the instance;
 * updates change them in place and only mark them dirty, and `root()` hashes just the dirty
 * ones. Open a fresh instance per block (or drop one that is no longer needed) to bound
 * memory. Values passed to `put` are kept by reference and values returned by `get` and
 * `entries` are the trie's own arrays: neither may be modified afterwards.
 */
export class MerkleTrie {
  private readonly db: TrieNodeReader;
  private rootRef: ChildRef | null;
  /**
   * Hashes of stored nodes (loaded from `db`, or returned by the last `commit()`) that updates
   * since the last commit changed or dropped: each is one occurrence, at one position, of a node
   * of the last committed state that the current state no longer has.
   */
  private replaced: Uint8Array[] = [];

  /** Opens the trie at `root`; a root absent from `db` fails on first access (`MISSING_NODE`). */
  constructor(root: Uint8Array, db: TrieNodeReader) {
    this.db = db;
    this.rootRef = bytesEqual(root, EMPTY_TRIE_ROOT) ? null : root.slice();
  }

  get(key: Uint8Array): Uint8Array | undefined {
    return this.lookup(keyToNibbles(key), null);
  }

  /** Sets `key` to `value`; an empty value is stored (and proven) like any other. */
  put(key: Uint8Array, value: Uint8Array): void {
    const root = this.insert(this.rootNode(), keyToNibbles(key), 0, value);
    if (root !== UNCHANGED) this.rootRef = root;
  }

  del(key: Uint8Array): void {
    const node = this.rootNode();
    if (node === null) return;
    const root = this.remove(node, keyToNibbles(key), 0);
    if (root !== UNCHANGED) this.rootRef = root;
  }

  /** The current root hash; hashes only the nodes changed since they were last hashed. */
  root(): Uint8Array {
    const ref = this.rootRef;
    if (ref === null) return EMPTY_TRIE_ROOT.slice();
    return (ref instanceof Uint8Array ? ref : hashNode(ref)).slice();
  }

  /**
   * The root, and every node created since the last commit that is reachable from it
   * (children before parents; a subtree that occurs at two places is listed at both), ready
   * for a database batch. Nodes that were replaced in the meantime are not included.
   *
   * `removed`: the hashes of the stored nodes (read from the database, or returned by the
   * previous commit) that the updates since then changed or dropped, one entry per occurrence.
   * As multisets of node occurrences, (nodes of the previous state) − `removed` + `nodes` =
   * (nodes of the new state): what reference-counting pruning needs (node/chain/statePruner.ts).
   * Nothing is deleted from the database here.
   */
  commit(): { root: Uint8Array; nodes: Array<[hash: Uint8Array, encoded: Uint8Array]>; removed: Uint8Array[] } {
    const root = this.root();
    const nodes: Array<[Uint8Array, Uint8Array]> = [];
    const ref = this.rootRef;
    if (ref !== null && !(ref instanceof Uint8Array)) collectUnstored(ref, nodes);
    const removed = this.replaced;
    this.replaced = [];
    return { root, nodes, removed };
  }

  /**
   * Entries whose key starts with `prefix`, in ascending key order (byte-wise, a key before
   * its extensions); with `after`, only the keys above it, found by descending to it rather than
   * walking what lies before (a cursor over a large map). Nodes are loaded as the iteration
   * reaches them; the trie must not be changed while an iteration is under way.
   */
  *entries(prefix: Uint8Array = EMPTY_PATH, after?: Uint8Array): IterableIterator<[Uint8Array, Uint8Array]> {
    const wanted = keyToNibbles(prefix);
    const path: number[] = [];
    let node = this.rootNode();
    let pos = 0;
    // Descend to the subtree holding exactly the keys that start with the prefix.
    while (node !== null && pos < wanted.length) {
      const rest = wanted.length - pos;
      if (node.kind === BRANCH) {
        path.push(wanted[pos]);
        node = this.branchChild(node, wanted[pos++]);
        continue;
      }
      const common = commonPrefixLength(node.path, wanted, pos);
      if (common === rest) break; // the prefix ends inside this node's path
      if (node.kind === LEAF || common < node.path.length) return;
      for (const nibble of node.path) path.push(nibble);
      pos += common;
      node = this.extensionChild(node);
    }
    if (node === null) return;
    if (after === undefined) {
      yield* this.walk(node, path);
      return;
    }
    const bound = keyToNibbles(after);
    if (isAbove(path, bound)) yield* this.walk(node, path);
    else if (compareNibbles(path, bound) === 0) yield* this.walkAfter(node, path, bound);
  }

  /**
   * The encoded nodes on the path to `key` (root first): with `verifyProof` and the root they
   * prove the key's value or its absence. Given several keys, the union of their paths,
   * each node once, which proves every one of them.
   */
  prove(key: Uint8Array): Uint8Array[];
  prove(keys: readonly Uint8Array[]): Uint8Array[];
  prove(keyOrKeys: Uint8Array | readonly Uint8Array[]): Uint8Array[] {
    const keys = keyOrKeys instanceof Uint8Array ? [keyOrKeys] : keyOrKeys;
    const ref = this.rootRef;
    if (ref !== null && !(ref instanceof Uint8Array)) hashNode(ref);
    const seen = new Set<string>();
    const proof: Uint8Array[] = [];
    const visit = (node: TrieNode): void => {
      // Loaded nodes have their stored encoding and new ones were just hashed.
      if (node.hash === null || node.encoded === null) throw new Error("trie: proving an unhashed node");
      const id = toHex(node.hash);
      if (seen.has(id)) return;
      seen.add(id);
      proof.push(node.encoded);
    };
    for (const key of keys) this.lookup(keyToNibbles(key), visit);
    return proof;
  }

  /** Walks to `key` (in nibbles), calling `visit` on every node on the way. */
  private lookup(key: Uint8Array, visit: ((node: TrieNode) => void) | null): Uint8Array | undefined {
    let node = this.rootNode();
    let pos = 0;
    while (node !== null) {
      visit?.(node);
      switch (node.kind) {
        case LEAF:
          return pathEquals(node.path, key, pos) ? node.value : undefined;
        case EXTENSION:
          if (commonPrefixLength(node.path, key, pos) !== node.path.length) return undefined;
          pos += node.path.length;
          node = this.extensionChild(node);
          break;
        case BRANCH:
          if (pos === key.length) return node.value ?? undefined;
          node = this.branchChild(node, key[pos++]);
          break;
      }
    }
    return undefined;
  }

  private insert(node: TrieNode | null, key: Uint8Array, pos: number, value: Uint8Array): TrieNode | Unchanged {
    if (node === null) return new LeafNode(key.subarray(pos), value);
    switch (node.kind) {
      case LEAF: {
        const common = commonPrefixLength(node.path, key, pos);
        if (common === node.path.length && pos + common === key.length) {
          if (bytesEqual(node.value, value)) return UNCHANGED;
          this.touch(node);
          node.value = value;
          return node;
        }
        const branch = new BranchNode(emptyChildren(), null);
        if (common === node.path.length) {
          // The leaf's value moves into the branch: the leaf itself is gone.
          this.drop(node);
          branch.value = node.value;
        } else {
          const nibble = node.path[common];
          this.touch(node);
          node.path = node.path.subarray(common + 1);
          branch.children[nibble] = node;
        }
        return this.splitWith(branch, key, pos, common, value);
      }
      case EXTENSION: {
        const common = commonPrefixLength(node.path, key, pos);
        if (common === node.path.length) {
          const child = this.insert(this.extensionChild(node), key, pos + common, value);
          if (child === UNCHANGED) return UNCHANGED;
          this.touch(node);
          node.child = child;
          return node;
        }
        const branch = new BranchNode(emptyChildren(), null);
        const nibble = node.path[common];
        if (common + 1 === node.path.length) {
          // The extension's last nibble becomes the branch slot: the extension itself is gone.
          this.drop(node);
          branch.children[nibble] = node.child;
        } else {
          this.touch(node);
          node.path = node.path.subarray(common + 1);
          branch.children[nibble] = node;
        }
        return this.splitWith(branch, key, pos, common, value);
      }
      case BRANCH: {
        if (pos === key.length) {
          if (node.value !== null && bytesEqual(node.value, value)) return UNCHANGED;
          node.value = value;
        } else {
          const nibble = key[pos];
          const child = this.insert(this.branchChild(node, nibble), key, pos + 1, value);
          if (child === UNCHANGED) return UNCHANGED;
          node.children[nibble] = child;
        }
        this.touch(node);
        return node;
      }
    }
  }

  /**
   * Completes a split `common` nibbles below `pos`: puts the new key into `branch` (which
   * already holds the old node) and puts the shared nibbles, if any, in an extension above.
   */
  private splitWith(branch: BranchNode, key: Uint8Array, pos: number, common: number, value: Uint8Array): TrieNode {
    const at = pos + common;
    if (at === key.length) branch.value = value;
    else branch.children[key[at]] = new LeafNode(key.subarray(at + 1), value);
    return common === 0 ? branch : new ExtensionNode(key.subarray(pos, at), branch);
  }

  /** Removes `key` below `node`; returns the replacement (null: nothing left) in canonical form. */
  private remove(node: TrieNode, key: Uint8Array, pos: number): TrieNode | null | Unchanged {
    switch (node.kind) {
      case LEAF:
        if (!pathEquals(node.path, key, pos)) return UNCHANGED;
        this.drop(node);
        return null;
      case EXTENSION: {
        if (commonPrefixLength(node.path, key, pos) !== node.path.length) return UNCHANGED;
        const child = this.remove(this.extensionChild(node), key, pos + node.path.length);
        if (child === UNCHANGED) return child;
        if (child === null || child.kind !== BRANCH) {
          // The extension merges into what is left below it (or goes with it).
          this.drop(node);
          return child === null ? null : this.prependPath(node.path, child);
        }
        this.touch(node);
        node.child = child;
        return node;
      }
      case BRANCH: {
        if (pos === key.length) {
          if (node.value === null) return UNCHANGED;
          node.value = null;
        } else {
          const nibble = key[pos];
          const child = this.branchChild(node, nibble);
          if (child === null) return UNCHANGED;
          const replacement = this.remove(child, key, pos + 1);
          if (replacement === UNCHANGED) return UNCHANGED;
          node.children[nibble] = replacement;
        }
        this.touch(node);
        return this.collapse(node);
      }
    }
  }

  /** A branch left with a single entry becomes a leaf, or merges into its only child. */
  private collapse(branch: BranchNode): TrieNode | null {
    let count = 0;
    let only = -1;
    for (let i = 0; i < 16; i++) {
      if (branch.children[i] !== null) {
        count++;
        only = i;
      }
    }
    if (count === 0) return branch.value === null ? null : new LeafNode(EMPTY_PATH, branch.value);
    if (count > 1 || branch.value !== null) return branch;
    const child = this.branchChild(branch, only);
    if (child === null) throw new Error("trie: branch child vanished");
    return this.prependPath(Uint8Array.of(only), child);
  }

  /** Puts `prefix` in front of a node's path (a branch gets an extension above it). */
  private prependPath(prefix: Uint8Array, node: TrieNode): TrieNode {
    if (node.kind === BRANCH) return new ExtensionNode(prefix, node);
    this.touch(node);
    node.path = concatNibbles(prefix, node.path);
    return node;
  }

  /** Marks a node as changed, remembering its stored hash as replaced (see `replaced`). */
  private touch(node: TrieNode): void {
    this.drop(node);
    touch(node);
  }

  /** Remembers a node that leaves the trie (or is about to change) if it is stored; once per stored content. */
  private drop(node: TrieNode): void {
    if (node.stored && node.hash !== null) {
      this.replaced.push(node.hash);
      node.stored = false;
    }
  }

  private *walk(node: TrieNode, path: number[]): Generator<[Uint8Array, Uint8Array]> {
    switch (node.kind) {
      case LEAF: {
        const full = path.concat(Array.from(node.path));
        yield [nibblesToKey(full, full.length), node.value];
        return;
      }
      case EXTENSION: {
        for (const nibble of node.path) path.push(nibble);
        yield* this.walk(this.extensionChild(node), path);
        path.length -= node.path.length;
        return;
      }
      case BRANCH: {
        if (node.value !== null) yield [nibblesToKey(path, path.length), node.value];
        for (let i = 0; i < 16; i++) {
          const child = this.branchChild(node, i);
          if (child === null) continue;
          path.push(i);
          yield* this.walk(child, path);
          path.pop();
        }
        return;
      }
    }
  }

  /**
   * `walk` restricted to keys above `bound` (nibbles), while `path` is a prefix of it: subtrees
   * wholly before the bound are skipped unread, those wholly after it walked in full.
   */
  private *walkAfter(node: TrieNode, path: number[], bound: Uint8Array): Generator<[Uint8Array, Uint8Array]> {
    if (node.kind === LEAF) {
      const full = path.concat(Array.from(node.path));
      if (isAbove(full, bound)) yield [nibblesToKey(full, full.length), node.value];
      return;
    }
    if (node.kind === EXTENSION) {
      for (const nibble of node.path) path.push(nibble);
      if (isAbove(path, bound)) yield* this.walk(this.extensionChild(node), path);
      else if (compareNibbles(path, bound) === 0) yield* this.walkAfter(this.extensionChild(node), path, bound);
      path.length -= node.path.length;
      return;
    }
    // A branch's own value has `path` as its key, a prefix of the bound: never above it.
    const first = path.length < bound.length ? bound[path.length] : 0;
    for (let i = first; i < 16; i++) {
      const child = this.branchChild(node, i);
      if (child === null) continue;
      path.push(i);
      yield* path.length <= bound.length && i === first ? this.walkAfter(child, path, bound) : this.walk(child, path);
      path.pop();
    }
  }

  private rootNode(): TrieNode | null {
    const ref = this.rootRef;
    if (!(ref instanceof Uint8Array)) return ref;
    const node = this.load(ref);
    this.rootRef = node;
    return node;
  }

  private branchChild(branch: BranchNode, nibble: number): TrieNode | null {
    const ref = branch.children[nibble];
    if (!(ref instanceof Uint8Array)) return ref;
    const node = this.load(ref);
    branch.children[nibble] = node;
    return node;
  }

  private extensionChild(extension: ExtensionNode): TrieNode {
    const ref = extension.child;
    if (!(ref instanceof Uint8Array)) return ref;
    const node = this.load(ref);
    extension.child = node;
    return node;
  }

  private load(hash: Uint8Array): TrieNode {
    const encoded = this.db.getNode(hash);
    if (encoded === undefined) throw new TrieError({ code: "MISSING_NODE", hash: toHex(hash) });
    return decodeNode(encoded, hash);
  }
}

/**
 * Orders nibble path `a` against `bound` over their common length: −1 or 1 where they first
 * differ, 0 when one is a prefix of the other (or `a` is empty).
 */
function compareNibbles(a: ArrayLike<number>, bound: ArrayLike<number>): number {
  const n = Math.min(a.length, bound.length);
  for (let i = 0; i < n; i++) if (a[i] !== bound[i]) return a[i] < bound[i] ? -1 : 1;
  return 0;
}

/** Whether key path `a` sorts after `bound`: greater where they first differ, or a strict extension of it. */
function isAbove(a: ArrayLike<number>, bound: ArrayLike<number>): boolean {
  const order = compareNibbles(a, bound);
  return order > 0 || (order === 0 && a.length > bound.length);
}

/** Hashes a node, and first its dirty descendants; clean subtrees are not visited. */
function hashNode(node: TrieNode): Uint8Array {
  if (node.hash !== null) return node.hash;
  if (node.kind === EXTENSION) {
    if (!(node.child instanceof Uint8Array)) hashNode(node.child);
  } else if (node.kind === BRANCH) {
    for (const child of node.children) if (child !== null && !(child instanceof Uint8Array)) hashNode(child);
  }
  const encoded = encodeNode(node);
  const hash = blake2b256(encoded);
  node.encoded = encoded;
  node.hash = hash;
  return hash;
}

/** Appends the hashed nodes not yet in the database, children first, and marks them stored. */
function collectUnstored(node: TrieNode, out: Array<[Uint8Array, Uint8Array]>): void {
  if (node.stored) return;
  if (node.hash === null || node.encoded === null) throw new Error("trie: committing an unhashed node");
  if (node.kind === EXTENSION) {
    if (!(node.child instanceof Uint8Array)) collectUnstored(node.child, out);
  } else if (node.kind === BRANCH) {
    for (const child of node.children) if (child !== null && !(child instanceof Uint8Array)) collectUnstored(child, out);
  }
  out.push([node.hash, node.encoded]);
  node.stored = true;
}

/**
 * Root of the trie mapping each index (u32, big-endian) to `values[index]`: the block
 * header's `extrinsicsRoot` (and any other committed list). An empty list gives `EMPTY_TRIE_ROOT`.
 */
export function orderedTrieRoot(values: readonly Uint8Array[]): Uint8Array {
  const trie = new MerkleTrie(EMPTY_TRIE_ROOT, new MemoryNodeStore());
  for (let i = 0; i < values.length; i++) trie.put(u32ToBytes(i), values[i]);
  return trie.root();
}
