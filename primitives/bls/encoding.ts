/**
 * Cheap, backend-independent checks of BLS12-381 point encodings, done before any curve
 * arithmetic so that both backends reject exactly the same byte strings. Only the
 * compressed forms of the ZCash serialisation are accepted (flags in the top three bits of
 * the first byte: 0x80 compressed, 0x40 infinity, 0x20 sign of y).
 */

export const PUBLIC_KEY_LENGTH = 48;
export const SIGNATURE_LENGTH = 96;
/** A signature in the uncompressed form the verifier hands back for later aggregation. */
export const SIGNATURE_UNCOMPRESSED_LENGTH = 192;

/**
 * Domain separation tag of the Ethereum proof-of-possession ciphersuite. `@chainsafe/blst`
 * and the herumi WASM build both hash to G2 with this tag and give no way to change it; it
 * is stated here so that signers (device firmware, validator tooling) use the same one.
 */
export const BLS_DST = "BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_";

const FLAG_COMPRESSED = 0x80;
const FLAG_INFINITY = 0x40;

/**
 * True when `bytes` has the length of a compressed point and the compressed flag, and is
 * not the point at infinity (an infinity public key would let anyone forge; an infinity
 * signature is only valid for an infinity key). Whether the point is on the curve and in
 * the prime-order subgroup is checked by the backend when it deserialises.
 */
export function isCompressedPointEncoding(bytes: Uint8Array, length: number): boolean {
  return bytes.length === length && (bytes[0] & FLAG_COMPRESSED) !== 0 && (bytes[0] & FLAG_INFINITY) === 0;
}
