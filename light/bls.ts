import { bls12_381 } from "@noble/curves/bls12-381.js";
import { toHex } from "../primitives/bytes.ts";
import { BLS_DST, isCompressedPointEncoding, PUBLIC_KEY_LENGTH, SIGNATURE_LENGTH } from "../primitives/bls/encoding.ts";

/**
 * BLS12-381 verification in plain JavaScript (`@noble/curves`), so the verifier runs in browsers.
 * The chain's ciphersuite is the one `@chainsafe/blst` implements and the node signs with
 * (primitives/blsKeys.ts): public keys in G1 (48-byte compressed), signatures in G2 (96-byte
 * compressed), hash-to-G2 with the proof-of-possession tag `BLS_DST`
 * ("BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_"). noble's default tag is the `_NUL_` one, so the
 * tag is passed explicitly. test/unit/light/bls.test.ts checks noble against blst-made signatures.
 */
const sigs = bls12_381.longSignatures;
type G1Point = ReturnType<typeof bls12_381.G1.Point.fromBytes>;

/**
 * Decoded, subgroup-checked public keys by hex, for one verification: consecutive authority sets
 * share most of their members, and decoding a key (a square root and a subgroup check) costs
 * about 2 ms in noble.
 */
export type PublicKeyCache = Map<string, G1Point>;

/** One same-message aggregate to check: `signature` by all of `publicKeys` over `message`. */
export interface AggregateCheck {
  message: Uint8Array;
  publicKeys: readonly Uint8Array[];
  signature: Uint8Array;
}

function wellEncoded(check: AggregateCheck): boolean {
  return check.publicKeys.length > 0 && isCompressedPointEncoding(check.signature, SIGNATURE_LENGTH) && check.publicKeys.every((k) => isCompressedPointEncoding(k, PUBLIC_KEY_LENGTH));
}

function publicKey(bytes: Uint8Array, cache: PublicKeyCache): G1Point {
  const id = toHex(bytes);
  let point = cache.get(id);
  if (point === undefined) {
    point = bls12_381.G1.Point.fromBytes(bytes);
    point.assertValidity();
    cache.set(id, point);
  }
  return point;
}

function signaturePoint(bytes: Uint8Array): ReturnType<typeof sigs.Signature.fromBytes> {
  const point = sigs.Signature.fromBytes(bytes);
  point.assertValidity();
  return point;
}

/**
 * FastAggregateVerify (one message, many signers; rogue keys are excluded by the proofs of
 * possession the staking module checked when each finality key was registered). Encodings are
 * checked as the node checks them (compressed, not infinity), then the points are decoded with
 * curve and subgroup checks. False for anything malformed; never throws.
 */
export function fastAggregateVerify(message: Uint8Array, publicKeys: readonly Uint8Array[], signature: Uint8Array, cache: PublicKeyCache = new Map()): boolean {
  if (!wellEncoded({ message, publicKeys, signature })) return false;
  try {
    return sigs.verify(signaturePoint(signature), sigs.hash(message, BLS_DST), sigs.aggregatePublicKeys(publicKeys.map((k) => publicKey(k, cache))));
  } catch {
    return false;
  }
}

/** A random non-zero 64-bit scalar (Web Crypto: browsers and Node alike). */
function randomScalar(): bigint {
  const words = globalThis.crypto.getRandomValues(new Uint32Array(2));
  const r = (BigInt(words[0]) << 32n) | BigInt(words[1]);
  return r === 0n ? 1n : r;
}

/**
 * Whether every check holds, in one multi-pairing: each check's signature and aggregate key
 * weighted by a fresh random 64-bit scalar r_i, then e(g1, Σ r_i·σ_i) = Π e(r_i·pk_i, H(m_i)) —
 * n + 1 Miller loops and one final exponentiation instead of 2n and n (69 ms against 275 ms for
 * 10 checks here). The random weights make it hold only if every single check holds (but for a
 * 2^-64 chance): without them, signatures swapped between two checks, or any other split of a
 * valid sum, would pass. A false answer does not say which check failed; the caller then checks
 * them one by one.
 */
export function verifyAggregates(checks: readonly AggregateCheck[], cache: PublicKeyCache = new Map()): boolean {
  if (checks.length === 0) return true;
  if (checks.length === 1) return fastAggregateVerify(checks[0].message, checks[0].publicKeys, checks[0].signature, cache);
  if (!checks.every(wellEncoded)) return false;
  try {
    const weights = checks.map(randomScalar);
    const items = checks.map((c, i) => ({
      message: sigs.hash(c.message, BLS_DST),
      publicKey: sigs.aggregatePublicKeys(c.publicKeys.map((k) => publicKey(k, cache))).multiplyUnsafe(weights[i]),
    }));
    const signature = sigs.aggregateSignatures(checks.map((c, i) => signaturePoint(c.signature).multiplyUnsafe(weights[i])));
    return sigs.verifyBatch(signature, items);
  } catch {
    return false;
  }
}
