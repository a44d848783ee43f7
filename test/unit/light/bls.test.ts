import { strict as assert } from "node:assert";
import { blsAggregateSignatures, blsKeypairFromSeed, blsSign } from "../../../primitives/blsKeys.ts";
import { utf8 } from "../../../primitives/bytes.ts";
import { blake2b256 } from "../../../primitives/hash.ts";
import { fastAggregateVerify } from "../../../light/index.ts";
import { verifyAggregates } from "../../../light/bls.ts";

/**
 * The light verifier checks BLS with @noble/curves; the chain signs with @chainsafe/blst. Both
 * must agree on the ciphersuite (G1 keys, G2 signatures, the POP hash-to-curve tag): these
 * signatures are made by blst and checked by noble.
 */
describe("light: noble verifies blst-made BLS signatures (same ciphersuite)", function () {
  this.timeout(60_000);
  const keys = [0, 1, 2, 3, 4].map((i) => blsKeypairFromSeed(blake2b256(utf8(`bls-compat-${i}`))));
  const message = blake2b256(utf8("a precommit signing root"));

  it("accepts one signature and an aggregate of several over one message", () => {
    assert.equal(fastAggregateVerify(message, [keys[0].publicKey], blsSign(keys[0].secretKey, message)), true);
    const aggregate = blsAggregateSignatures(keys.map((k) => blsSign(k.secretKey, message)));
    assert.equal(fastAggregateVerify(message, keys.map((k) => k.publicKey), aggregate), true);
  });

  it("refuses another message, a missing or extra signer, and malformed points", () => {
    const aggregate = blsAggregateSignatures(keys.slice(0, 3).map((k) => blsSign(k.secretKey, message)));
    assert.equal(fastAggregateVerify(blake2b256(utf8("another root")), keys.slice(0, 3).map((k) => k.publicKey), aggregate), false);
    assert.equal(fastAggregateVerify(message, keys.slice(0, 2).map((k) => k.publicKey), aggregate), false);
    assert.equal(fastAggregateVerify(message, keys.slice(0, 4).map((k) => k.publicKey), aggregate), false);
    assert.equal(fastAggregateVerify(message, [], aggregate), false);
    const infinity = new Uint8Array(96);
    infinity[0] = 0xc0;
    assert.equal(fastAggregateVerify(message, [keys[0].publicKey], infinity), false);
    const notOnCurve = Uint8Array.from(aggregate);
    notOnCurve[50] ^= 0xff;
    assert.equal(fastAggregateVerify(message, keys.slice(0, 3).map((k) => k.publicKey), notOnCurve), false);
    assert.equal(fastAggregateVerify(message, [keys[0].publicKey.subarray(0, 47)], blsSign(keys[0].secretKey, message)), false);
  });

  it("verifies several aggregates over distinct messages together, and refuses the batch when any one is wrong", () => {
    const messages = [0, 1, 2].map((i) => blake2b256(utf8(`root ${i}`)));
    const checks = messages.map((message, i) => {
      const signers = keys.slice(i, i + 3);
      return { message, publicKeys: signers.map((k) => k.publicKey), signature: blsAggregateSignatures(signers.map((k) => blsSign(k.secretKey, message))) };
    });
    assert.equal(verifyAggregates(checks), true);
    assert.equal(verifyAggregates([]), true);
    assert.equal(verifyAggregates([checks[0], { ...checks[1], message: messages[2] }, checks[2]]), false);
    assert.equal(verifyAggregates([checks[0], { ...checks[1], publicKeys: checks[1].publicKeys.slice(1) }, checks[2]]), false);
    // Swapped signatures keep the plain sum valid: the random weights are what refuse them.
    const swapped = [checks[0], { ...checks[1], signature: checks[2].signature }, { ...checks[2], signature: checks[1].signature }];
    for (let i = 0; i < 5; i++) assert.equal(verifyAggregates(swapped), false);
  });

  it("does not accept a signature made with noble's default (NUL) tag: the tag is the chain's", async () => {
    const { bls12_381 } = await import("@noble/curves/bls12-381.js");
    const sigs = bls12_381.longSignatures;
    const secret = keys[0].secretKey;
    const nul = sigs.sign(sigs.hash(message), secret).toBytes(true);
    assert.equal(fastAggregateVerify(message, [keys[0].publicKey], nul), false);
    const pop = sigs.sign(sigs.hash(message, "BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_"), secret).toBytes(true);
    assert.deepEqual(pop, blsSign(secret, message), "noble with the POP tag makes blst's signature");
  });
});
