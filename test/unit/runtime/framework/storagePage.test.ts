import assert from "node:assert/strict";
import { MemoryNodeStore } from "../../../../primitives/trie/nodeStore.ts";
import { EMPTY_TRIE_ROOT, MerkleTrie } from "../../../../primitives/trie/trie.ts";
import { RecsByOwner } from "../../../../runtime/modules/recs/storage.ts";

const owner = new Uint8Array(32).fill(7);
const other = new Uint8Array(32).fill(8);
const IDS = 5000;

/** RecsByOwner with 5,000 ids for `owner` and 100 for `other`, committed, read through a store that counts node loads. */
function recsIndex(): { trie: MerkleTrie; loads: () => number } {
  const db = new MemoryNodeStore();
  const building = new MerkleTrie(EMPTY_TRIE_ROOT, db);
  for (let id = 0; id < IDS; id++) building.put(RecsByOwner.key(owner, id), new Uint8Array(0));
  for (let id = 0; id < 100; id++) building.put(RecsByOwner.key(other, IDS + id), new Uint8Array(0));
  const { root, nodes } = building.commit();
  db.putNodes(nodes);
  let loads = 0;
  const trie = new MerkleTrie(root, { getNode: (hash) => (loads++, db.getNode(hash)) });
  return { trie, loads: () => loads };
}

describe("StorageDoubleMap.page", () => {
  it("pages through the first key's entries in storage order, each entry once, starting after the last id of the previous page", () => {
    const { trie } = recsIndex();
    const seen: number[] = [];
    let after: number | undefined;
    for (;;) {
      const page = RecsByOwner.page(trie, owner, 1000, after);
      if (page.length === 0) break;
      assert.ok(page.length <= 1000);
      seen.push(...page.map(([id]) => id));
      after = page[page.length - 1][0];
    }
    assert.equal(seen.length, IDS);
    assert.deepEqual([...seen].sort((a, b) => a - b), Array.from({ length: IDS }, (_, i) => i), "every id once, none of the other owner's");
    // An id that is not in the map is a valid cursor too: the page starts where it would be.
    const missing = RecsByOwner.page(trie, owner, 3, IDS + 50);
    assert.equal(missing.length, 3);
  });

  it("reads a page's own nodes, not the entries before it: a late page costs what the first does", () => {
    const first = recsIndex();
    const firstPage = RecsByOwner.page(first.trie, owner, 100);
    const late = recsIndex();
    const cursor = RecsByOwner.page(first.trie, owner, IDS)[IDS - 150][0];
    const latePage = RecsByOwner.page(late.trie, owner, 100, cursor);
    assert.equal(firstPage.length, 100);
    assert.equal(latePage.length, 100);
    // A walk of the whole prefix loads every node under it (~5,000 leaves and their branches).
    assert.ok(late.loads() < 2 * first.loads() + 20, `late page loaded ${late.loads()} nodes, the first ${first.loads()}`);
    assert.ok(late.loads() < 400, `late page loaded ${late.loads()} nodes`);
  });
});
