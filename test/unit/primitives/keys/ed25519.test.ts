import assert from "node:assert/strict";
import { ed25519 } from "@noble/curves/ed25519.js";
import { fromHex, toHex, utf8 } from "../../../../primitives/bytes.ts";
import { keypairFromSeed, sign, verify } from "../../../../primitives/keys/ed25519.ts";

describe("ed25519 keys", () => {
  // RFC 8032 §7.1, test 1 (also sp-core's `test_vector_should_work`).
  const rfcSeed = fromHex("0x9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
  const rfcPublic = "0xd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
  const rfcSignature =
    "0xe5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b";

  it("derives the RFC 8032 public key and signature", () => {
    const keypair = keypairFromSeed(rfcSeed);
    assert.equal(toHex(keypair.publicKey), rfcPublic);
    assert.equal(toHex(sign(keypair.secretSeed, new Uint8Array(0))), rfcSignature);
    assert.equal(verify(keypair.publicKey, new Uint8Array(0), fromHex(rfcSignature)), true);
  });

  it("rejects a seed of the wrong length", () => {
    assert.throws(() => keypairFromSeed(new Uint8Array(31)), TypeError);
  });

  describe("verify (node:crypto)", () => {
    const keypair = keypairFromSeed(new Uint8Array(32).fill(7));
    const other = keypairFromSeed(new Uint8Array(32).fill(8));
    const message = utf8("transfer 10 AKRE to Bob");
    const signature = sign(keypair.secretSeed, message);

    it("accepts a valid signature, repeatedly (cached key object)", () => {
      for (let i = 0; i < 3; i++) assert.equal(verify(keypair.publicKey, message, signature), true);
    });

    it("agrees with noble on valid signatures", () => {
      for (let i = 0; i < 8; i++) {
        const m = utf8(`message ${i}`);
        const s = sign(other.secretSeed, m);
        assert.equal(ed25519.verify(s, m, other.publicKey), true);
        assert.equal(verify(other.publicKey, m, s), true);
      }
    });

    it("rejects a tampered message, a tampered signature and the wrong key", () => {
      assert.equal(verify(keypair.publicKey, utf8("transfer 11 AKRE to Bob"), signature), false);
      const badSig = Uint8Array.from(signature);
      badSig[10] ^= 1;
      assert.equal(verify(keypair.publicKey, message, badSig), false);
      assert.equal(verify(other.publicKey, message, signature), false);
    });

    it("returns false, never throws, on malformed keys and signatures", () => {
      assert.equal(verify(new Uint8Array(31), message, signature), false);
      assert.equal(verify(new Uint8Array(33), message, signature), false);
      assert.equal(verify(keypair.publicKey, message, signature.subarray(0, 63)), false);
      assert.equal(verify(keypair.publicKey, message, new Uint8Array(0)), false);
      // Not a curve point / not canonical: 0xff…ff is above the field prime.
      assert.equal(verify(new Uint8Array(32).fill(0xff), message, signature), false);
      // S ≥ group order must be refused (malleability).
      const highS = Uint8Array.from(signature);
      highS.fill(0xff, 32);
      assert.equal(verify(keypair.publicKey, message, highS), false);
    });

    it("verifies keys given as subarrays of a larger buffer", () => {
      const buffer = new Uint8Array(64 + 32);
      buffer.set(keypair.publicKey, 64);
      assert.equal(verify(buffer.subarray(64), message, signature), true);
    });
  });
});
