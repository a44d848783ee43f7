import { bytesEqual } from "../bytes.ts";
import type { Ed25519Keypair } from "./ed25519.ts";
import { SecretUriError } from "./errors.ts";
import { DEV_PHRASE, keypairFromSuri, parseSecretUri } from "./suri.ts";

/**
 * Substrate's well-known development accounts: `//Alice` … `//Ferdie`, hard-derived from
 * `DEV_PHRASE` (docs/keys.md). Their secrets are public; the `dev` and `local` chain specs endow
 * them, no real chain may.
 */
export const DEV_ACCOUNT_NAMES = ["Alice", "Bob", "Charlie", "Dave", "Eve", "Ferdie"] as const;
export type DevAccountName = (typeof DEV_ACCOUNT_NAMES)[number];

export function isDevAccountName(name: string): name is DevAccountName {
  return (DEV_ACCOUNT_NAMES as readonly string[]).includes(name);
}

// Derivation costs a PBKDF2 run (~1 ms); genesis builders and tests ask for the same six often.
const keypairs = new Map<DevAccountName, Ed25519Keypair>();

/**
 * The keypair of `//<name>`; throws `SecretUriError` "UNKNOWN_DEV_ACCOUNT" for a name outside
 * `DEV_ACCOUNT_NAMES`. The returned object is shared: do not mutate its bytes.
 */
export function devKeypair(name: string): Ed25519Keypair {
  if (!isDevAccountName(name)) {
    throw new SecretUriError({ code: "UNKNOWN_DEV_ACCOUNT", name }, `unknown dev account ${name}; one of ${DEV_ACCOUNT_NAMES.join(", ")}`);
  }
  let keypair = keypairs.get(name);
  if (keypair === undefined) {
    keypair = keypairFromSuri(`//${name}`);
    keypairs.set(name, keypair);
  }
  return keypair;
}

/** The dev account whose public key `publicKey` is, if any. */
export function devAccountOf(publicKey: Uint8Array): DevAccountName | undefined {
  return DEV_ACCOUNT_NAMES.find((name) => bytesEqual(devKeypair(name).publicKey, publicKey));
}

/**
 * Whether the key of `suri` (whose public key is `publicKey`) is one anyone can recompute: any
 * path from the public `DEV_PHRASE` (`//Alice`, `//Alice//stash`, `//anything`, the phrase itself),
 * or a dev account's key reached another way (its `0x` seed). Throws `SecretUriError` for a URI
 * that does not parse.
 */
export function isDevSecret(suri: string, publicKey: Uint8Array): boolean {
  const phrase = parseSecretUri(suri).phrase.trim().split(/\s+/).join(" ");
  return phrase === DEV_PHRASE || devAccountOf(publicKey) !== undefined;
}
