import { bls12_381 } from "@noble/curves/bls12-381.js";
import { fromHex, isHex } from "../primitives/bytes.ts";
import { ClientError } from "./errors.ts";

/**
 * A BLS12-381 signer for device keys (readings, registration proofs, control receipts): 48-byte
 * compressed G1 public key, 96-byte compressed G2 signatures, the Ethereum proof-of-possession
 * ciphersuite — what the node verifies (docs/readings.md). `blsSigner` is plain JavaScript
 * (`@noble/curves`, ~20 ms a signature); a gateway signing thousands of readings a second passes
 * its own (native blst, a hardware key) with the same interface.
 */
export interface BlsSigner {
  readonly publicKey: Uint8Array;
  sign(message: Uint8Array): Uint8Array;
}

const DST = "BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_";
const sigs = bls12_381.longSignatures;

/** A fresh random BLS secret key (`crypto.getRandomValues`, in browsers and Node; 254 random bits, below the group order). */
export function generateBlsSecretKey(): Uint8Array {
  const sk = crypto.getRandomValues(new Uint8Array(32));
  sk[0] &= 0x3f;
  return sk;
}

/** The signer of a 32-byte BLS secret key (bytes or 0x-hex); `BAD_INPUT` for anything else. */
export function blsSigner(secretKey: Uint8Array | string): BlsSigner {
  if (typeof secretKey === "string" && !isHex(secretKey)) throw new ClientError("BAD_INPUT", "a BLS secret key is 0x-hex (32 bytes)", { what: "blsSecretKey" });
  const sk = typeof secretKey === "string" ? fromHex(secretKey) : secretKey;
  if (sk.length !== 32) throw new ClientError("BAD_INPUT", `a BLS secret key is 32 bytes, got ${sk.length}`, { what: "blsSecretKey", length: sk.length });
  let publicKey: Uint8Array;
  try {
    publicKey = sigs.getPublicKey(sk).toBytes(true);
  } catch (e) {
    throw new ClientError("BAD_INPUT", `not a BLS secret key: ${(e as Error).message}`, { what: "blsSecretKey" });
  }
  return { publicKey, sign: (message) => sigs.sign(sigs.hash(message, DST), sk).toBytes(true) };
}
