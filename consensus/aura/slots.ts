/** Slot arithmetic. Slots are counted from the Unix epoch, as in Substrate's Aura. */
export function slotAt(timeMs: number, slotDurationMs: number): bigint {
  return BigInt(Math.floor(timeMs / slotDurationMs));
}

export function slotStartMs(slot: bigint, slotDurationMs: number): number {
  return Number(slot) * slotDurationMs;
}

export { slotAuthorIndex } from "../../primitives/seal.ts";
