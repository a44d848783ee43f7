import { bytesEqual } from "../../primitives/bytes.ts";
import { slotAuthorIndex } from "./slots.ts";

// The seal helpers are pure and live in primitives, so the runtime can check seals too.
export { preSealHash, sealHeader, SealError, verifySeal, type SealErrorType } from "../../primitives/seal.ts";

export function isAuthorOf(slot: bigint, authorities: Uint8Array[], publicKey: Uint8Array): boolean {
  return authorities.length > 0 && bytesEqual(authorities[slotAuthorIndex(slot, authorities.length)], publicKey);
}
