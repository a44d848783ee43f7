import assert from "node:assert/strict";
import { compareBytes, toHex } from "../../../../primitives/bytes.ts";
import { trieFromSortedEntries } from "../../../../primitives/trie/fromSorted.ts";
import { MemoryNodeStore } from "../../../../primitives/trie/nodeStore.ts";
import { EMPTY_TRIE_ROOT, MerkleTrie } from "../../../../primitives/trie/trie.ts";
import { Prng } from "./helpers.ts";

type Entry = { key: Uint8Array; value: Uint8Array };

/** The root and node set of putting every entry into an empty trie and committing. */
function byPuts(entries: readonly Entry[]): { root: string; nodes: string[] } {
  const trie = new MerkleTrie(EMPTY_TRIE_ROOT, new MemoryNodeStore());
  for (const { key, value } of entries) trie.put(key, value);
  const { root, nodes } = trie.commit();
  return { root: toHex(root), nodes: [...nodes].map(([h, n]) => toHex(h) + ":" + toHex(n)).sort() };
}

function bySort(entries: readonly Entry[]): { root: string; nodes: string[] } {
  const sorted = [...entries].sort((a, b) => compareBytes(a.key, b.key));
  const { root, nodes } = trieFromSortedEntries(sorted);
  return { root: toHex(root), nodes: [...nodes].map(([h, n]) => toHex(h) + ":" + toHex(n)).sort() };
}

/** Distinct random keys, some sharing long prefixes and some prefixes of others (branch values). */
function randomEntries(prng: Prng, count: number): Entry[] {
  const keys = new Map<string, Uint8Array>();
  const prefixes = [prng.bytes(8), prng.bytes(8), prng.bytes(3)];
  while (keys.size < count) {
    const kind = prng.below(4);
    const key =
      kind === 0
        ? prng.bytes(1 + prng.below(6))
        : kind === 3 && keys.size > 0
          ? [...keys.values()][prng.below(keys.size)].slice(0, 1 + prng.below(4))
          : Uint8Array.from([...prefixes[prng.below(prefixes.length)], ...prng.bytes(prng.below(5))]);
    keys.set(toHex(key), key);
  }
  return [...keys.values()].map((key) => ({ key, value: prng.bytes(1 + prng.below(40)) }));
}

describe("trieFromSortedEntries", () => {
  it("gives the root and the nodes of putting the same entries into an empty trie", () => {
    const prng = new Prng(15);
    for (const count of [1, 2, 3, 17, 200, 1500]) {
      const entries = randomEntries(prng, count);
      assert.deepEqual(bySort(entries), byPuts(entries), `${count} entries`);
    }
  });

  it("gives the empty root for no entries", () => {
    assert.equal(toHex(trieFromSortedEntries([]).root), toHex(EMPTY_TRIE_ROOT));
  });

  it("refuses entries out of order or repeated", () => {
    const a = { key: Uint8Array.of(1), value: Uint8Array.of(9) };
    const b = { key: Uint8Array.of(2), value: Uint8Array.of(9) };
    assert.throws(() => trieFromSortedEntries([b, a]), RangeError);
    assert.throws(() => trieFromSortedEntries([a, a]), RangeError);
  });
});
