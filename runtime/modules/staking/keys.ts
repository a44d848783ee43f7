import { concatBytes, utf8 } from "../../../primitives/bytes.ts";
import { blsKeypairFromSeed, blsSign, blsVerify, type BlsKeypair } from "../../../primitives/blsKeys.ts";
import { blake2b256 } from "../../../primitives/hash.ts";
import { devKeypair } from "../../../primitives/keys/devAccounts.ts";

const POP_DOMAIN = utf8("arkreen/finality-pop/v1");
const DEV_FINALITY_DOMAIN = "arkreen/dev-finality-key/v1/";

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
 * The BLS finality key of dev account `name` (`Alice` … `Ferdie`): derived from a hash of the name,
 * so anyone can recompute it — as public as the dev accounts' own keys, for dev and local chains only.
 * Throws for a name that is not a dev account, as `devKeypair` does.
 */
export function devFinalityKeypair(name: string): BlsKeypair {
  devKeypair(name);
  return blsKeypairFromSeed(blake2b256(utf8(DEV_FINALITY_DOMAIN + name)));
}
