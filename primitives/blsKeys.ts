import { PublicKey, SecretKey, Signature, aggregateSerializedSignatures, aggregateVerify, verify as blstVerify } from "@chainsafe/blst";
import { isCompressedPointEncoding, PUBLIC_KEY_LENGTH, SIGNATURE_LENGTH } from "./bls/encoding.ts";

/**
 * Synchronous BLS12-381 operations for the few places that cannot wait for the batch verifier:
 * the runtime (a device's proof of possession at registration, a control receipt) and signers
 * (device firmware simulators, tests). Hot paths — readings and votes — go through the
 * verification core (`primitives/bls`) instead. Native blst only; untrusted bytes never throw.
 */

export interface BlsKeypair {
  secretKey: Uint8Array;
  publicKey: Uint8Array;
}

/** Deterministic key from 32+ bytes of input key material (IKM), as EIP-2333's KeyGen. */
export function blsKeypairFromSeed(ikm: Uint8Array): BlsKeypair {
  const sk = SecretKey.fromKeygen(ikm);
  return { secretKey: sk.toBytes(), publicKey: sk.toPublicKey().toBytes(true) };
}

export function blsSign(secretKey: Uint8Array, message: Uint8Array): Uint8Array {
  return SecretKey.fromBytes(secretKey).sign(message).toBytes(true);
}

/** Deserializes with curve and subgroup checks; null for anything invalid (including infinity). */
export function blsPublicKey(bytes: Uint8Array): PublicKey | null {
  if (!isCompressedPointEncoding(bytes, PUBLIC_KEY_LENGTH)) return null;
  try {
    return PublicKey.fromBytes(bytes, true);
  } catch {
    return null;
  }
}

function signature(bytes: Uint8Array): Signature | null {
  if (!isCompressedPointEncoding(bytes, SIGNATURE_LENGTH)) return null;
  try {
    return Signature.fromBytes(bytes, true);
  } catch {
    return null;
  }
}

/** Verifies one signature; false for any malformed key or signature. */
export function blsVerify(publicKey: Uint8Array, message: Uint8Array, sig: Uint8Array): boolean {
  const pk = blsPublicKey(publicKey);
  const s = signature(sig);
  return pk !== null && s !== null && blstVerify(message, pk, s);
}

/**
 * Aggregates signatures already verified (pooled readings, votes) into one, compressed. Each may
 * be compressed (96 bytes) or uncompressed (192 bytes; what the verification core hands back),
 * and the uncompressed form costs ~2 µs instead of ~35 µs: no square root to recover y. Their
 * subgroup membership was checked when they were verified, so it is not checked again: that
 * check is most of the rest of deserializing a G2 point, and a block carries thousands.
 */
export function blsAggregateSignatures(sigs: readonly Uint8Array[]): Uint8Array {
  return aggregateSerializedSignatures([...sigs], false).toBytes(true);
}

/** Verifies one aggregate signature over distinct (key, message) pairs; false for malformed input. */
export function blsAggregateVerify(publicKeys: readonly Uint8Array[], messages: readonly Uint8Array[], aggregate: Uint8Array): boolean {
  const pks = publicKeys.map(blsPublicKey);
  const s = signature(aggregate);
  if (s === null || pks.some((pk) => pk === null) || pks.length !== messages.length || pks.length === 0) return false;
  try {
    return aggregateVerify([...messages], pks as PublicKey[], s);
  } catch {
    return false;
  }
}
