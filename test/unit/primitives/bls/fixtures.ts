/** Deterministic keys, valid sets, and every kind of malformed point the verifier must reject. */
import * as blst from "@chainsafe/blst";
import { concatBytes, u32ToBytes, utf8 } from "../../../../primitives/bytes.ts";
import { blake2b256 } from "../../../../primitives/hash.ts";
import type { SameMessageSet, SignatureSet } from "../../../../primitives/bls/index.ts";

export function secretKey(i: number): blst.SecretKey {
  return blst.SecretKey.fromKeygen(blake2b256(concatBytes(utf8("arkreen-bls-test-key"), u32ToBytes(i))));
}

/** A 32-byte signing root, distinct for each `i`. */
export function message(i: number): Uint8Array {
  return blake2b256(concatBytes(utf8("arkreen-bls-test-message"), u32ToBytes(i)));
}

export function validSet(i: number): SignatureSet {
  const sk = secretKey(i);
  const msg = message(i);
  return { publicKey: sk.toPublicKey().toBytes(), message: msg, signature: sk.sign(msg).toBytes() };
}

export function validSets(count: number, from = 0): SignatureSet[] {
  return Array.from({ length: count }, (_, i) => validSet(from + i));
}

export function sameMessageSets(count: number, msg: Uint8Array, from = 0): SameMessageSet[] {
  return Array.from({ length: count }, (_, i) => {
    const sk = secretKey(from + i);
    return { publicKey: sk.toPublicKey().toBytes(), signature: sk.sign(msg).toBytes() };
  });
}

// BLS12-381 base field modulus; E1: y² = x³ + 4 over Fp, E2: y² = x³ + 4(1 + i) over Fp².
const P = 0x1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaabn;

function modPow(base: bigint, exponent: bigint): bigint {
  let result = 1n;
  base %= P;
  while (exponent > 0n) {
    if (exponent & 1n) result = (result * base) % P;
    base = (base * base) % P;
    exponent >>= 1n;
  }
  return result;
}

const isSquare = (a: bigint): boolean => modPow(((a % P) + P) % P, (P - 1n) / 2n) === 1n;

function bigEndian(x: bigint, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = length - 1; i >= 0; i--, x >>= 8n) out[i] = Number(x & 0xffn);
  return out;
}

/**
 * A compressed G1 encoding whose x lies on the curve (`onCurve`) or not. The G1 cofactor
 * is large, so a point found this way is, in practice, outside the prime-order subgroup.
 */
function g1Encoding(onCurve: boolean): Uint8Array {
  for (let x = 1n; ; x++) {
    if (isSquare(x ** 3n + 4n) === onCurve) {
      const out = bigEndian(x, 48);
      out[0] |= 0x80;
      return out;
    }
  }
}

/** As `g1Encoding` for G2: x = x0 + i is on E2 when the norm of x³ + 4 + 4i is a square. */
function g2Encoding(onCurve: boolean): Uint8Array {
  for (let x0 = 1n; ; x0++) {
    const a0 = x0 ** 3n - 3n * x0 + 4n; // real part of (x0 + i)³ + 4 + 4i
    const a1 = 3n * x0 * x0 - 1n + 4n; // imaginary part
    if (isSquare(a0 * a0 + a1 * a1) === onCurve) {
      const out = new Uint8Array(96);
      out.set(bigEndian(1n, 48), 0);
      out.set(bigEndian(x0, 48), 48);
      out[0] |= 0x80;
      return out;
    }
  }
}

function infinity(length: number): Uint8Array {
  const out = new Uint8Array(length);
  out[0] = 0xc0;
  return out;
}

function withoutCompressionFlag(bytes: Uint8Array): Uint8Array {
  const out = bytes.slice();
  out[0] &= 0x7f;
  return out;
}

const someKey = validSet(9_000).publicKey as Uint8Array;
const someSignature = validSet(9_001).signature;

export const badPublicKeys = {
  notInSubgroup: g1Encoding(true),
  offCurve: g1Encoding(false),
  infinity: infinity(48),
  truncated: someKey.slice(0, 47),
  noCompressionFlag: withoutCompressionFlag(someKey),
};

export const badSignatures = {
  notInSubgroup: g2Encoding(true),
  offCurve: g2Encoding(false),
  infinity: infinity(96),
  truncated: someSignature.slice(0, 95),
  noCompressionFlag: withoutCompressionFlag(someSignature),
  zeros: new Uint8Array(96),
};
