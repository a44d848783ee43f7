import { findAuraSlot } from "../../../primitives/digest.ts";
import type { BlockContext } from "../../framework/module.ts";
import { AuraError } from "./errors.ts";
import { Authorities, CurrentSlot } from "./storage.ts";

/** Reads the block's slot, checks it moves forward, and names the author: `authorities[slot mod n]`. */
export function onInitialize(ctx: BlockContext): void {
  const slot = findAuraSlot(ctx.digest);
  if (slot === null) throw new AuraError({ code: "MISSING_SLOT" });
  const previous = CurrentSlot.get(ctx.state);
  if (slot <= previous) throw new AuraError({ code: "SLOT_NOT_INCREASING", slot, previous });
  CurrentSlot.set(ctx.state, slot);
  ctx.author = slotAuthor(Authorities.get(ctx.state), slot);
}

export function slotAuthor(authorities: Uint8Array[], slot: bigint): Uint8Array {
  if (authorities.length === 0) throw new AuraError({ code: "NO_AUTHORITIES" });
  return authorities[Number(slot % BigInt(authorities.length))];
}
