import assert from "node:assert/strict";
import { bytesEqual, toHex } from "../../../../primitives/bytes.ts";
import { decodeNode } from "../../../../primitives/trie/codec.ts";
import { MemoryNodeStore } from "../../../../primitives/trie/nodeStore.ts";
import { EMPTY_TRIE_ROOT, MerkleTrie } from "../../../../primitives/trie/trie.ts";
import { Prng } from "./helpers.ts";

/** Every node occurrence reachable from `root` (a subtree at two places counts twice), by hash. */
function occurrences(root: Uint8Array, store: MemoryNodeStore): Map<string, number> {
  const counts = new Map<string, number>();
  if (bytesEqual(root, EMPTY_TRIE_ROOT)) return counts;
  const stack = [root];
  while (stack.length > 0) {
    const hash = stack.pop() as Uint8Array;
    const id = toHex(hash);
    counts.set(id, (counts.get(id) ?? 0) + 1);
    const encoded = store.getNode(hash);
    assert.ok(encoded, `node ${id} missing`);
    const node = decodeNode(encoded, hash);
    if (node.kind === 1) stack.push(node.child as Uint8Array);
    if (node.kind === 2) for (const child of node.children) if (child !== null) stack.push(child as Uint8Array);
  }
  return counts;
}

function add(counts: Map<string, number>, hashes: Iterable<Uint8Array>, sign: 1 | -1): void {
  for (const hash of hashes) {
    const id = toHex(hash);
    const next = (counts.get(id) ?? 0) + sign;
    assert.ok(next >= 0, `removed ${id} more often than it occurs`);
    if (next === 0) counts.delete(id);
    else counts.set(id, next);
  }
}

const sorted = (counts: Map<string, number>): Array<[string, number]> => [...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

/**
 * Random puts and deletes over a small key space (short keys, few values: shared prefixes, keys
 * that prefix others, identical subtrees at several places, splits, merges and collapses), in
 * rounds. Each round runs on a fresh trie opened at the last root, or (`reuse`) on the same
 * instance after its previous commit.
 */
function checkRounds(seed: number, reuse: boolean): void {
  const rng = new Prng(seed);
  const store = new MemoryNodeStore();
  let root = EMPTY_TRIE_ROOT;
  let trie = new MerkleTrie(root, store);
  for (let round = 0; round < 40; round++) {
    if (!reuse) trie = new MerkleTrie(root, store);
    const before = occurrences(root, store);
    const ops = 1 + rng.below(30);
    for (let i = 0; i < ops; i++) {
      const key = rng.bytes(rng.below(4));
      if (rng.below(3) === 0) trie.del(key);
      else trie.put(key, Uint8Array.of(rng.below(3)));
    }
    const { root: next, nodes, removed } = trie.commit();
    store.putNodes(nodes);
    const expected = new Map(before);
    add(expected, removed, -1);
    add(
      expected,
      nodes.map(([h]) => h),
      1,
    );
    assert.deepEqual(sorted(expected), sorted(occurrences(next, store)), `seed ${seed} round ${round}`);
    root = next;
  }
}

describe("MerkleTrie.commit removed nodes", () => {
  it("parent's node occurrences − removed + inserted = the new state's, fresh trie per round", () => {
    for (let seed = 1; seed <= 60; seed++) checkRounds(seed, false);
  });

  it("the same holds for one trie instance committed round after round", () => {
    for (let seed = 101; seed <= 160; seed++) checkRounds(seed, true);
  });

  it("a put of an unchanged value and a delete of an absent key remove nothing", () => {
    const store = new MemoryNodeStore();
    const trie = new MerkleTrie(EMPTY_TRIE_ROOT, store);
    trie.put(Uint8Array.of(1, 2), Uint8Array.of(7));
    trie.put(Uint8Array.of(1, 3), Uint8Array.of(8));
    const first = trie.commit();
    store.putNodes(first.nodes);
    assert.equal(first.removed.length, 0);
    const again = new MerkleTrie(first.root, store);
    again.put(Uint8Array.of(1, 2), Uint8Array.of(7));
    again.del(Uint8Array.of(9));
    const second = again.commit();
    assert.deepEqual([second.nodes.length, second.removed.length], [0, 0]);
  });
});
