import { createPublicKey, verify as nodeVerify } from "node:crypto";
import type { KeyObject } from "node:crypto";
import { BoundedLru } from "../lru.ts";
import { ED25519_PUBLIC_KEY_LENGTH, ED25519_SIGNATURE_LENGTH } from "./ed25519Sign.ts";

/**
 * ed25519 account keys (docs/keys.md#signatures): signing and key derivation with `@noble/curves`
 * (`ed25519Sign.ts`, plain JavaScript that browsers run too: the client library signs with it),
 * verification — the hot path of transaction import — through OpenSSL via `node:crypto`.
 *
 * The two agree on every honestly produced signature. On crafted edge cases (non-canonical
 * encodings, small-order keys) OpenSSL's RFC 8032 rules are the ones that decide validity: every
 * node verifies through `verify` below, so they are the chain's rules.
 */

export { ED25519_PUBLIC_KEY_LENGTH, ED25519_SEED_LENGTH, ED25519_SIGNATURE_LENGTH, keypairFromSeed, sign, type Ed25519Keypair } from "./ed25519Sign.ts";

/** DER SubjectPublicKeyInfo header for an Ed25519 key (RFC 8410); the raw 32-byte key follows. */
const SPKI_ED25519_PREFIX = Buffer.from("302a300506032b6570032100", "hex");

/**
 * Building a KeyObject (DER parse + OpenSSL EVP_PKEY) costs ~31 µs against ~110 µs for the
 * verification itself (medians on the 2-core dev box), and the same senders sign many
 * transactions, so KeyObjects are kept in a small LRU keyed by the public key. 4096 entries is a few MiB at most (one EVP_PKEY plus a JS wrapper each) and covers
 * the active senders of several full blocks; an attacker cycling through fresh keys only makes
 * each of its own verifications pay the construction cost it would have paid without the cache.
 */
const KEY_OBJECT_CACHE_SIZE = 4096;
const keyObjects = new BoundedLru<string, KeyObject>(KEY_OBJECT_CACHE_SIZE);

function keyObjectFor(publicKey: Uint8Array): KeyObject {
  const hex = Buffer.from(publicKey.buffer, publicKey.byteOffset, publicKey.byteLength).toString("hex");
  let keyObject = keyObjects.get(hex);
  if (keyObject === undefined) {
    keyObject = createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, publicKey]), format: "der", type: "spki" });
    keyObjects.set(hex, keyObject);
  }
  return keyObject;
}

/** Verifies an ed25519 signature. A malformed key or signature yields false; it never throws. */
export function verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (publicKey.length !== ED25519_PUBLIC_KEY_LENGTH || signature.length !== ED25519_SIGNATURE_LENGTH) return false;
  try {
    return nodeVerify(null, message, keyObjectFor(publicKey), signature);
  } catch {
    return false;
  }
}
