/**
 * Node encoding (specified in docs/state-trie.md). Deterministic: one node has exactly one
 * encoding, and the decoder accepts only that encoding, so a node's hash identifies it.
 *
 *   leaf                0x00 | path | value
 *   extension           0x01 | path | child hash (32)
 *   branch              0x02 | bitmap (u16 BE) | child hashes (32 each, ascending nibble)
 *   branch with value   0x03 | bitmap (u16 BE) | child hashes | value
 *
 *   path  = varint(nibble count) | nibbles packed two per byte, high nibble first;
 *           an odd count (the odd/even flag is the count's low bit) pads the last low nibble with 0
 *   value = varint(byte length) | bytes
 *   varint = unsigned LEB128, shortest form, below 2^32
 *
 * Children are always referenced by hash (no inlining of small nodes) so that every node
 * of a proof is looked up the same way. Decoding is given untrusted bytes (proof nodes)
 * and rejects anything else with a typed error.
 */
import { toHex } from "../bytes.ts";
import { TrieError } from "./errors.ts";
import { BRANCH, BranchNode, EXTENSION, ExtensionNode, LEAF, LeafNode, emptyChildren } from "./node.ts";
import type { ChildRef, TrieNode } from "./node.ts";

export const HASH_LENGTH = 32;

const TAG_LEAF = 0x00;
const TAG_EXTENSION = 0x01;
const TAG_BRANCH = 0x02;
const TAG_BRANCH_WITH_VALUE = 0x03;

// Encodings are carved out of shared 16 KiB slabs: one ArrayBuffer per encoding costs an
// off-heap allocation and a backing store for the GC to track, which measured as a large
// share of root() time. A retained encoding keeps at most its slab (~30 branches) alive.
const SLAB_SIZE = 16384;
let slab = new Uint8Array(SLAB_SIZE);
let slabOffset = 0;

function allocate(length: number): Uint8Array {
  if (length > SLAB_SIZE / 4) return new Uint8Array(length);
  if (slabOffset + length > SLAB_SIZE) {
    slab = new Uint8Array(SLAB_SIZE);
    slabOffset = 0;
  }
  const out = slab.subarray(slabOffset, slabOffset + length);
  slabOffset += length;
  return out;
}

function varintLength(n: number): number {
  let len = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 128);
    len++;
  }
  return len;
}

function writeVarint(out: Uint8Array, offset: number, n: number): number {
  while (n >= 0x80) {
    out[offset++] = (n & 0x7f) | 0x80;
    n = Math.floor(n / 128);
  }
  out[offset++] = n;
  return offset;
}

function pathLength(path: Uint8Array): number {
  return varintLength(path.length) + ((path.length + 1) >> 1);
}

function writePath(out: Uint8Array, offset: number, path: Uint8Array): number {
  offset = writeVarint(out, offset, path.length);
  for (let i = 0; i < path.length; i += 2) {
    out[offset++] = (path[i] << 4) | (i + 1 < path.length ? path[i + 1] : 0);
  }
  return offset;
}

/** Copies `src` into `out` at `offset`; a plain loop beats `set()` for the short arrays here. */
function copy(out: Uint8Array, offset: number, src: Uint8Array): number {
  const n = src.length;
  if (n > 64) {
    out.set(src, offset);
    return offset + n;
  }
  for (let i = 0; i < n; i++) out[offset + i] = src[i];
  return offset + n;
}

function writeValue(out: Uint8Array, offset: number, value: Uint8Array): number {
  return copy(out, writeVarint(out, offset, value.length), value);
}

function childHash(ref: ChildRef): Uint8Array {
  if (ref instanceof Uint8Array) return ref;
  if (ref.hash === null) throw new Error("trie codec: child encoded before it was hashed");
  return ref.hash;
}

/** Encodes a node whose children (if any) are hashes or already-hashed nodes. */
export function encodeNode(node: TrieNode): Uint8Array {
  switch (node.kind) {
    case LEAF: {
      const out = allocate(1 + pathLength(node.path) + varintLength(node.value.length) + node.value.length);
      out[0] = TAG_LEAF;
      writeValue(out, writePath(out, 1, node.path), node.value);
      return out;
    }
    case EXTENSION: {
      const out = allocate(1 + pathLength(node.path) + HASH_LENGTH);
      out[0] = TAG_EXTENSION;
      copy(out, writePath(out, 1, node.path), childHash(node.child));
      return out;
    }
    case BRANCH: {
      let bitmap = 0;
      let count = 0;
      for (let i = 0; i < 16; i++) {
        if (node.children[i] !== null) {
          bitmap |= 1 << i;
          count++;
        }
      }
      const value = node.value;
      const valueLength = value === null ? 0 : varintLength(value.length) + value.length;
      const out = allocate(3 + count * HASH_LENGTH + valueLength);
      out[0] = value === null ? TAG_BRANCH : TAG_BRANCH_WITH_VALUE;
      out[1] = bitmap >> 8;
      out[2] = bitmap & 0xff;
      let offset = 3;
      for (let i = 0; i < 16; i++) {
        const child = node.children[i];
        if (child === null) continue;
        offset = copy(out, offset, childHash(child));
      }
      if (value !== null) writeValue(out, offset, value);
      return out;
    }
  }
}

/** Reads untrusted bytes; every failure is an `INVALID_NODE` error naming the node's hash. */
class Reader {
  private readonly bytes: Uint8Array;
  private readonly hash: Uint8Array;
  offset = 0;

  constructor(bytes: Uint8Array, hash: Uint8Array) {
    this.bytes = bytes;
    this.hash = hash;
  }

  fail(reason: string): never {
    throw new TrieError({ code: "INVALID_NODE", hash: toHex(this.hash), reason });
  }

  remaining(): number {
    return this.bytes.length - this.offset;
  }

  byte(): number {
    if (this.offset >= this.bytes.length) this.fail("truncated");
    return this.bytes[this.offset++];
  }

  take(length: number): Uint8Array {
    if (length > this.remaining()) this.fail("truncated");
    const out = this.bytes.subarray(this.offset, this.offset + length);
    this.offset += length;
    return out;
  }

  varint(): number {
    let n = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const b = this.byte();
      n += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) {
        if (b === 0 && shift > 0) this.fail("non-canonical varint");
        if (n > 0xffffffff) this.fail("varint out of range");
        return n;
      }
    }
    return this.fail("varint too long");
  }

  path(): Uint8Array {
    const count = this.varint();
    const packed = this.take((count + 1) >> 1);
    const path = new Uint8Array(count);
    for (let i = 0; i < count; i++) path[i] = i & 1 ? packed[i >> 1] & 15 : packed[i >> 1] >> 4;
    if (count & 1 && (packed[packed.length - 1] & 15) !== 0) this.fail("non-zero padding nibble");
    return path;
  }

  value(): Uint8Array {
    return this.take(this.varint());
  }

  end(): void {
    if (this.remaining() !== 0) this.fail("trailing bytes");
  }
}

/**
 * Decodes a node read from the database or a proof. Byte fields (values, child hashes) are
 * views into `encoded`, which the node keeps as its stored encoding.
 */
export function decodeNode(encoded: Uint8Array, hash: Uint8Array): TrieNode {
  const r = new Reader(encoded, hash);
  let node: TrieNode;
  const tag = r.byte();
  switch (tag) {
    case TAG_LEAF: {
      const path = r.path();
      node = new LeafNode(path, r.value());
      break;
    }
    case TAG_EXTENSION: {
      const path = r.path();
      if (path.length === 0) r.fail("extension with empty path");
      node = new ExtensionNode(path, r.take(HASH_LENGTH));
      break;
    }
    case TAG_BRANCH:
    case TAG_BRANCH_WITH_VALUE: {
      const bitmap = (r.byte() << 8) | r.byte();
      const children = emptyChildren();
      let count = 0;
      for (let i = 0; i < 16; i++) {
        if (bitmap & (1 << i)) {
          children[i] = r.take(HASH_LENGTH);
          count++;
        }
      }
      const value = tag === TAG_BRANCH_WITH_VALUE ? r.value() : null;
      // A branch with one entry in all would have been collapsed into a leaf or extension.
      if (count + (value === null ? 0 : 1) < 2) r.fail("branch with fewer than two entries");
      node = new BranchNode(children, value);
      break;
    }
    default:
      return r.fail(`unknown node tag ${tag}`);
  }
  r.end();
  node.hash = hash;
  node.encoded = encoded;
  node.stored = true;
  return node;
}
