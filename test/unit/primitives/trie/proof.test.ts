import assert from "node:assert/strict";
import { fromHex, toHex, u32ToBytes, utf8 } from "../../../../primitives/bytes.ts";
import { blake2b256 } from "../../../../primitives/hash.ts";
import { TrieProofError } from "../../../../primitives/trie/errors.ts";
import type { TrieProofErrorType } from "../../../../primitives/trie/errors.ts";
import { MemoryNodeStore } from "../../../../primitives/trie/nodeStore.ts";
import { orderedTrieRoot, verifyProof, verifyProofs } from "../../../../primitives/trie/proof.ts";
import { EMPTY_TRIE_ROOT, MerkleTrie } from "../../../../primitives/trie/trie.ts";
import { Prng } from "./helpers.ts";

const ENTRIES: Array<[string, string]> = [
  ["0x", "0x01"],
  ["0x12", "0x02"],
  ["0x1234", "0x"],
  ["0x123456", "0x04"],
  ["0x1300", "0x05"],
  ["0xabcdef0123", "0x06"],
  ["0xabcdef0124", "0x07"],
  ["0xabcdff", "0x08"],
];

function build(entries = ENTRIES): MerkleTrie {
  const trie = new MerkleTrie(EMPTY_TRIE_ROOT, new MemoryNodeStore());
  for (const [k, v] of entries) trie.put(fromHex(k), fromHex(v));
  return trie;
}

function assertProofError(fn: () => unknown, code: TrieProofErrorType["code"]): void {
  assert.throws(fn, (e: unknown) => e instanceof TrieProofError && e.type.code === code);
}

describe("read proofs", () => {
  const trie = build();
  const root = trie.root();

  it("prove a present key and its value, including an empty value and the empty key", () => {
    for (const [k, v] of ENTRIES) {
      const result = verifyProof(root, fromHex(k), trie.prove(fromHex(k)));
      assert.ok(result.found, k);
      assert.equal(toHex(result.value), v);
    }
  });

  it("prove absence wherever the path ends: empty slot, inside an extension, at a leaf, past a leaf, valueless branch", () => {
    // 0x5… hits an empty branch slot; 0xabce leaves an extension; 0x1301 differs from a leaf;
    // 0x123456ff runs past a leaf; 0xabcdef01 stops at a branch without a value.
    for (const k of ["0x55", "0xabce", "0x1301", "0x123456ff", "0xabcdef01", "0x13"]) {
      const proof = trie.prove(fromHex(k));
      assert.ok(proof.length > 0);
      assert.deepEqual(verifyProof(root, fromHex(k), proof), { found: false }, k);
    }
  });

  it("prove anything absent from the empty trie with an empty proof", () => {
    const empty = new MerkleTrie(EMPTY_TRIE_ROOT, new MemoryNodeStore());
    assert.deepEqual(empty.prove(utf8("x")), []);
    assert.deepEqual(verifyProof(EMPTY_TRIE_ROOT, utf8("x"), []), { found: false });
  });

  it("start at the root and follow the key's path, one node per level", () => {
    const proof = trie.prove(fromHex("0x123456"));
    assert.equal(toHex(blake2b256(proof[0])), toHex(root));
    // root branch → branch under nibble 1 → branch holding 0x12 → extension "4" → branch
    // holding 0x1234 → leaf "6" holding 0x123456
    assert.deepEqual(proof.map((node) => node[0]), [3, 2, 3, 1, 3, 0]);
  });

  it("prove keys of a reopened trie the same way, reading nodes from the database", () => {
    const db = new MemoryNodeStore();
    const committed = build().commit();
    db.putNodes(committed.nodes);
    const reopened = new MerkleTrie(committed.root, db);
    assert.deepEqual(reopened.prove(fromHex("0xabcdff")).map(toHex), trie.prove(fromHex("0xabcdff")).map(toHex));
  });

  it("reflect uncommitted changes: the proof is for the current root", () => {
    const changed = build();
    changed.put(fromHex("0x1234"), utf8("new"));
    const result = verifyProof(changed.root(), fromHex("0x1234"), changed.prove(fromHex("0x1234")));
    assert.ok(result.found);
    assert.equal(toHex(result.value), toHex(utf8("new")));
  });

  it("fail with ROOT_MISMATCH against a different root", () => {
    const proof = trie.prove(fromHex("0x12"));
    const other = build([...ENTRIES, ["0x99", "0x09"]]).root();
    assertProofError(() => verifyProof(other, fromHex("0x12"), proof), "ROOT_MISMATCH");
    assertProofError(() => verifyProof(root, fromHex("0x12"), []), "ROOT_MISMATCH");
  });

  it("fail with MISSING_NODE when a node of the path is left out", () => {
    const proof = trie.prove(fromHex("0x123456"));
    for (let i = 1; i < proof.length; i++) {
      const partial = proof.filter((_, j) => j !== i);
      assertProofError(() => verifyProof(root, fromHex("0x123456"), partial), "MISSING_NODE");
    }
  });

  it("fail when any single byte of any proof node is changed", () => {
    for (const key of ["0x123456", "0xabcdef0124", "0xabce", "0x"]) {
      const proof = trie.prove(fromHex(key));
      for (let n = 0; n < proof.length; n++) {
        for (let i = 0; i < proof[n].length; i++) {
          for (const flip of [0x01, 0x80]) {
            const tampered = proof.map((node) => node.slice());
            tampered[n][i] ^= flip;
            assert.throws(
              () => verifyProof(root, fromHex(key), tampered),
              (e: unknown) => e instanceof TrieProofError,
              `key ${key}, node ${n}, byte ${i}`,
            );
          }
        }
      }
    }
  });

  it("reject a malformed node that the root commits to with INVALID_NODE, never a crash", () => {
    const malformed = fromHex("0x0003123102"); // odd path with non-zero padding, truncated value
    assertProofError(() => verifyProof(blake2b256(malformed), utf8("k"), [malformed]), "INVALID_NODE");
  });

  it("ignore the order of proof nodes and extra nodes", () => {
    const proof = trie.prove(fromHex("0x123456"));
    const shuffled = [...trie.prove(fromHex("0xabcdff")), ...proof.reverse()];
    const result = verifyProof(root, fromHex("0x123456"), shuffled);
    assert.ok(result.found);
    assert.equal(toHex(result.value), "0x04");
  });

  it("prove several keys at once with each shared node once (state_getReadProof)", () => {
    const keys = ["0x12", "0x1234", "0x123456", "0x1300", "0xabcdef0123", "0x77"].map(fromHex);
    const proof = trie.prove(keys);
    const single = keys.reduce((sum, k) => sum + trie.prove(k).length, 0);
    assert.ok(proof.length < single);
    assert.equal(new Set(proof.map(toHex)).size, proof.length);
    const results = verifyProofs(root, keys, proof);
    assert.deepEqual(
      results.map((r) => (r.found ? toHex(r.value) : null)),
      ["0x02", "0x", "0x04", "0x05", "0x06", null],
    );
    for (const k of keys) verifyProof(root, k, proof);
    // A key whose path the proof does not cover cannot be answered.
    assertProofError(() => verifyProof(root, fromHex("0xabcdff"), trie.prove(fromHex("0x12"))), "MISSING_NODE");
  });

  it("verify presence and absence on a larger trie of 32-byte keys (seeded)", () => {
    const prng = new Prng(9);
    const big = new MerkleTrie(EMPTY_TRIE_ROOT, new MemoryNodeStore());
    const keys = Array.from({ length: 3000 }, () => prng.bytes(32));
    keys.forEach((k, i) => big.put(k, u32ToBytes(i)));
    const bigRoot = big.root();
    for (let i = 0; i < 200; i++) {
      const present = verifyProof(bigRoot, keys[i], big.prove(keys[i]));
      assert.ok(present.found);
      assert.equal(toHex(present.value), toHex(u32ToBytes(i)));
      const absent = prng.bytes(32);
      assert.deepEqual(verifyProof(bigRoot, absent, big.prove(absent)), { found: false });
    }
  });
});

describe("orderedTrieRoot", () => {
  const values = ["one", "two", "three"].map(utf8);

  it("is the root of the trie {u32 big-endian index → value}", () => {
    const trie = new MerkleTrie(EMPTY_TRIE_ROOT, new MemoryNodeStore());
    values.forEach((v, i) => trie.put(u32ToBytes(i), v));
    assert.equal(toHex(orderedTrieRoot(values)), toHex(trie.root()));
    const proof = trie.prove(u32ToBytes(1));
    const result = verifyProof(orderedTrieRoot(values), u32ToBytes(1), proof);
    assert.ok(result.found);
    assert.equal(toHex(result.value), toHex(utf8("two")));
  });

  it("commits to the order and to every value; an empty list gives EMPTY_TRIE_ROOT", () => {
    assert.equal(toHex(orderedTrieRoot([])), toHex(EMPTY_TRIE_ROOT));
    const root = toHex(orderedTrieRoot(values));
    assert.notEqual(toHex(orderedTrieRoot([values[1], values[0], values[2]])), root);
    assert.notEqual(toHex(orderedTrieRoot(values.slice(0, 2))), root);
    assert.notEqual(toHex(orderedTrieRoot([...values, new Uint8Array(0)])), root);
    assert.equal(toHex(orderedTrieRoot(values.map((v) => v.slice()))), root);
  });
});
