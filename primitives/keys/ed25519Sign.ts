import { ed25519 } from "@noble/curves/ed25519.js";

/**
 * ed25519 account keys and signing with `@noble/curves`: plain JavaScript, so browsers run it too
 * (the client library). Verification, the node's hot path, goes through OpenSSL (`ed25519.ts`).
 */

export const ED25519_PUBLIC_KEY_LENGTH = 32;
export const ED25519_SEED_LENGTH = 32;
export const ED25519_SIGNATURE_LENGTH = 64;

export interface Ed25519Keypair {
  /** 32-byte public key; also the account id. */
  publicKey: Uint8Array;
  /** 32-byte RFC 8032 secret seed (what `key inspect` prints as "Secret seed"). */
  secretSeed: Uint8Array;
}

export function keypairFromSeed(secretSeed: Uint8Array): Ed25519Keypair {
  if (secretSeed.length !== ED25519_SEED_LENGTH) {
    throw new TypeError(`an ed25519 seed is ${ED25519_SEED_LENGTH} bytes, got ${secretSeed.length}`);
  }
  return { publicKey: ed25519.getPublicKey(secretSeed), secretSeed: Uint8Array.from(secretSeed) };
}

export function sign(secretSeed: Uint8Array, message: Uint8Array): Uint8Array {
  return ed25519.sign(message, secretSeed);
}
