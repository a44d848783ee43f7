import { bytesEqual, concatBytes, utf8 } from "../../primitives/bytes.ts";
import { codecs, type Header } from "../../primitives/codec/index.ts";
import { findAuraSlot, sealDigest, splitSeal } from "../../primitives/digest.ts";
import { ArkreenError } from "../../primitives/errors.ts";
import { blake2b256 } from "../../primitives/hash.ts";
import { sign, verify } from "../../primitives/keys/ed25519.ts";
import { slotAuthorIndex } from "./slots.ts";

const SEAL_DOMAIN = utf8("arkreen/aura-seal/v1");

export type SealErrorType =
  | { code: "MISSING_SEAL" }
  | { code: "MISSING_SLOT" }
  | { code: "NO_AUTHORITIES" }
  | { code: "BAD_SEAL"; slot: bigint }
  | { code: "FUTURE_SLOT"; slot: bigint; currentSlot: bigint };

export class SealError extends ArkreenError<SealErrorType> {}

/** Hash of the header without its seal: what the author signs. */
export function preSealHash(header: Header): Uint8Array {
  return blake2b256(codecs.header.encode(header));
}

/** Appends the author's seal (ed25519 over the pre-seal hash) as the last digest item. */
export function sealHeader(header: Header, secretSeed: Uint8Array): Header {
  const signature = sign(secretSeed, concatBytes(SEAL_DOMAIN, preSealHash(header)));
  return { ...header, digest: [...header.digest, sealDigest(signature)] };
}

/**
 * Checks that the header carries a slot, that its seal is the last digest item, and that the
 * seal was made by the slot's author `authorities[slot mod n]`. Returns the slot.
 */
export function verifySeal(header: Header, authorities: Uint8Array[]): bigint {
  const split = splitSeal(header.digest);
  if (!split) throw new SealError({ code: "MISSING_SEAL" });
  const slot = findAuraSlot(split.unsealed);
  if (slot === null) throw new SealError({ code: "MISSING_SLOT" });
  if (authorities.length === 0) throw new SealError({ code: "NO_AUTHORITIES" });
  const author = authorities[slotAuthorIndex(slot, authorities.length)];
  const message = concatBytes(SEAL_DOMAIN, preSealHash({ ...header, digest: split.unsealed }));
  if (!verify(author, message, split.seal)) throw new SealError({ code: "BAD_SEAL", slot });
  return slot;
}

export function isAuthorOf(slot: bigint, authorities: Uint8Array[], publicKey: Uint8Array): boolean {
  return authorities.length > 0 && bytesEqual(authorities[slotAuthorIndex(slot, authorities.length)], publicKey);
}
