import type { StateReader } from "../../framework/state.ts";
import { Authorities, CurrentSlot } from "./storage.ts";

/** The aura module as the node sees it: who may author, and the slot of the block whose state this is. */
export function authorities(state: StateReader): Uint8Array[] {
  return Authorities.get(state);
}

export function currentSlot(state: StateReader): bigint {
  return CurrentSlot.get(state);
}
