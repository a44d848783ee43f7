import assert from "node:assert/strict";
import { compareBytes, fromHex, toHex, utf8 } from "../../../../primitives/bytes.ts";
import { blake2b256 } from "../../../../primitives/hash.ts";
import { TrieError } from "../../../../primitives/trie/errors.ts";
import { MemoryNodeStore } from "../../../../primitives/trie/nodeStore.ts";
import { EMPTY_TRIE_ROOT, MerkleTrie } from "../../../../primitives/trie/trie.ts";
import { Prng } from "./helpers.ts";

type Entries = Array<[Uint8Array, Uint8Array]>;

function trieOf(entries: Entries, db = new MemoryNodeStore()): MerkleTrie {
  const trie = new MerkleTrie(EMPTY_TRIE_ROOT, db);
  for (const [k, v] of entries) trie.put(k, v);
  return trie;
}

const rootOf = (entries: Entries): string => toHex(trieOf(entries).root());
const hex = (entries: Iterable<[Uint8Array, Uint8Array]>): string[][] => [...entries].map(([k, v]) => [toHex(k), toHex(v)]);

/** Keys chosen to make every node kind and every split: shared prefixes, a key that is a prefix of others. */
const STRUCTURED: Entries = [
  ["0x", "0x01"],
  ["0x12", "0x02"],
  ["0x1234", "0x03"],
  ["0x1235", "0x04"],
  ["0x123456", "0x"],
  ["0x12345678", "0x06"],
  ["0x1300", "0x07"],
  ["0xabcdef0123", "0x08"],
  ["0xabcdef0124", "0x09"],
  ["0xabcdff", "0x0a"],
  ["0xff", "0x0b"],
].map(([k, v]) => [fromHex(k), fromHex(v)]);

describe("MerkleTrie", () => {
  it("has EMPTY_TRIE_ROOT = blake2b-256 of the empty string when empty", () => {
    assert.equal(toHex(EMPTY_TRIE_ROOT), toHex(blake2b256(new Uint8Array(0))));
    assert.equal(toHex(new MerkleTrie(EMPTY_TRIE_ROOT, new MemoryNodeStore()).root()), toHex(EMPTY_TRIE_ROOT));
    const trie = trieOf([[utf8("a"), utf8("1")]]);
    trie.del(utf8("a"));
    assert.equal(toHex(trie.root()), toHex(EMPTY_TRIE_ROOT));
    assert.deepEqual([...trie.entries()], []);
  });

  it("produces the documented example exactly (docs/state-trie.md; any change here is a consensus change)", () => {
    const trie = trieOf([
      [fromHex("0x1234"), fromHex("0x01")],
      [fromHex("0x1256"), fromHex("0x02")],
      [fromHex("0x12"), new Uint8Array(0)],
    ]);
    const { root, nodes } = trie.commit();
    assert.equal(toHex(root), "0x1a13214f27d8e4d6ea04ea439a3e3df1d699b0f7b0e429114c6b30e0f8d403a4");
    const leaf34 = "0x0001400101";
    const leaf56 = "0x0001600102";
    const branch = `0x030028${toHex(blake2b256(fromHex(leaf34))).slice(2)}${toHex(blake2b256(fromHex(leaf56))).slice(2)}00`;
    const extension = `0x010212${toHex(blake2b256(fromHex(branch))).slice(2)}`;
    assert.deepEqual(nodes.map(([, encoded]) => toHex(encoded)), [leaf34, leaf56, branch, extension]);
    assert.equal(toHex(blake2b256(fromHex(extension))), toHex(root));
  });

  it("reads back what was written, including keys that are prefixes of other keys", () => {
    const trie = trieOf(STRUCTURED);
    for (const [k, v] of STRUCTURED) assert.equal(toHex(trie.get(k) ?? utf8("absent")), toHex(v), toHex(k));
    for (const absent of ["0x01", "0x123457", "0x1234567800", "0x13", "0xabcdef", "0xabcdef01", "0xfe", "0xffff"]) {
      assert.equal(trie.get(fromHex(absent)), undefined, absent);
    }
  });

  it("keeps an empty value distinct from an absent key", () => {
    const trie = trieOf([[utf8("k"), new Uint8Array(0)]]);
    assert.deepEqual(trie.get(utf8("k")), new Uint8Array(0));
    assert.notEqual(toHex(trie.root()), toHex(EMPTY_TRIE_ROOT));
    trie.del(utf8("k"));
    assert.equal(trie.get(utf8("k")), undefined);
    assert.equal(toHex(trie.root()), toHex(EMPTY_TRIE_ROOT));
  });

  it("gives a root that depends on the contents only, not on insertion order", () => {
    const expected = rootOf(STRUCTURED);
    const prng = new Prng(5);
    for (let round = 0; round < 20; round++) assert.equal(rootOf(prng.shuffle(STRUCTURED)), expected);
  });

  it("changes the root with any value or key change and restores it when the change is undone", () => {
    const trie = trieOf(STRUCTURED);
    const before = toHex(trie.root());
    trie.put(fromHex("0x1234"), fromHex("0x33"));
    const changed = toHex(trie.root());
    assert.notEqual(changed, before);
    trie.put(fromHex("0x1234"), fromHex("0x03"));
    assert.equal(toHex(trie.root()), before);
    trie.put(fromHex("0x1234"), fromHex("0x03")); // same value again: still the same root
    assert.equal(toHex(trie.root()), before);
  });

  it("collapses branches and extensions on delete: the root equals a fresh trie of the remaining entries", () => {
    // Each key alone, then all keys one after another.
    for (let skip = 0; skip < STRUCTURED.length; skip++) {
      const trie = trieOf(STRUCTURED);
      trie.root(); // hashed nodes must be re-hashed correctly after restructuring
      trie.del(STRUCTURED[skip][0]);
      const rest = STRUCTURED.filter((_, i) => i !== skip);
      assert.equal(toHex(trie.root()), rootOf(rest), `without ${toHex(STRUCTURED[skip][0])}`);
    }
    const trie = trieOf(STRUCTURED);
    for (let n = 0; n < STRUCTURED.length; n++) {
      trie.del(STRUCTURED[n][0]);
      assert.equal(toHex(trie.root()), rootOf(STRUCTURED.slice(n + 1)));
    }
  });

  it("leaves the root unchanged when deleting an absent key", () => {
    const trie = trieOf(STRUCTURED);
    const before = toHex(trie.commit().root);
    for (const k of ["0x1234567800", "0x123457", "0x13", "0xabcdef01", "0xfe", "0xaa"]) trie.del(fromHex(k));
    assert.equal(toHex(trie.root()), before);
    assert.equal(trie.commit().nodes.length, 0, "nothing was re-created");
  });

  it("reopens from the committed nodes by root with the same reads, lazily loading nodes", () => {
    const db = new MemoryNodeStore();
    const trie = trieOf(STRUCTURED, db);
    const { root, nodes } = trie.commit();
    assert.equal(toHex(root), toHex(trie.root()));
    db.putNodes(nodes);
    const reopened = new MerkleTrie(root, db);
    for (const [k, v] of STRUCTURED) assert.equal(toHex(reopened.get(k) ?? utf8("absent")), toHex(v));
    assert.deepEqual(hex(reopened.entries()), hex(trie.entries()));
    assert.equal(toHex(reopened.root()), toHex(root));

    // Changes on the reopened trie commit only new nodes, and those suffice to open the new root.
    reopened.put(fromHex("0x1234"), fromHex("0x44"));
    reopened.del(fromHex("0xff"));
    const second = reopened.commit();
    assert.ok(second.nodes.length > 0 && second.nodes.length < nodes.length);
    db.putNodes(second.nodes);
    const again = new MerkleTrie(second.root, db);
    assert.equal(toHex(again.get(fromHex("0x1234")) ?? new Uint8Array(0)), "0x44");
    assert.equal(again.get(fromHex("0xff")), undefined);
    assert.equal(toHex(new MerkleTrie(root, db).get(fromHex("0xff")) ?? new Uint8Array(0)), "0x0b", "the old state stays readable");
  });

  it("commits exactly the new nodes reachable from the new root, with hash = blake2b-256(encoding)", () => {
    // A trie built with churn (overwrites, deletes, intermediate roots) commits the same node
    // set as one built directly from its final contents.
    const churned = new MerkleTrie(EMPTY_TRIE_ROOT, new MemoryNodeStore());
    for (const [k] of STRUCTURED) churned.put(k, utf8("temporary"));
    churned.root();
    churned.put(utf8("gone"), utf8("soon"));
    churned.root();
    churned.del(utf8("gone"));
    for (const [k, v] of STRUCTURED) churned.put(k, v);
    const committed = churned.commit();
    const direct = trieOf(STRUCTURED).commit();
    const ids = (nodes: Entries) => nodes.map(([h]) => toHex(h)).sort();
    assert.deepEqual(ids(committed.nodes), ids(direct.nodes));
    for (const [hash, encoded] of committed.nodes) assert.equal(toHex(hash), toHex(blake2b256(encoded)));
    assert.equal(churned.commit().nodes.length, 0, "a second commit without changes has nothing new");
  });

  it("throws a typed MISSING_NODE error when the database lacks a node", () => {
    const { root } = trieOf(STRUCTURED).commit();
    const trie = new MerkleTrie(root, new MemoryNodeStore());
    assert.equal(toHex(trie.root()), toHex(root), "root() of an unchanged trie needs no node");
    assert.throws(
      () => trie.get(fromHex("0x12")),
      (e: unknown) => e instanceof TrieError && e.type.code === "MISSING_NODE" && e.type.hash === toHex(root),
    );
  });

  it("rejects a corrupt database node with a typed INVALID_NODE error", () => {
    const db = new MemoryNodeStore();
    const { root } = trieOf(STRUCTURED).commit();
    db.putNode(root, fromHex("0x07"));
    assert.throws(
      () => new MerkleTrie(root, db).get(fromHex("0x12")),
      (e: unknown) => e instanceof TrieError && e.type.code === "INVALID_NODE",
    );
  });

  describe("entries", () => {
    const sorted = STRUCTURED.slice().sort((a, b) => compareBytes(a[0], b[0]));

    it("lists every entry in ascending key order, a key before its extensions", () => {
      assert.deepEqual(hex(trieOf(new Prng(6).shuffle(STRUCTURED)).entries()), hex(sorted));
    });

    it("lists the entries under a prefix, whether it ends at a branch, inside an extension or inside a leaf", () => {
      const trie = trieOf(STRUCTURED);
      const under = (prefix: string) => hex(trie.entries(fromHex(prefix))).map(([k]) => k);
      assert.deepEqual(under("0x12"), ["0x12", "0x1234", "0x123456", "0x12345678", "0x1235"]);
      assert.deepEqual(under("0x1234"), ["0x1234", "0x123456", "0x12345678"]);
      assert.deepEqual(under("0x123456"), ["0x123456", "0x12345678"]);
      assert.deepEqual(under("0x12345678"), ["0x12345678"]);
      assert.deepEqual(under("0xab"), ["0xabcdef0123", "0xabcdef0124", "0xabcdff"]);
      assert.deepEqual(under("0xabcdef"), ["0xabcdef0123", "0xabcdef0124"]); // ends inside an extension
      assert.deepEqual(under("0xabcdef01"), ["0xabcdef0123", "0xabcdef0124"]);
      assert.deepEqual(under("0xabcdef0124"), ["0xabcdef0124"]);
      assert.deepEqual(under("0xabcd"), ["0xabcdef0123", "0xabcdef0124", "0xabcdff"]);
      assert.deepEqual(under("0x13"), ["0x1300"]); // ends inside a leaf's path
      assert.deepEqual(under("0x1301"), []);
      assert.deepEqual(under("0xabce"), []);
      assert.deepEqual(under("0xabcdef0125"), []);
      assert.deepEqual(under("0x1234567800"), []);
      assert.deepEqual(under("0x"), sorted.map(([k]) => toHex(k)));
    });

    it("reads through nodes loaded from the database", () => {
      const db = new MemoryNodeStore();
      const { root, nodes } = trieOf(STRUCTURED).commit();
      db.putNodes(nodes);
      assert.deepEqual(hex(new MerkleTrie(root, db).entries(fromHex("0x12"))), hex(sorted.filter(([k]) => k[0] === 0x12)));
    });
  });

  it("agrees with a Map through random puts, deletes, commits and reopens (seeded)", () => {
    const prng = new Prng(7);
    const db = new MemoryNodeStore();
    let trie = new MerkleTrie(EMPTY_TRIE_ROOT, db);
    const reference = new Map<string, Uint8Array>();
    // Short keys over a small alphabet force shared prefixes and keys that prefix others.
    const randomKey = (): Uint8Array => Uint8Array.from({ length: prng.below(5) }, () => [0x00, 0x01, 0x10, 0xff][prng.below(4)]);
    for (let step = 1; step <= 3000; step++) {
      const key = randomKey();
      if (prng.below(3) === 0) {
        trie.del(key);
        reference.delete(toHex(key));
      } else {
        const value = prng.bytes(prng.below(4));
        trie.put(key, value);
        reference.set(toHex(key), value);
      }
      if (step % 100 === 0) {
        const expected = [...reference].sort(([a], [b]) => compareBytes(fromHex(a), fromHex(b))).map(([k, v]) => [k, toHex(v)]);
        assert.deepEqual(hex(trie.entries()), expected, `entries at step ${step}`);
        const fresh = trieOf(expected.map(([k, v]) => [fromHex(k), fromHex(v)]));
        assert.equal(toHex(trie.root()), toHex(fresh.root()), `root at step ${step}`);
        for (const [k, v] of reference) assert.equal(toHex(trie.get(fromHex(k)) ?? utf8("absent")), toHex(v));
      }
      if (step % 250 === 0) {
        const { root, nodes } = trie.commit();
        db.putNodes(nodes);
        trie = new MerkleTrie(root, db);
      }
    }
  });

  it("handles 32-byte hashed keys as the chain uses them (seeded)", () => {
    const prng = new Prng(8);
    const entries: Entries = Array.from({ length: 2000 }, () => [prng.bytes(32), prng.bytes(1 + prng.below(60))]);
    const trie = trieOf(entries);
    const root = toHex(trie.root());
    assert.equal(rootOf(entries.slice().reverse()), root);
    for (const [k, v] of entries) assert.equal(toHex(trie.get(k) ?? new Uint8Array(0)), toHex(v));
    for (const [k] of entries.slice(0, 1000)) trie.del(k);
    assert.equal(toHex(trie.root()), rootOf(entries.slice(1000)));
  });
});
