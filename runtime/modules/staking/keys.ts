import { concatBytes, utf8 } from "../../../primitives/bytes.ts";
import { blsKeypairFromSeed, blsSign, blsVerify, type BlsKeypair } from "../../../primitives/blsKeys.ts";
import { blake2b256 } from "../../../primitives/hash.ts";
import { devKeypair } from "../../../primitives/keys/devAccounts.ts";
import { sign, verify, type Ed25519Keypair } from "../../../primitives/keys/ed25519.ts";

const POP_DOMAIN = utf8("arkreen/finality-pop/v1");
const AUTHORING_POP_DOMAIN = utf8("arkreen/authoring-pop/v1");
const FINALITY_KEY_DOMAIN = utf8("arkreen/finality-key/v1");

/**
 * What a finality key signs to prove it is held by the stash that registers it. Binding the stash
 * stops anyone who sees a `validate` in the pool from registering the key as his own; binding the
 * genesis hash makes the proof void on another chain.
 */
export function finalityPopMessage(genesisHash: Uint8Array, stash: Uint8Array, finalityKey: Uint8Array): Uint8Array {
  return blake2b256(concatBytes(POP_DOMAIN, genesisHash, stash, finalityKey));
}

export function signFinalityPop(keypair: BlsKeypair, genesisHash: Uint8Array, stash: Uint8Array): Uint8Array {
  return blsSign(keypair.secretKey, finalityPopMessage(genesisHash, stash, keypair.publicKey));
}

export function verifyFinalityPop(genesisHash: Uint8Array, stash: Uint8Array, finalityKey: Uint8Array, proof: Uint8Array): boolean {
  return blsVerify(finalityKey, finalityPopMessage(genesisHash, stash, finalityKey), proof);
}

/**
 * What an authoring key signs (ed25519) to prove it is held by the stash that registers it:
 * without it, a bonded account that sees a `validate` in the pool could register the victim's
 * authoring key for its own stash first, and `KeyOwner` would keep it from the victim for good.
 * The domain comes first, as in every other message an ed25519 key signs here (extrinsics, seals),
 * so no signature over one can pass for another.
 */
export function authoringPopMessage(genesisHash: Uint8Array, stash: Uint8Array, authoringKey: Uint8Array): Uint8Array {
  return concatBytes(AUTHORING_POP_DOMAIN, genesisHash, stash, authoringKey);
}

export function signAuthoringPop(keypair: Ed25519Keypair, genesisHash: Uint8Array, stash: Uint8Array): Uint8Array {
  return sign(keypair.secretSeed, authoringPopMessage(genesisHash, stash, keypair.publicKey));
}

export function verifyAuthoringPop(genesisHash: Uint8Array, stash: Uint8Array, authoringKey: Uint8Array, proof: Uint8Array): boolean {
  return verify(authoringKey, authoringPopMessage(genesisHash, stash, authoringKey), proof);
}

/**
 * A validator's BLS finality key, derived from the secret seed of its ed25519 authoring key (what
 * its secret URI yields): EIP-2333 KeyGen over `blake2b256("arkreen/finality-key/v1" ++ seed)`.
 * One secret then holds both session keys, and the domain keeps the BLS key from being any other
 * function of the seed. Whoever holds the authoring secret holds the finality key too.
 */
export function finalityKeypairFromAuthoringSeed(authoringSeed: Uint8Array): BlsKeypair {
  return blsKeypairFromSeed(blake2b256(concatBytes(FINALITY_KEY_DOMAIN, authoringSeed)));
}

/**
 * The BLS finality key of dev account `name` (`Alice` … `Ferdie`): the one derived from its
 * authoring seed, so as public as the dev accounts' own keys — for dev and local chains only.
 * Throws for a name that is not a dev account, as `devKeypair` does.
 */
export function devFinalityKeypair(name: string): BlsKeypair {
  return finalityKeypairFromAuthoringSeed(devKeypair(name).secretSeed);
}
