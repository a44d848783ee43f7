import assert from "node:assert/strict";
import { fromHex, toHex } from "../../../../primitives/bytes.ts";
import { decodeNode, encodeNode } from "../../../../primitives/trie/codec.ts";
import { TrieError } from "../../../../primitives/trie/errors.ts";
import { BranchNode, ExtensionNode, LeafNode, emptyChildren } from "../../../../primitives/trie/node.ts";
import type { TrieNode } from "../../../../primitives/trie/node.ts";
import { Prng } from "./helpers.ts";

const HASH = new Uint8Array(32).fill(0xaa);
const hashOf = (byte: number): Uint8Array => new Uint8Array(32).fill(byte);

function branch(children: Record<number, Uint8Array>, value: Uint8Array | null): BranchNode {
  const slots = emptyChildren();
  for (const [i, hash] of Object.entries(children)) slots[Number(i)] = hash;
  return new BranchNode(slots, value);
}

function roundTrip(node: TrieNode): TrieNode {
  const encoded = encodeNode(node);
  const decoded = decodeNode(encoded, HASH);
  assert.equal(toHex(encodeNode(decoded)), toHex(encoded), "re-encoding a decoded node gives the same bytes");
  return decoded;
}

function assertInvalid(hex: string, reason: RegExp): void {
  assert.throws(
    () => decodeNode(fromHex(hex), HASH),
    (e: unknown) => e instanceof TrieError && e.type.code === "INVALID_NODE" && reason.test(e.type.reason),
  );
}

describe("trie node codec", () => {
  it("encodes the documented layout: leaf, extension, branch with and without value", () => {
    // leaf: tag 0, 3 nibbles (odd: last low nibble is padding), value of 2 bytes
    assert.equal(toHex(encodeNode(new LeafNode(Uint8Array.of(1, 2, 3), Uint8Array.of(9, 8)))), "0x0003123002" + "0908");
    // leaf at the end of a key (empty path) holding an empty value
    assert.equal(toHex(encodeNode(new LeafNode(new Uint8Array(0), new Uint8Array(0)))), "0x000000");
    // extension: tag 1, 2 nibbles, child hash
    assert.equal(toHex(encodeNode(new ExtensionNode(Uint8Array.of(0xa, 0xb), hashOf(1)))), "0x0102ab" + "01".repeat(32));
    // branch: tag 2, bitmap bit i for child i (u16 big-endian), hashes in nibble order
    assert.equal(toHex(encodeNode(branch({ 0: hashOf(1), 15: hashOf(2) }, null))), "0x028001" + "01".repeat(32) + "02".repeat(32));
    // branch with value: tag 3, the value after the hashes
    assert.equal(toHex(encodeNode(branch({ 4: hashOf(3) }, Uint8Array.of(7)))), "0x030010" + "03".repeat(32) + "0107");
  });

  it("writes lengths as shortest LEB128 varints", () => {
    const value = new Uint8Array(300);
    const encoded = encodeNode(new LeafNode(new Uint8Array(0), value));
    assert.equal(toHex(encoded.subarray(0, 4)), "0x0000ac02");
    assert.equal(encoded.length, 4 + 300);
  });

  it("decodes what it encodes, keeping odd/even paths, empty values and branch values", () => {
    const prng = new Prng(3);
    for (let n = 0; n < 70; n++) {
      const path = Uint8Array.from(prng.bytes(n), (b) => b & 15);
      const value = prng.bytes(prng.below(200));
      const leaf = roundTrip(new LeafNode(path, value)) as LeafNode;
      assert.deepEqual([...leaf.path], [...path]);
      assert.deepEqual([...leaf.value], [...value]);
      if (n > 0) assert.deepEqual([...(roundTrip(new ExtensionNode(path, HASH)) as ExtensionNode).path], [...path]);
    }
    const withEmptyValue = roundTrip(branch({ 3: hashOf(1) }, new Uint8Array(0))) as BranchNode;
    assert.deepEqual(withEmptyValue.value, new Uint8Array(0));
    const full = roundTrip(branch(Object.fromEntries(Array.from({ length: 16 }, (_, i) => [i, hashOf(i)])), null)) as BranchNode;
    assert.deepEqual(full.children.map((c) => toHex(c as Uint8Array)), Array.from({ length: 16 }, (_, i) => toHex(hashOf(i))));
    assert.equal(full.value, null);
  });

  it("marks decoded nodes as stored, with their hash and encoding", () => {
    const encoded = encodeNode(new LeafNode(Uint8Array.of(1), Uint8Array.of(2)));
    const node = decodeNode(encoded, HASH);
    assert.equal(node.stored, true);
    assert.equal(node.hash, HASH);
    assert.equal(node.encoded, encoded);
  });

  it("rejects malformed and non-canonical encodings with INVALID_NODE", () => {
    assertInvalid("0x", /truncated/);
    assertInvalid("0x04", /unknown node tag 4/);
    assertInvalid("0x0003123002", /truncated/); // value shorter than its length
    assertInvalid("0x00031230010700", /trailing bytes/);
    assertInvalid("0x0003123102" + "0908", /padding/);
    assertInvalid("0x00800000", /non-canonical varint/); // 0 written in two bytes
    assertInvalid("0x00ffffffffff0100", /varint/);
    assertInvalid("0x0100" + "01".repeat(32), /empty path/);
    assertInvalid("0x0102ab" + "01".repeat(31), /truncated/);
    assertInvalid("0x020001" + "01".repeat(32), /fewer than two/); // one child, no value
    assertInvalid("0x030000" + "0107", /fewer than two/); // a value alone is a leaf
    assertInvalid("0x028001" + "01".repeat(32), /truncated/); // bitmap announces two children
  });

  it("never fails on random bytes with anything but INVALID_NODE", () => {
    const prng = new Prng(4);
    const valid = [
      encodeNode(new LeafNode(Uint8Array.of(1, 2, 3), Uint8Array.of(9, 8))),
      encodeNode(new ExtensionNode(Uint8Array.of(0xa, 0xb, 0xc), HASH)),
      encodeNode(branch({ 0: hashOf(1), 9: hashOf(2) }, Uint8Array.of(5))),
    ];
    for (let i = 0; i < 5000; i++) {
      // Mutations of valid nodes (flipped bytes, truncation, extension) and pure noise.
      const base = valid[i % 3];
      let bytes: Uint8Array;
      if (i % 4 === 0) bytes = prng.bytes(prng.below(80));
      else if (i % 4 === 1) bytes = base.subarray(0, prng.below(base.length));
      else {
        bytes = base.slice();
        bytes[prng.below(bytes.length)] ^= 1 + prng.below(255);
      }
      try {
        decodeNode(bytes, HASH);
      } catch (e) {
        assert.ok(e instanceof TrieError && e.type.code === "INVALID_NODE", String(e));
      }
    }
  });
});
