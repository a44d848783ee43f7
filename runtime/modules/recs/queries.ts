import type { IterableStateReader, StateReader } from "../../framework/state.ts";
import { RecSlots, Recs, RecsByOwner, Retirements } from "./storage.ts";
import { originOf, type RecRecord, type RecRetirementRecord, type RecSlot } from "./types.ts";

export function rec(state: StateReader, id: number): RecRecord | undefined {
  return Recs.get(state, id);
}

/** The (device, interval) slots behind REC `id`: its own, or its origin's for a split; [] once cancelled or when there is no such REC. */
export function recSlots(state: StateReader, id: number): RecSlot[] {
  const record = Recs.get(state, id);
  return record === undefined ? [] : (RecSlots.get(state, originOf(id, record))?.slots ?? []);
}

/**
 * Up to `limit` ids of the RECs `owner` holds or requested, in storage order (by the hash of the
 * id) after `startAfter`: the owner index is entered at that id, so a page costs its own size.
 */
export function recIdsOfOwnerPage(state: IterableStateReader, owner: Uint8Array, limit: number, startAfter?: number): number[] {
  return RecsByOwner.page(state, owner, limit, startAfter).map(([id]) => id);
}

export function retirement(state: StateReader, id: number): RecRetirementRecord | undefined {
  return Retirements.get(state, id);
}
