import { strict as assert } from "node:assert";
import { bytesEqual } from "../../../../primitives/bytes.ts";
import { PackedTrieNodes } from "../../../../primitives/trie/packedNodes.ts";

function record(i: number, length: number): [Uint8Array, Uint8Array] {
  return [new Uint8Array(32).fill(i & 255), new Uint8Array(length).fill((i * 7) & 255)];
}

describe("PackedTrieNodes", () => {
  it("gives back every node in push order, across chunks and past the largest chunk", () => {
    // 3,000 nodes of up to 1 KiB span several chunks; one of 20 MiB is larger than any chunk.
    const lengths = Array.from({ length: 3000 }, (_, i) => (i === 1500 ? 20 * 1024 * 1024 : (i * 37) % 1024));
    const nodes = new PackedTrieNodes();
    for (const [i, length] of lengths.entries()) nodes.push(...record(i, length));
    assert.equal(nodes.length, lengths.length);
    for (const [i, length] of lengths.entries()) {
      const [hash, node] = record(i, length);
      assert.ok(bytesEqual(nodes.hash(i), hash), `hash ${i}`);
      assert.ok(bytesEqual(nodes.node(i), node), `node ${i}`);
    }
    assert.equal([...nodes].length, lengths.length);
  });

  it("refuses a hash that is not 32 bytes and an index out of range", () => {
    const nodes = new PackedTrieNodes();
    assert.throws(() => nodes.push(new Uint8Array(31), new Uint8Array(1)), RangeError);
    nodes.push(...record(0, 4));
    assert.throws(() => nodes.node(1), RangeError);
    assert.throws(() => nodes.hash(-1), RangeError);
  });
});
