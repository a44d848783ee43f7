import { strict as assert } from "node:assert";
import { blsAggregateSignatures, blsKeypairFromSeed, blsSign } from "../../../primitives/blsKeys.ts";
import { utf8 } from "../../../primitives/bytes.ts";
import { blake2b256 } from "../../../primitives/hash.ts";
import { blsBackendName, fastAggregateVerify, useBlsBackend, verifyAggregates, verifyMultiple } from "../../../light/index.ts";
import { nativeLightBls } from "../../../cli/lightNativeBls.ts";

/** A compressed G1 (48 bytes) or G2 (96 bytes, c1 then c0) x-coordinate with the compressed flag. */
function compressed(...coordinates: bigint[]): Uint8Array {
  const out = new Uint8Array(48 * coordinates.length);
  coordinates.forEach((c, i) => {
    for (let b = 47; b >= 0; b--, c >>= 8n) out[48 * i + b] = Number(c & 0xffn);
  });
  out[0] |= 0x80;
  return out;
}

/**
 * The light verifier checks BLS with herumi's WASM build (bls-eth-wasm), or with native blst where
 * a Node caller installs it (cli/lightNativeBls.ts); the chain signs with @chainsafe/blst. They
 * must agree on the ciphersuite (G1 keys, G2 signatures, the POP hash-to-curve tag) and on every
 * answer: these signatures are made by blst and the same cases run through both backends.
 */
for (const backend of [null, nativeLightBls]) describe(`light: ${backend === null ? "the WASM BLS (herumi)" : "the native backend a Node caller installs (blst)"} verifies blst-made BLS signatures (same ciphersuite)`, function () {
  this.timeout(60_000);
  before(() => useBlsBackend(backend));
  after(() => useBlsBackend(null));
  it("is the backend in use", () => assert.equal(blsBackendName(), backend?.name ?? "herumi-wasm"));

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

  it("verifies distinct signers over distinct messages (readings) in one batch, and refuses it when any one is wrong", () => {
    const readings = keys.map((_, i) => blake2b256(utf8(`reading ${i}`)));
    const sets = readings.map((message, i) => ({ message, publicKey: keys[i].publicKey, signature: blsSign(keys[i].secretKey, message) }));
    assert.equal(verifyMultiple(sets), true);
    assert.equal(verifyMultiple([]), true);
    assert.equal(verifyMultiple(sets.slice(0, 1)), true);
    // The same key signing several readings (one device over 24 slots).
    const oneDevice = readings.map((message) => ({ message, publicKey: keys[0].publicKey, signature: blsSign(keys[0].secretKey, message) }));
    assert.equal(verifyMultiple(oneDevice), true);
    assert.equal(verifyMultiple([...sets.slice(0, 4), { ...sets[4], message: readings[0] }]), false);
    assert.equal(verifyMultiple([...sets.slice(0, 4), { ...sets[4], publicKey: keys[0].publicKey }]), false);
    const swapped = [sets[0], { ...sets[1], signature: sets[2].signature }, { ...sets[2], signature: sets[1].signature }];
    for (let i = 0; i < 5; i++) assert.equal(verifyMultiple(swapped), false);
    assert.equal(verifyMultiple([sets[0], { ...sets[1], signature: sets[1].signature.subarray(0, 95) }]), false);
    // Messages of another length than 32 bytes are checked one by one.
    const long = utf8("a message longer than thirty-two bytes, signed as it is");
    assert.equal(verifyMultiple([sets[0], { message: long, publicKey: keys[1].publicKey, signature: blsSign(keys[1].secretKey, long) }]), true);
    assert.equal(verifyMultiple([sets[0], { message: long, publicKey: keys[1].publicKey, signature: blsSign(keys[2].secretKey, long) }]), false);
  });

  it("refuses points on the curve but outside the prime-order subgroup", async () => {
    const { bls12_381 } = await import("@noble/curves/bls12-381.js");
    const { Fp, Fp2 } = bls12_381.fields;
    // The first x with a point on E(Fp): y^2 = x^3 + 4 (the subgroup is a 2^-126 fraction of it).
    let x = 1n;
    for (; ; x++) {
      try {
        const y = Fp.sqrt(Fp.add(Fp.mul(Fp.mul(x, x), x), 4n));
        assert.throws(() => bls12_381.G1.Point.fromAffine({ x, y }).assertValidity());
        break;
      } catch (e) {
        if (e instanceof assert.AssertionError) throw e;
      }
    }
    let c = 1n;
    for (; ; c++) {
      try {
        const X = Fp2.fromBigTuple([c, 1n]);
        const Y = Fp2.sqrt(Fp2.add(Fp2.mul(Fp2.mul(X, X), X), Fp2.fromBigTuple([4n, 4n])));
        assert.throws(() => bls12_381.G2.Point.fromAffine({ x: X, y: Y }).assertValidity());
        break;
      } catch (e) {
        if (e instanceof assert.AssertionError) throw e;
      }
    }
    const badKey = compressed(x);
    const badSignature = compressed(1n, c);
    const signature = blsSign(keys[0].secretKey, message);
    assert.equal(fastAggregateVerify(message, [badKey], signature), false);
    assert.equal(fastAggregateVerify(message, [keys[0].publicKey], badSignature), false);
    assert.equal(verifyMultiple([{ message, publicKey: keys[0].publicKey, signature }, { message, publicKey: keys[1].publicKey, signature: badSignature }]), false);
    assert.equal(verifyMultiple([{ message, publicKey: keys[0].publicKey, signature }, { message, publicKey: badKey, signature }]), false);
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
