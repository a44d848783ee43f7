import assert from "node:assert/strict";
import { concatBytes, u32ToBytes, utf8 } from "../../../../primitives/bytes.ts";
import { blake2b128 } from "../../../../primitives/hash.ts";
import { bytesCodec, StorageDoubleMap, StorageMap, u32Codec, unitCodec } from "../../../../runtime/framework/storage.ts";

const blake2128Concat = (raw: Uint8Array): Uint8Array => concatBytes(blake2b128(raw), raw);
const prefix = (module: string, item: string): Uint8Array => concatBytes(blake2b128(utf8(module)), blake2b128(utf8(item)));

describe("storage keys (Substrate layout, Blake2_128Concat)", function () {
  const map = new StorageMap<number, true>("test", "ByU32", u32Codec, unitCodec);
  const byBytes = new StorageMap<Uint8Array, true>("test", "ByBytes", bytesCodec, unitCodec);
  const double = new StorageDoubleMap<number, number, true>("test", "Double", u32Codec, u32Codec, unitCodec);

  it("lays out u32 keys the same on every call (the hashed part is memoised) and never shares the returned bytes", function () {
    for (const k of [0, 1, 7, 0xffffffff, 123_456]) {
      const expected = concatBytes(prefix("test", "ByU32"), blake2128Concat(u32ToBytes(k)));
      const first = map.key(k);
      const second = map.key(k);
      assert.deepEqual(first, expected);
      assert.deepEqual(second, expected);
      first.fill(0); // a caller scribbling on a key must not change the next one
      assert.deepEqual(map.key(k), expected);
      assert.equal(map.decodeKey(expected), k);
    }
  });

  it("lays out double-map keys as prefix ++ H(k1) ++ k1 ++ H(k2) ++ k2, under prefixFor(k1)", function () {
    const key = double.key(5, 9);
    const expectedPrefix = concatBytes(prefix("test", "Double"), blake2128Concat(u32ToBytes(5)));
    assert.deepEqual(double.prefixFor(5), expectedPrefix);
    assert.deepEqual(key, concatBytes(expectedPrefix, blake2128Concat(u32ToBytes(9))));
    assert.equal(double.decodeKey2(key, expectedPrefix.length), 9);
  });

  it("hashes non-u32 keys as before, and keeps u32 keys right past the memo's capacity", function () {
    const raw = new Uint8Array([1, 2, 3]);
    assert.deepEqual(byBytes.key(raw), concatBytes(prefix("test", "ByBytes"), blake2128Concat(raw)));
    for (let k = 0; k < 70_000; k++) map.key(k);
    assert.deepEqual(map.key(3), concatBytes(prefix("test", "ByU32"), blake2128Concat(u32ToBytes(3))));
  });
});
