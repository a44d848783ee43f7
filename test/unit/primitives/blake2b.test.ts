import assert from "node:assert/strict";
import { toHex, utf8 } from "../../../primitives/bytes.ts";
import { blake2b } from "@noble/hashes/blake2.js";
import { blake2b128, blake2b256 } from "../../../primitives/blake2b.ts";
import { Prng } from "./trie/helpers.ts";

const reference = (data: Uint8Array): Uint8Array => blake2b(data, { dkLen: 32 });

describe("blake2b-256 and blake2b-128", () => {
  it("matches the RFC 7693 digest of 'abc' and of the empty string", () => {
    assert.equal(toHex(blake2b256(utf8("abc"))), "0xbddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319");
    assert.equal(toHex(blake2b256(new Uint8Array(0))), "0x0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8");
  });

  it("equals @noble/hashes blake2b-256 for every length up to three blocks and beyond", () => {
    const prng = new Prng(1);
    for (let length = 0; length <= 400; length++) {
      const data = prng.bytes(length);
      assert.equal(toHex(blake2b256(data)), toHex(reference(data)), `length ${length}`);
    }
    const large = prng.bytes(100_003);
    assert.equal(toHex(blake2b256(large)), toHex(reference(large)));
  });

  it("hashes a view by its own bytes, not its underlying buffer", () => {
    const buffer = new Prng(2).bytes(300);
    const view = buffer.subarray(3, 200);
    assert.equal(toHex(blake2b256(view)), toHex(reference(view.slice())));
  });

  it("blake2b-128 equals @noble/hashes blake2b with a 16-byte digest", () => {
    for (let length = 0; length <= 300; length += 7) {
      const data = Uint8Array.from({ length }, (_, i) => (i * 31 + 7) & 0xff);
      assert.equal(toHex(blake2b128(data)), toHex(blake2b(data, { dkLen: 16 })), `length ${length}`);
    }
  });
});
