/**
 * Byte helpers shared by every layer. Hex strings are always `0x`-prefixed lower case. Plain
 * JavaScript (no `Buffer`), so the client library can use them in browsers.
 */

const HEX_BYTE: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));
/** Value of a hex digit by its char code (0–9, a–f, A–F); -1 for anything else. */
const HEX_DIGIT = new Int8Array(128).fill(-1);
for (let i = 0; i < 16; i++) {
  HEX_DIGIT["0123456789abcdef".charCodeAt(i)] = i;
  HEX_DIGIT["0123456789ABCDEF".charCodeAt(i)] = i;
}

export function toHex(bytes: Uint8Array): string {
  let out = "0x";
  for (let i = 0; i < bytes.length; i++) out += HEX_BYTE[bytes[i]];
  return out;
}

/** Bytes of an even-length string of hex digits (no prefix) from `offset`; the caller has checked it. */
function hexDigits(hex: string, offset: number): Uint8Array {
  const out = new Uint8Array((hex.length - offset) / 2);
  for (let i = 0, j = offset; i < out.length; i++, j += 2) out[i] = (HEX_DIGIT[hex.charCodeAt(j)] << 4) | HEX_DIGIT[hex.charCodeAt(j + 1)];
  return out;
}

const HEX_RE = /^0x([0-9a-fA-F]{2})*$/;

export function isHex(value: unknown): value is string {
  return typeof value === "string" && HEX_RE.test(value);
}

/** Parses a `0x`-prefixed hex string; throws `TypeError` on anything else. */
export function fromHex(hex: string): Uint8Array {
  if (!isHex(hex)) throw new TypeError(`invalid hex string: ${String(hex).slice(0, 20)}`);
  return hexDigits(hex, 2);
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Lexicographic order of byte strings (the trie's and the database's key order). */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

export function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** Unsigned bigint to minimal big-endian bytes (0n encodes as an empty array). */
export function bigintToBytes(value: bigint): Uint8Array {
  if (value < 0n) throw new RangeError("negative bigint cannot be encoded");
  if (value === 0n) return new Uint8Array(0);
  let hex = value.toString(16);
  if (hex.length % 2) hex = "0" + hex;
  return hexDigits(hex, 0);
}

/** True when `bytes` is the minimal big-endian encoding `bigintToBytes` would produce (no leading zero). */
export function isMinimalUint(bytes: Uint8Array): boolean {
  return bytes.length === 0 || bytes[0] !== 0;
}

export function bytesToBigint(bytes: Uint8Array): bigint {
  if (bytes.length === 0) return 0n;
  return BigInt(toHex(bytes));
}

/** Big-endian u32, used for ordered keys (block numbers, indices). */
export function u32ToBytes(value: number): Uint8Array {
  return Uint8Array.of(value >>> 24, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff);
}

export function bytesToU32(bytes: Uint8Array): number {
  return new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0);
}
