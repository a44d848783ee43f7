import assert from "node:assert/strict";
import { blake2b } from "@noble/hashes/blake2.js";
import { concatBytes, fromHex, toHex, utf8 } from "../../../../primitives/bytes.ts";
import { base58Encode } from "../../../../primitives/keys/base58.ts";
import { AddressError } from "../../../../primitives/keys/errors.ts";
import { decodeAddress, decodeSs58, encodeAddress, isUsableSs58Prefix } from "../../../../primitives/keys/ss58.ts";

/** An SS58 string with a valid checksum over an arbitrary prefix (what `encodeAddress` refuses to build). */
function handBuilt(prefixBytes: Uint8Array): string {
  const payload = concatBytes(prefixBytes, new Uint8Array(32).fill(1));
  const checksum = blake2b(concatBytes(utf8("SS58PRE"), payload), { dkLen: 64 }).subarray(0, 2);
  return base58Encode(concatBytes(payload, checksum));
}

function assertAddressError(fn: () => unknown, code: string): void {
  assert.throws(fn, (error: unknown) => error instanceof AddressError && error.code === code);
}

describe("SS58 addresses", () => {
  // Addresses produced by Substrate's `subkey` (collected in polkadot.js util-crypto's tests):
  // one-byte prefixes and the two-byte form (64..16383).
  const SUBKEY_VECTORS: [publicKey: string, prefix: number, address: string][] = [
    ["0x3050f8456519829fe03302da802d22d3233a5f4037b9a3e2bcc403ccfcb2d735", 42, "5DA4D4GL5iakrn22h5uKoevgvo18Pqj5BcdEUv8etEDPdijA"],
    ["0x08e8969768fc14399930d4b8d693f68a2ff6c6a597325d6946095e5e9d9d1b0e", 65, "cLtA6nCDyvwKcEHH4QkZDSHMhS9s78BvUJUsKUbUAn1Jc2SCF"],
    ["0x04a047d52fe542484c69bc528990cfeaf3a663dded0638ee1b51cf78bacd1072", 66, "cTGShekJ1L1UKFZR9xmv9UTJod7vqjFAPo4sDhXih2c3y1yLS"],
    ["0xae640d53cfa815f4a6a50ae70235cd7d9d134d0f1c3a4ccd118e321dfb6ab51f", 69, "cnVRwXfAnz3RSVQyBUC8f8McrK3YBX2QYd4WoctpeSC6VTJYm"],
    ["0x5c64f1151f0ce4358c27238fb20c88e7c899825436f565410724c8c2c5add869", 252, "xw5g1Eec8LT99pZLZMaTWwrwvNtfM6vrSuZeVbtEszCDUwByg"],
    ["0x66cd6cf085627d6c85af1aaf2bd10cf843033e929b4e3b1c2ba8e4aa46fe111b", 255, "yGF4JP7q5AK46d1FPCEm9sYQ4KooSjHMpyVAjLnsCSWVafPnf"],
    ["0x44d5a3ac156335ea99d33a83c57c7146c40c8e2260a8a4adf4e7a86256454651", 4242, "mHm8k9Emsvyfp3piCauSH684iA6NakctF8dySQcX94GDdrJrE"],
    ["0x88f01441682a17b52d6ae12d1a5670cf675fd254897efabaa5069eb3a701ab73", 14269, "r6Gr4gaMP8TsjhFbqvZhv3YvnasugLiRJpzpRHifsqqG18UXa"],
    // sr25519 //Alice on the generic, Polkadot and Kusama prefixes.
    ["0xd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d", 42, "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"],
    ["0xd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d", 0, "15oF4uVJwmo4TdGW7VfQxNLavjCXviqxT9S1MgbjMNHr6Sp5"],
    ["0xd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d", 2, "HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F"],
  ];

  it("encodes and decodes exactly as subkey", () => {
    for (const [publicKey, prefix, address] of SUBKEY_VECTORS) {
      assert.equal(encodeAddress(fromHex(publicKey), prefix), address, `prefix ${prefix}`);
      const decoded = decodeSs58(address);
      assert.equal(toHex(decoded.publicKey), publicKey);
      assert.equal(decoded.prefix, prefix);
    }
  });

  it("uses the generic Substrate prefix 42 by default", () => {
    const publicKey = fromHex("0x88dc3417d5058ec4b4503e0c12ea1a0a89be200fe98922423d4334014fa6b0ee");
    assert.equal(encodeAddress(publicKey), "5FA9nQDVg267DEd8m1ZypXLBnvN7SFxYwV7ndqSYGiN9TTpu");
  });

  it("round-trips at the edges of both prefix forms", () => {
    const publicKey = fromHex("0x" + "ab".repeat(32));
    for (const prefix of [0, 1, 63, 64, 127, 128, 255, 256, 16383]) {
      assert.equal(decodeSs58(encodeAddress(publicKey, prefix)).prefix, prefix);
    }
  });

  it("refuses to encode reserved and out-of-range prefixes", () => {
    const publicKey = new Uint8Array(32);
    assertAddressError(() => encodeAddress(publicKey, 46), "RESERVED_PREFIX");
    assertAddressError(() => encodeAddress(publicKey, 47), "RESERVED_PREFIX");
    assertAddressError(() => encodeAddress(publicKey, 16384), "PREFIX_OUT_OF_RANGE");
    assertAddressError(() => encodeAddress(publicKey, -1), "PREFIX_OUT_OF_RANGE");
    assert.throws(() => encodeAddress(new Uint8Array(33)), TypeError);
    assert.equal(isUsableSs58Prefix(42), true);
    assert.equal(isUsableSs58Prefix(46), false);
  });

  describe("decodeAddress", () => {
    const alice = "5FA9nQDVg267DEd8m1ZypXLBnvN7SFxYwV7ndqSYGiN9TTpu";
    const aliceHex = "0x88dc3417d5058ec4b4503e0c12ea1a0a89be200fe98922423d4334014fa6b0ee";

    it("accepts an SS58 address or a 0x-hex public key", () => {
      assert.equal(toHex(decodeAddress(alice)), aliceHex);
      assert.equal(toHex(decodeAddress(aliceHex)), aliceHex);
      assert.equal(toHex(decodeAddress(aliceHex.toUpperCase().replace("0X", "0x"))), aliceHex);
    });

    it("checks the prefix when asked to", () => {
      assert.equal(toHex(decodeAddress(alice, 42)), aliceHex);
      assertAddressError(() => decodeAddress(encodeAddress(fromHex(aliceHex), 0), 42), "PREFIX_MISMATCH");
    });

    it("rejects a mistyped address with BAD_CHECKSUM", () => {
      // Same length, one character changed: the body decodes but the checksum does not match.
      const typo = alice.slice(0, 10) + (alice[10] === "a" ? "b" : "a") + alice.slice(11);
      assertAddressError(() => decodeAddress(typo), "BAD_CHECKSUM");
    });

    it("rejects what is not an address with a typed error", () => {
      assertAddressError(() => decodeAddress(""), "INVALID_ADDRESS");
      assertAddressError(() => decodeAddress("5FA9nQDVg267DEd8m1ZypXLBnvN7SFxYwV7ndqSYGiN9TTp0"), "INVALID_ADDRESS"); // '0' is not base58
      assertAddressError(() => decodeAddress("x".repeat(200)), "INVALID_ADDRESS");
      assertAddressError(() => decodeAddress(alice.slice(0, -4)), "BAD_LENGTH");
      assertAddressError(() => decodeAddress("0x1234"), "BAD_LENGTH");
      assertAddressError(() => decodeAddress("0xzz"), "INVALID_ADDRESS");
      assertAddressError(() => decodeAddress(aliceHex + "0"), "INVALID_ADDRESS");
    });

    it("rejects the reserved prefixes 46 and 47 and first bytes ≥ 128", () => {
      assertAddressError(() => decodeAddress(handBuilt(Uint8Array.of(46))), "RESERVED_PREFIX");
      assertAddressError(() => decodeAddress(handBuilt(Uint8Array.of(128, 0))), "INVALID_PREFIX");
    });
  });
});
