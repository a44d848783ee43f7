/** Account keys and addresses: ed25519 keypairs, SS58, secret URIs, dev accounts. See docs/keys.md. */
export { ED25519_PUBLIC_KEY_LENGTH, ED25519_SEED_LENGTH, ED25519_SIGNATURE_LENGTH, keypairFromSeed, sign, verify } from "./ed25519.ts";
export type { Ed25519Keypair } from "./ed25519.ts";
export { decodeAddress, decodeSs58, encodeAddress, isUsableSs58Prefix, networkName, SS58_DEFAULT_PREFIX, SS58_MAX_PREFIX } from "./ss58.ts";
export type { DecodedSs58 } from "./ss58.ts";
export { DEV_PHRASE, deriveHardSeed, junctionChainCode, keypairFromSuri, miniSecretFromPhrase, parseSecretUri } from "./suri.ts";
export type { DeriveJunction, SecretUri } from "./suri.ts";
export { DEV_ACCOUNT_NAMES, devAccountOf, devKeypair, isDevAccountName, isDevSecret } from "./devAccounts.ts";
export type { DevAccountName } from "./devAccounts.ts";
export { AddressError, SecretUriError } from "./errors.ts";
export type { AddressErrorType, SecretUriErrorType } from "./errors.ts";
