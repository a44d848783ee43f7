import { bls12_381 } from "@noble/curves/bls12-381.js";
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

/**
 * FastAggregateVerify (one message, many signers; rogue keys are excluded by the proofs of
 * possession the staking module checked when each finality key was registered). Encodings are
 * checked as the node checks them (compressed, not infinity), then the points are decoded with
 * curve and subgroup checks. False for anything malformed; never throws.
 */
export function fastAggregateVerify(message: Uint8Array, publicKeys: readonly Uint8Array[], signature: Uint8Array): boolean {
  if (publicKeys.length === 0 || !isCompressedPointEncoding(signature, SIGNATURE_LENGTH)) return false;
  if (publicKeys.some((k) => !isCompressedPointEncoding(k, PUBLIC_KEY_LENGTH))) return false;
  try {
    const keys = publicKeys.map((k) => {
      const point = bls12_381.G1.Point.fromBytes(k);
      point.assertValidity();
      return point;
    });
    const sig = sigs.Signature.fromBytes(signature);
    sig.assertValidity();
    return sigs.verify(sig, sigs.hash(message, BLS_DST), sigs.aggregatePublicKeys(keys));
  } catch {
    return false;
  }
}
