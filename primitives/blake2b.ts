/**
 * BLAKE2b with a 32-byte digest (RFC 7693), tuned for many short inputs; exported as
 * `blake2b256` and `blake2b128` by `primitives/hash.ts`.
 *
 * Tests compare it with @noble/hashes' blake2b on every length up to three blocks. It exists
 * because trie nodes are hashed tens of thousands of times per block and `@noble/hashes` spends ~4 µs per 128-byte block on this machine in its
 * object-returning 64-bit helpers, against ~1 µs here (a 16-child branch node is five blocks).
 * The sixteen 64-bit state words live in 32 local variables as (low, high) 32-bit halves, the
 * eight G mixes of a round are written out, and the message and chaining buffers are
 * module-level because hashing is synchronous. node:crypto has BLAKE2b only with a 64-byte
 * digest, which is a different function, not a longer blake2b-256.
 */

// Initialisation vector (SHA-512's), as little-endian (low, high) halves.
const IV = new Int32Array([
  0xf3bcc908, 0x6a09e667, 0x84caa73b, 0xbb67ae85, 0xfe94f82b, 0x3c6ef372, 0x5f1d36f1, 0xa54ff53a,
  0xade682d1, 0x510e527f, 0x2b3e6c1f, 0x9b05688c, 0xfb41bd6b, 0x1f83d9ab, 0x137e2179, 0x5be0cd19,
]);

// Message schedule SIGMA[r], pre-multiplied by 2 to index (low, high) halves.
const SIGMA: Uint8Array[] = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
  [14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3],
  [11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4],
  [7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8],
  [9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13],
  [2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9],
  [12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11],
  [13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10],
  [6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5],
  [10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0],
].map((row) => Uint8Array.from(row, (i) => 2 * i));

const h = new Int32Array(16); // chaining value
const m = new Int32Array(32); // current message block

/** Compresses the block in `m`; `t` is the byte count so far (< 2^53), `last` the final flag. */
function compress(t: number, last: boolean): void {
  let v0l = h[0];
  let v0h = h[1];
  let v1l = h[2];
  let v1h = h[3];
  let v2l = h[4];
  let v2h = h[5];
  let v3l = h[6];
  let v3h = h[7];
  let v4l = h[8];
  let v4h = h[9];
  let v5l = h[10];
  let v5h = h[11];
  let v6l = h[12];
  let v6h = h[13];
  let v7l = h[14];
  let v7h = h[15];
  let v8l = IV[0];
  let v8h = IV[1];
  let v9l = IV[2];
  let v9h = IV[3];
  let v10l = IV[4];
  let v10h = IV[5];
  let v11l = IV[6];
  let v11h = IV[7];
  let v12l = IV[8] ^ (t | 0);
  let v12h = IV[9] ^ ((t / 0x100000000) | 0);
  let v13l = IV[10];
  let v13h = IV[11];
  let v14l = last ? ~IV[12] : IV[12];
  let v14h = last ? ~IV[13] : IV[13];
  let v15l = IV[14];
  let v15h = IV[15];
  let xl = 0;
  let xh = 0;
  for (let r = 0; r < 12; r++) {
    const s = SIGMA[r % 10];
    // G(v0, v4, v8, v12)
    t = (v0l >>> 0) + (v4l >>> 0) + (m[s[0]] >>> 0);
    v0h = (v0h + v4h + m[s[0] + 1] + ((t / 0x100000000) | 0)) | 0;
    v0l = t | 0;
    t = v12l ^ v0l;
    v12l = v12h ^ v0h;
    v12h = t;
    t = (v8l >>> 0) + (v12l >>> 0);
    v8h = (v8h + v12h + ((t / 0x100000000) | 0)) | 0;
    v8l = t | 0;
    xl = v4l ^ v8l;
    xh = v4h ^ v8h;
    v4l = (xl >>> 24) | (xh << 8);
    v4h = (xh >>> 24) | (xl << 8);
    t = (v0l >>> 0) + (v4l >>> 0) + (m[s[1]] >>> 0);
    v0h = (v0h + v4h + m[s[1] + 1] + ((t / 0x100000000) | 0)) | 0;
    v0l = t | 0;
    xl = v12l ^ v0l;
    xh = v12h ^ v0h;
    v12l = (xl >>> 16) | (xh << 16);
    v12h = (xh >>> 16) | (xl << 16);
    t = (v8l >>> 0) + (v12l >>> 0);
    v8h = (v8h + v12h + ((t / 0x100000000) | 0)) | 0;
    v8l = t | 0;
    xl = v4l ^ v8l;
    xh = v4h ^ v8h;
    v4l = (xl << 1) | (xh >>> 31);
    v4h = (xh << 1) | (xl >>> 31);
    // G(v1, v5, v9, v13)
    t = (v1l >>> 0) + (v5l >>> 0) + (m[s[2]] >>> 0);
    v1h = (v1h + v5h + m[s[2] + 1] + ((t / 0x100000000) | 0)) | 0;
    v1l = t | 0;
    t = v13l ^ v1l;
    v13l = v13h ^ v1h;
    v13h = t;
    t = (v9l >>> 0) + (v13l >>> 0);
    v9h = (v9h + v13h + ((t / 0x100000000) | 0)) | 0;
    v9l = t | 0;
    xl = v5l ^ v9l;
    xh = v5h ^ v9h;
    v5l = (xl >>> 24) | (xh << 8);
    v5h = (xh >>> 24) | (xl << 8);
    t = (v1l >>> 0) + (v5l >>> 0) + (m[s[3]] >>> 0);
    v1h = (v1h + v5h + m[s[3] + 1] + ((t / 0x100000000) | 0)) | 0;
    v1l = t | 0;
    xl = v13l ^ v1l;
    xh = v13h ^ v1h;
    v13l = (xl >>> 16) | (xh << 16);
    v13h = (xh >>> 16) | (xl << 16);
    t = (v9l >>> 0) + (v13l >>> 0);
    v9h = (v9h + v13h + ((t / 0x100000000) | 0)) | 0;
    v9l = t | 0;
    xl = v5l ^ v9l;
    xh = v5h ^ v9h;
    v5l = (xl << 1) | (xh >>> 31);
    v5h = (xh << 1) | (xl >>> 31);
    // G(v2, v6, v10, v14)
    t = (v2l >>> 0) + (v6l >>> 0) + (m[s[4]] >>> 0);
    v2h = (v2h + v6h + m[s[4] + 1] + ((t / 0x100000000) | 0)) | 0;
    v2l = t | 0;
    t = v14l ^ v2l;
    v14l = v14h ^ v2h;
    v14h = t;
    t = (v10l >>> 0) + (v14l >>> 0);
    v10h = (v10h + v14h + ((t / 0x100000000) | 0)) | 0;
    v10l = t | 0;
    xl = v6l ^ v10l;
    xh = v6h ^ v10h;
    v6l = (xl >>> 24) | (xh << 8);
    v6h = (xh >>> 24) | (xl << 8);
    t = (v2l >>> 0) + (v6l >>> 0) + (m[s[5]] >>> 0);
    v2h = (v2h + v6h + m[s[5] + 1] + ((t / 0x100000000) | 0)) | 0;
    v2l = t | 0;
    xl = v14l ^ v2l;
    xh = v14h ^ v2h;
    v14l = (xl >>> 16) | (xh << 16);
    v14h = (xh >>> 16) | (xl << 16);
    t = (v10l >>> 0) + (v14l >>> 0);
    v10h = (v10h + v14h + ((t / 0x100000000) | 0)) | 0;
    v10l = t | 0;
    xl = v6l ^ v10l;
    xh = v6h ^ v10h;
    v6l = (xl << 1) | (xh >>> 31);
    v6h = (xh << 1) | (xl >>> 31);
    // G(v3, v7, v11, v15)
    t = (v3l >>> 0) + (v7l >>> 0) + (m[s[6]] >>> 0);
    v3h = (v3h + v7h + m[s[6] + 1] + ((t / 0x100000000) | 0)) | 0;
    v3l = t | 0;
    t = v15l ^ v3l;
    v15l = v15h ^ v3h;
    v15h = t;
    t = (v11l >>> 0) + (v15l >>> 0);
    v11h = (v11h + v15h + ((t / 0x100000000) | 0)) | 0;
    v11l = t | 0;
    xl = v7l ^ v11l;
    xh = v7h ^ v11h;
    v7l = (xl >>> 24) | (xh << 8);
    v7h = (xh >>> 24) | (xl << 8);
    t = (v3l >>> 0) + (v7l >>> 0) + (m[s[7]] >>> 0);
    v3h = (v3h + v7h + m[s[7] + 1] + ((t / 0x100000000) | 0)) | 0;
    v3l = t | 0;
    xl = v15l ^ v3l;
    xh = v15h ^ v3h;
    v15l = (xl >>> 16) | (xh << 16);
    v15h = (xh >>> 16) | (xl << 16);
    t = (v11l >>> 0) + (v15l >>> 0);
    v11h = (v11h + v15h + ((t / 0x100000000) | 0)) | 0;
    v11l = t | 0;
    xl = v7l ^ v11l;
    xh = v7h ^ v11h;
    v7l = (xl << 1) | (xh >>> 31);
    v7h = (xh << 1) | (xl >>> 31);
    // G(v0, v5, v10, v15)
    t = (v0l >>> 0) + (v5l >>> 0) + (m[s[8]] >>> 0);
    v0h = (v0h + v5h + m[s[8] + 1] + ((t / 0x100000000) | 0)) | 0;
    v0l = t | 0;
    t = v15l ^ v0l;
    v15l = v15h ^ v0h;
    v15h = t;
    t = (v10l >>> 0) + (v15l >>> 0);
    v10h = (v10h + v15h + ((t / 0x100000000) | 0)) | 0;
    v10l = t | 0;
    xl = v5l ^ v10l;
    xh = v5h ^ v10h;
    v5l = (xl >>> 24) | (xh << 8);
    v5h = (xh >>> 24) | (xl << 8);
    t = (v0l >>> 0) + (v5l >>> 0) + (m[s[9]] >>> 0);
    v0h = (v0h + v5h + m[s[9] + 1] + ((t / 0x100000000) | 0)) | 0;
    v0l = t | 0;
    xl = v15l ^ v0l;
    xh = v15h ^ v0h;
    v15l = (xl >>> 16) | (xh << 16);
    v15h = (xh >>> 16) | (xl << 16);
    t = (v10l >>> 0) + (v15l >>> 0);
    v10h = (v10h + v15h + ((t / 0x100000000) | 0)) | 0;
    v10l = t | 0;
    xl = v5l ^ v10l;
    xh = v5h ^ v10h;
    v5l = (xl << 1) | (xh >>> 31);
    v5h = (xh << 1) | (xl >>> 31);
    // G(v1, v6, v11, v12)
    t = (v1l >>> 0) + (v6l >>> 0) + (m[s[10]] >>> 0);
    v1h = (v1h + v6h + m[s[10] + 1] + ((t / 0x100000000) | 0)) | 0;
    v1l = t | 0;
    t = v12l ^ v1l;
    v12l = v12h ^ v1h;
    v12h = t;
    t = (v11l >>> 0) + (v12l >>> 0);
    v11h = (v11h + v12h + ((t / 0x100000000) | 0)) | 0;
    v11l = t | 0;
    xl = v6l ^ v11l;
    xh = v6h ^ v11h;
    v6l = (xl >>> 24) | (xh << 8);
    v6h = (xh >>> 24) | (xl << 8);
    t = (v1l >>> 0) + (v6l >>> 0) + (m[s[11]] >>> 0);
    v1h = (v1h + v6h + m[s[11] + 1] + ((t / 0x100000000) | 0)) | 0;
    v1l = t | 0;
    xl = v12l ^ v1l;
    xh = v12h ^ v1h;
    v12l = (xl >>> 16) | (xh << 16);
    v12h = (xh >>> 16) | (xl << 16);
    t = (v11l >>> 0) + (v12l >>> 0);
    v11h = (v11h + v12h + ((t / 0x100000000) | 0)) | 0;
    v11l = t | 0;
    xl = v6l ^ v11l;
    xh = v6h ^ v11h;
    v6l = (xl << 1) | (xh >>> 31);
    v6h = (xh << 1) | (xl >>> 31);
    // G(v2, v7, v8, v13)
    t = (v2l >>> 0) + (v7l >>> 0) + (m[s[12]] >>> 0);
    v2h = (v2h + v7h + m[s[12] + 1] + ((t / 0x100000000) | 0)) | 0;
    v2l = t | 0;
    t = v13l ^ v2l;
    v13l = v13h ^ v2h;
    v13h = t;
    t = (v8l >>> 0) + (v13l >>> 0);
    v8h = (v8h + v13h + ((t / 0x100000000) | 0)) | 0;
    v8l = t | 0;
    xl = v7l ^ v8l;
    xh = v7h ^ v8h;
    v7l = (xl >>> 24) | (xh << 8);
    v7h = (xh >>> 24) | (xl << 8);
    t = (v2l >>> 0) + (v7l >>> 0) + (m[s[13]] >>> 0);
    v2h = (v2h + v7h + m[s[13] + 1] + ((t / 0x100000000) | 0)) | 0;
    v2l = t | 0;
    xl = v13l ^ v2l;
    xh = v13h ^ v2h;
    v13l = (xl >>> 16) | (xh << 16);
    v13h = (xh >>> 16) | (xl << 16);
    t = (v8l >>> 0) + (v13l >>> 0);
    v8h = (v8h + v13h + ((t / 0x100000000) | 0)) | 0;
    v8l = t | 0;
    xl = v7l ^ v8l;
    xh = v7h ^ v8h;
    v7l = (xl << 1) | (xh >>> 31);
    v7h = (xh << 1) | (xl >>> 31);
    // G(v3, v4, v9, v14)
    t = (v3l >>> 0) + (v4l >>> 0) + (m[s[14]] >>> 0);
    v3h = (v3h + v4h + m[s[14] + 1] + ((t / 0x100000000) | 0)) | 0;
    v3l = t | 0;
    t = v14l ^ v3l;
    v14l = v14h ^ v3h;
    v14h = t;
    t = (v9l >>> 0) + (v14l >>> 0);
    v9h = (v9h + v14h + ((t / 0x100000000) | 0)) | 0;
    v9l = t | 0;
    xl = v4l ^ v9l;
    xh = v4h ^ v9h;
    v4l = (xl >>> 24) | (xh << 8);
    v4h = (xh >>> 24) | (xl << 8);
    t = (v3l >>> 0) + (v4l >>> 0) + (m[s[15]] >>> 0);
    v3h = (v3h + v4h + m[s[15] + 1] + ((t / 0x100000000) | 0)) | 0;
    v3l = t | 0;
    xl = v14l ^ v3l;
    xh = v14h ^ v3h;
    v14l = (xl >>> 16) | (xh << 16);
    v14h = (xh >>> 16) | (xl << 16);
    t = (v9l >>> 0) + (v14l >>> 0);
    v9h = (v9h + v14h + ((t / 0x100000000) | 0)) | 0;
    v9l = t | 0;
    xl = v4l ^ v9l;
    xh = v4h ^ v9h;
    v4l = (xl << 1) | (xh >>> 31);
    v4h = (xh << 1) | (xl >>> 31);

  }
  h[0] ^= v0l ^ v8l;
  h[1] ^= v0h ^ v8h;
  h[2] ^= v1l ^ v9l;
  h[3] ^= v1h ^ v9h;
  h[4] ^= v2l ^ v10l;
  h[5] ^= v2h ^ v10h;
  h[6] ^= v3l ^ v11l;
  h[7] ^= v3h ^ v11h;
  h[8] ^= v4l ^ v12l;
  h[9] ^= v4h ^ v12h;
  h[10] ^= v5l ^ v13l;
  h[11] ^= v5h ^ v13h;
  h[12] ^= v6l ^ v14l;
  h[13] ^= v6h ^ v14h;
  h[14] ^= v7l ^ v15l;
  h[15] ^= v7h ^ v15h;
}

/** Loads `len` (≤ 128) bytes of `data` from `offset` into `m` as little-endian words, zero-padded. */
function loadBlock(data: Uint8Array, offset: number, len: number): void {
  const full = len >>> 2;
  let i = 0;
  for (let p = offset; i < full; i++, p += 4) {
    m[i] = data[p] | (data[p + 1] << 8) | (data[p + 2] << 16) | (data[p + 3] << 24);
  }
  if (i < 32) {
    let word = 0;
    for (let k = len & 3; k > 0; k--) word = (word << 8) | data[offset + 4 * i + k - 1];
    m[i++] = word;
    m.fill(0, i);
  }
}

/** blake2b with a `outLen`-byte digest (1..32) of `data`. */
function blake2b(data: Uint8Array, outLen: number): Uint8Array {
  h.set(IV);
  h[0] ^= 0x01010000 | outLen; // parameter block: digest length, no key, fanout 1, depth 1
  let offset = 0;
  // Every full block but the last is compressed without the final flag.
  while (data.length - offset > 128) {
    loadBlock(data, offset, 128);
    offset += 128;
    compress(offset, false);
  }
  loadBlock(data, offset, data.length - offset);
  compress(data.length, true);
  const out = new Uint8Array(outLen);
  for (let i = 0; i < outLen; i++) out[i] = h[i >> 2] >>> (8 * (i & 3));
  return out;
}

/** blake2b-256 of `data`. */
export function blake2b256(data: Uint8Array): Uint8Array {
  return blake2b(data, 32);
}

/** blake2b-128 of `data` (storage key hashing). */
export function blake2b128(data: Uint8Array): Uint8Array {
  return blake2b(data, 16);
}
