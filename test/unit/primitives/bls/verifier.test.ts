import assert from "node:assert/strict";
import { bls12_381 } from "@noble/curves/bls12-381.js";
import { BLS_DST, createBlsVerifier, type IBlsVerifier, type SignatureSet } from "../../../../primitives/bls/index.ts";
import { nullLogger } from "../../../../primitives/logger.ts";
import { badPublicKeys, badSignatures, message, sameMessageSets, secretKey, validSet, validSets } from "./fixtures.ts";

function invalidIndices(results: boolean[]): number[] {
  return results.flatMap((ok, i) => (ok ? [] : [i]));
}

/** A valid set whose signature covers `message(i)` but is paired with another message, key or bytes. */
function corrupted(i: number, change: Partial<SignatureSet>): SignatureSet {
  return { ...validSet(i), ...change };
}

/**
 * Two signatures that are each invalid but sum to the sum of two valid ones: s₁ + X and
 * s₂ − X. A batch that merely added signatures up would accept both.
 */
function cancellingPair(s1: Uint8Array, s2: Uint8Array): [Uint8Array, Uint8Array] {
  const G2 = bls12_381.G2.Point;
  const x = bls12_381.longSignatures.hash(message(77_777), BLS_DST);
  return [G2.fromBytes(s1).add(x).toBytes(true), G2.fromBytes(s2).subtract(x).toBytes(true)];
}

const implementations = [
  { name: "single-thread, native", opts: { mode: "single-thread", backend: "blst-native" } },
  { name: "pool, native", opts: { mode: "pool", backend: "blst-native", poolSize: 2 } },
  { name: "single-thread, WASM", opts: { mode: "single-thread", backend: "herumi-wasm" } },
  { name: "pool, WASM", opts: { mode: "pool", backend: "herumi-wasm", poolSize: 2 } },
] as const;

for (const impl of implementations) {
  describe(`BLS verifier (${impl.name})`, function () {
    let verifier: IBlsVerifier;

    before(async function () {
      verifier = await createBlsVerifier(impl.opts, { logger: nullLogger(), metrics: null });
    });
    after(async function () {
      await verifier.close();
    });

    it("accepts valid sets, across several batches", async function () {
      const results = await verifier.verifySignatureSets(validSets(40));
      assert.deepEqual(invalidIndices(results), []);
      assert.equal(results.length, 40);
    });

    it("resolves an empty call to an empty result", async function () {
      assert.deepEqual(await verifier.verifySignatureSets([]), []);
      assert.deepEqual(await verifier.verifySameMessage([], message(1)), []);
    });

    it("rejects exactly the invalid sets, for every kind of invalid input", async function () {
      const sets = validSets(24);
      const other = validSet(500);
      const bad: Record<number, SignatureSet> = {
        1: corrupted(1, { message: message(501) }), // wrong message
        2: corrupted(2, { publicKey: other.publicKey }), // wrong key
        4: corrupted(4, { publicKey: badPublicKeys.offCurve }),
        5: corrupted(5, { signature: badSignatures.offCurve }),
        7: corrupted(7, { publicKey: badPublicKeys.notInSubgroup }),
        8: corrupted(8, { signature: badSignatures.notInSubgroup }),
        10: corrupted(10, { publicKey: badPublicKeys.infinity }),
        11: corrupted(11, { signature: badSignatures.infinity }),
        13: corrupted(13, { publicKey: badPublicKeys.truncated }),
        14: corrupted(14, { signature: badSignatures.truncated }),
        16: corrupted(16, { publicKey: badPublicKeys.noCompressionFlag }),
        17: corrupted(17, { signature: badSignatures.noCompressionFlag }),
        19: corrupted(19, { signature: badSignatures.zeros }),
        20: corrupted(20, { signature: other.signature }), // someone else's valid signature
      };
      for (const [i, set] of Object.entries(bad)) sets[Number(i)] = set;
      const results = await verifier.verifySignatureSets(sets);
      assert.deepEqual(invalidIndices(results), Object.keys(bad).map(Number));
    });

    it("hands back valid signatures uncompressed (null for invalid ones), ready to aggregate", async function () {
      const sets = validSets(40, 900);
      sets[3] = corrupted(903, { message: message(1) });
      sets[37] = corrupted(937, { signature: badSignatures.notInSubgroup });
      const results = await verifier.verifySignatureSetsUncompressed(sets, { batchable: true });
      assert.equal(results.length, 40);
      results.forEach((uncompressed, i) => {
        if (i === 3 || i === 37) return assert.equal(uncompressed, null);
        assert.ok(uncompressed, `set ${i}`);
        assert.deepEqual(bls12_381.G2.Point.fromBytes(uncompressed).toBytes(true), sets[i].signature);
      });
    });

    it("rejects both halves of a pair of signatures that cancel out in a plain sum", async function () {
      const sets = validSets(6, 600);
      const [a, b] = cancellingPair(sets[1].signature, sets[4].signature);
      sets[1] = { ...sets[1], signature: a };
      sets[4] = { ...sets[4], signature: b };
      assert.deepEqual(invalidIndices(await verifier.verifySignatureSets(sets)), [1, 4]);
    });

    it("verifies sets signed by an aggregate of keys", async function () {
      const msg = message(700);
      const signers = [701, 702, 703].map(secretKey);
      const aggregate = bls12_381.G2.Point.fromBytes(signers[0].sign(msg).toBytes())
        .add(bls12_381.G2.Point.fromBytes(signers[1].sign(msg).toBytes()))
        .add(bls12_381.G2.Point.fromBytes(signers[2].sign(msg).toBytes()))
        .toBytes(true);
      const keys = signers.map((sk) => sk.toPublicKey().toBytes());
      const results = await verifier.verifySignatureSets([
        { publicKey: keys, message: msg, signature: aggregate },
        { publicKey: keys.slice(0, 2), message: msg, signature: aggregate }, // a signer missing
        { publicKey: [], message: msg, signature: aggregate },
        { publicKey: [keys[0], badPublicKeys.notInSubgroup], message: msg, signature: aggregate },
        validSet(704),
      ]);
      assert.deepEqual(results, [true, false, false, false, true]);
    });

    it("verifies many signers of one message and names the invalid ones", async function () {
      const msg = message(800);
      const sets = sameMessageSets(20, msg, 800);
      const [a, b] = cancellingPair(sets[15].signature, sets[16].signature);
      const bad = {
        2: { ...sets[2], signature: sets[3].signature }, // another signer's signature
        5: { ...sets[5], publicKey: badPublicKeys.notInSubgroup },
        6: { ...sets[6], signature: badSignatures.notInSubgroup },
        8: { ...sets[8], signature: badSignatures.offCurve },
        9: { ...sets[9], signature: badSignatures.infinity },
        11: { ...sets[11], publicKey: badPublicKeys.truncated },
        12: { ...sets[12], signature: badSignatures.truncated },
        13: { ...sets[13], signature: (validSet(813).signature) }, // same key, other message
        15: { ...sets[15], signature: a },
        16: { ...sets[16], signature: b },
      };
      for (const [i, set] of Object.entries(bad)) sets[Number(i)] = set;
      const results = await verifier.verifySameMessage(sets, msg);
      assert.deepEqual(invalidIndices(results), Object.keys(bad).map(Number));
      assert.deepEqual(invalidIndices(await verifier.verifySameMessage(sameMessageSets(12, msg, 900), msg)), []);
    });
  });
}

describe("BLS verifier: implementations agree", function () {
  it("gives identical per-set results single-threaded and in the pool", async function () {
    // Deterministic mix: every seventh set gets a corruption chosen by its index.
    const corruptions: Partial<SignatureSet>[] = [
      { message: message(1_001) },
      { signature: badSignatures.notInSubgroup },
      { publicKey: badPublicKeys.offCurve },
      { signature: badSignatures.truncated },
      { publicKey: validSet(1_002).publicKey },
    ];
    const sets = validSets(70, 1_000).map((set, i) => (i % 7 === 3 ? { ...set, ...corruptions[(i / 7) % corruptions.length | 0] } : set));
    const single = await createBlsVerifier({ mode: "single-thread", backend: "blst-native" }, { logger: nullLogger(), metrics: null });
    const pool = await createBlsVerifier({ mode: "pool", backend: "blst-native", poolSize: 2 }, { logger: nullLogger(), metrics: null });
    try {
      const expected = await single.verifySignatureSets(sets);
      assert.equal(invalidIndices(expected).length, 10);
      assert.deepEqual(await pool.verifySignatureSets(sets, { batchable: true }), expected);
      // Many small concurrent calls, merged by the pool into shared batches.
      const pieces = await Promise.all(Array.from({ length: 10 }, (_, k) => pool.verifySignatureSets(sets.slice(k * 7, k * 7 + 7), { batchable: true })));
      assert.deepEqual(pieces.flat(), expected);
    } finally {
      await Promise.all([single.close(), pool.close()]);
    }
  });
});
