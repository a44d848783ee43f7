import { concatBytes, utf8 } from "./bytes.ts";
import { codecs, type Header } from "./codec/index.ts";
import { findAuraSlot, sealDigest, splitSeal } from "./digest.ts";
import { ArkreenError } from "./errors.ts";
import { blake2b256 } from "./hash.ts";
import { sign, verify } from "./keys/ed25519.ts";

/**
 * Aura seals, pure: sealing a header and checking who sealed it. The node's block import
 * (`consensus/aura/seal.ts` re-exports these) and the runtime's block-equivocation check share them.
 */

const SEAL_DOMAIN = utf8("arkreen/aura-seal/v1");

export type SealErrorType =
  | { code: "MISSING_SEAL" }
  | { code: "MISSING_SLOT" }
  | { code: "NO_AUTHORITIES" }
  | { code: "BAD_SEAL"; slot: bigint }
  | { code: "FUTURE_SLOT"; slot: bigint; currentSlot: bigint }
  | { code: "SLOT_NOT_INCREASING"; slot: bigint; previous: bigint };

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

/** The index of the author of `slot` in a set of `authorityCount` authorities. */
export function slotAuthorIndex(slot: bigint, authorityCount: number): number {
  return Number(slot % BigInt(authorityCount));
}

/** The slot a sealed header names; throws `SealError` when the seal or the slot is missing. */
export function sealedSlot(header: Header): bigint {
  const split = splitSeal(header.digest);
  if (!split) throw new SealError({ code: "MISSING_SEAL" });
  const slot = findAuraSlot(split.unsealed);
  if (slot === null) throw new SealError({ code: "MISSING_SLOT" });
  return slot;
}

/** Whether `header`'s seal is an ed25519 signature by `author` over its pre-seal hash (false when unsealed). */
export function isSealedBy(header: Header, author: Uint8Array): boolean {
  const split = splitSeal(header.digest);
  if (!split) return false;
  return verify(author, concatBytes(SEAL_DOMAIN, preSealHash({ ...header, digest: split.unsealed })), split.seal);
}

/**
 * Checks that the header carries a slot, that its seal is the last digest item, and that the
 * seal was made by the slot's author `authorities[slot mod n]`. Returns the slot.
 */
export function verifySeal(header: Header, authorities: Uint8Array[]): bigint {
  const slot = sealedSlot(header);
  if (authorities.length === 0) throw new SealError({ code: "NO_AUTHORITIES" });
  if (!isSealedBy(header, authorities[slotAuthorIndex(slot, authorities.length)])) throw new SealError({ code: "BAD_SEAL", slot });
  return slot;
}
