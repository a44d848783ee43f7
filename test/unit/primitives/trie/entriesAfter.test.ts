import assert from "node:assert/strict";
import { compareBytes, fromHex, toHex } from "../../../../primitives/bytes.ts";
import { MemoryNodeStore } from "../../../../primitives/trie/nodeStore.ts";
import { EMPTY_TRIE_ROOT, MerkleTrie } from "../../../../primitives/trie/trie.ts";
import { OverlayState } from "../../../../runtime/framework/state.ts";
import { Prng } from "./helpers.ts";

type Entries = Array<[Uint8Array, Uint8Array]>;

function trieOf(entries: Entries, db = new MemoryNodeStore()): MerkleTrie {
  const trie = new MerkleTrie(EMPTY_TRIE_ROOT, db);
  for (const [k, v] of entries) trie.put(k, v);
  return trie;
}

const keysOf = (entries: Iterable<[Uint8Array, Uint8Array]>): string[] => [...entries].map(([k]) => toHex(k));

/** What `entries(prefix, after)` must list: the sorted keys under the prefix, strictly above the bound. */
function expected(sorted: Entries, prefix: Uint8Array, after: Uint8Array): string[] {
  const under = sorted.filter(([k]) => k.length >= prefix.length && compareBytes(k.subarray(0, prefix.length), prefix) === 0);
  return keysOf(under.filter(([k]) => compareBytes(k, after) > 0));
}

/** Every node kind and split: shared prefixes, keys that are prefixes of others, an empty key. */
const STRUCTURED: Entries = ["0x", "0x12", "0x1234", "0x1235", "0x123456", "0x12345678", "0x1300", "0xabcdef0123", "0xabcdef0124", "0xabcdff", "0xff"].map((k) => [fromHex(k), fromHex("0x01")]);

/** Bounds at, between, before, after and inside the structured keys. */
const BOUNDS = ["0x", "0x00", "0x11", "0x12", "0x1200", "0x1233", "0x1234", "0x123455", "0x123456", "0x12345678", "0x1234567800", "0x1235", "0x13", "0x1300", "0x1301", "0xab", "0xabcdef", "0xabcdef0123", "0xabcdef0125", "0xabcdff", "0xac", "0xff", "0xffff"];
const PREFIXES = ["0x", "0x12", "0x1234", "0x13", "0xab", "0xabcdef", "0xff", "0x99"];

describe("MerkleTrie.entries(prefix, after): a cursor over the keys above a bound", () => {
  const sorted = STRUCTURED.slice().sort((a, b) => compareBytes(a[0], b[0]));

  it("lists exactly the keys under the prefix above the bound, in order, for every prefix and bound", () => {
    const trie = trieOf(STRUCTURED);
    for (const prefix of PREFIXES) {
      for (const bound of BOUNDS) {
        assert.deepEqual(keysOf(trie.entries(fromHex(prefix), fromHex(bound))), expected(sorted, fromHex(prefix), fromHex(bound)), `prefix ${prefix}, after ${bound}`);
      }
    }
  });

  it("resumes from each listed key in turn and so lists every entry once (seeded random keys)", () => {
    const rng = new Prng(0xc0ffee);
    const entries: Entries = [];
    for (let i = 0; i < 400; i++) entries.push([Uint8Array.of(7, ...rng.bytes(1 + rng.below(6))), rng.bytes(2)]);
    const db = new MemoryNodeStore();
    const { root, nodes } = trieOf(entries).commit();
    db.putNodes(nodes);
    const trie = new MerkleTrie(root, db);
    const all = keysOf(trie.entries(Uint8Array.of(7)));
    const walked: string[] = [];
    let cursor: Uint8Array | undefined;
    for (;;) {
      const next = trie.entries(Uint8Array.of(7), cursor).next();
      if (next.done) break;
      walked.push(toHex(next.value[0]));
      cursor = next.value[0];
    }
    assert.deepEqual(walked, all);
    for (let i = 0; i < 50; i++) {
      const bound = Uint8Array.of(7, ...rng.bytes(rng.below(5)));
      const sortedAll = entries.slice().sort((a, b) => compareBytes(a[0], b[0]));
      assert.deepEqual(keysOf(trie.entries(Uint8Array.of(7), bound)), [...new Set(expected(sortedAll, Uint8Array.of(7), bound))], toHex(bound));
    }
  });

  it("loads only the path to the bound, not the subtrees before it", () => {
    const entries: Entries = [];
    for (let i = 0; i < 4096; i++) entries.push([Uint8Array.of(i >> 8, i & 0xff), Uint8Array.of(1)]);
    const store = new MemoryNodeStore();
    const { root, nodes } = trieOf(entries).commit();
    store.putNodes(nodes);
    let loads = 0;
    const counting = { getNode: (hash: Uint8Array) => (loads++, store.getNode(hash)) };
    const trie = new MerkleTrie(root, counting);
    const last = trie.entries(new Uint8Array(0), Uint8Array.of(0x0f, 0xfe)).next();
    assert.equal(toHex(last.value?.[0] as Uint8Array), "0x0fff");
    assert.ok(loads <= 8, `${loads} nodes loaded to reach the last key`);
  });
});

describe("OverlayState.entries(prefix, after)", () => {
  it("applies pending writes and deletions above the bound only", () => {
    const k = (...b: number[]): Uint8Array => Uint8Array.from(b);
    const trie = trieOf([k(1, 1), k(1, 3), k(1, 5), k(1, 7), k(2, 0)].map((key) => [key, key]));
    const overlay = new OverlayState(trie);
    overlay.set(k(1, 2), k(9));
    overlay.set(k(1, 4), k(8));
    overlay.delete(k(1, 5));
    overlay.set(k(1, 6), k(7));
    assert.deepEqual(keysOf(overlay.entries(k(1), k(1, 3))), ["0x0104", "0x0106", "0x0107"]);
    assert.deepEqual(keysOf(overlay.entries(k(1), k(1, 2))), ["0x0103", "0x0104", "0x0106", "0x0107"]);
    assert.deepEqual(keysOf(overlay.entries(k(1), k(1, 7))), []);
    assert.deepEqual(keysOf(overlay.entries(k(1), k(0))), ["0x0101", "0x0102", "0x0103", "0x0104", "0x0106", "0x0107"]);
  });
});
