import { strict as assert } from "node:assert";
import { toHex } from "../../../../primitives/bytes.ts";
import { MemoryNodeStore } from "../../../../primitives/trie/nodeStore.ts";
import { EMPTY_TRIE_ROOT, MerkleTrie } from "../../../../primitives/trie/trie.ts";
import { OverlayState } from "../../../../runtime/framework/state.ts";

const k = (...b: number[]): Uint8Array => Uint8Array.from(b);

describe("OverlayState.entries", () => {
  it("merges the base trie's entries with pending writes and deletions, in key order", () => {
    const trie = new MerkleTrie(EMPTY_TRIE_ROOT, new MemoryNodeStore());
    for (const key of [k(1, 1), k(1, 3), k(1, 5), k(2, 0)]) trie.put(key, key);
    const overlay = new OverlayState(trie);
    overlay.set(k(1, 2), k(9));
    overlay.set(k(1, 3), k(8));
    overlay.delete(k(1, 5));
    overlay.set(k(1, 6), k(7));
    overlay.set(k(3), k(6));
    const seen = [...overlay.entries(k(1))].map(([key, value]) => [toHex(key), toHex(value)]);
    assert.deepEqual(seen, [
      ["0x0101", "0x0101"],
      ["0x0102", "0x09"],
      ["0x0103", "0x08"],
      ["0x0106", "0x07"],
    ]);
    assert.equal([...overlay.entries()].length, 6);
  });

  it("sees writes made inside an open storage transaction, and not after its rollback", () => {
    const overlay = new OverlayState(new MerkleTrie(EMPTY_TRIE_ROOT, new MemoryNodeStore()));
    overlay.startTransaction();
    overlay.set(k(4, 1), k(1));
    assert.equal([...overlay.entries(k(4))].length, 1);
    overlay.rollbackTransaction();
    assert.equal([...overlay.entries(k(4))].length, 0);
  });
});
