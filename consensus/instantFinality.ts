import { bytesEqual, concatBytes, utf8 } from "../primitives/bytes.ts";
import type { Justification } from "../primitives/codec/index.ts";
import { sign, verify } from "../primitives/keys/ed25519.ts";

/**
 * Finality for a chain with a single validator (`--dev`): the only authority finalizes each
 * block it imports as best, with a justification that is its ed25519 signature over
 * (domain, genesis hash, block hash). With more than one authority the BLS finality gadget
 * is required instead.
 */
const JUSTIFICATION_DOMAIN = utf8("arkreen/instant-finality/v1");
export const INSTANT_FINALITY_ENGINE = utf8("inst");

function message(genesisHash: Uint8Array, blockHash: Uint8Array): Uint8Array {
  return concatBytes(JUSTIFICATION_DOMAIN, genesisHash, blockHash);
}

export function signInstantJustification(secretSeed: Uint8Array, genesisHash: Uint8Array, blockHash: Uint8Array): Justification {
  return { engine: INSTANT_FINALITY_ENGINE, data: sign(secretSeed, message(genesisHash, blockHash)) };
}

export function verifyInstantJustification(authority: Uint8Array, genesisHash: Uint8Array, blockHash: Uint8Array, j: Justification): boolean {
  return bytesEqual(j.engine, INSTANT_FINALITY_ENGINE) && verify(authority, message(genesisHash, blockHash), j.data);
}
