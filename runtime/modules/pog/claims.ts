import type { State } from "../../framework/state.ts";
import { dayOf, INTERVALS_PER_DAY_RECORD, offsetOf } from "./generation.ts";
import { GenerationDays } from "./storage.ts";
import type { GenerationDay } from "./types.ts";

/** A (device, interval) a REC claims or releases. */
export interface SlotRef {
  deviceId: number;
  interval: number;
}

/**
 * Sets the REC claim of each slot to `recId` (claim) or back to 0 (release), one page read and
 * write per (device, day) run of consecutive slots. `expect(claimedBy)` guards each slot's current
 * claim; pages that are gone (expired) are skipped when `skipMissing`, otherwise an error.
 */
function setClaims(state: State, slots: readonly SlotRef[], to: number, expect: (claimedBy: number) => boolean, skipMissing: boolean): number {
  let changed = 0;
  let i = 0;
  while (i < slots.length) {
    const { deviceId } = slots[i];
    const day = dayOf(slots[i].interval);
    let j = i;
    while (j < slots.length && slots[j].deviceId === deviceId && dayOf(slots[j].interval) === day) j++;
    const page: GenerationDay | undefined = GenerationDays.get(state, deviceId, day);
    if (page === undefined) {
      if (!skipMissing) throw new Error(`pog: claim of (${deviceId}, ${slots[i].interval}) whose page is gone`);
      i = j;
      continue;
    }
    const updated = page.slots.map((s) => ({ ...s }));
    for (let k = i; k < j; k++) {
      const offset = offsetOf(slots[k].interval);
      const s = updated.find((x) => x.offset === offset);
      if (s === undefined || !expect(s.claimedBy)) {
        if (skipMissing) continue;
        throw new Error(`pog: slot (${deviceId}, ${day * INTERVALS_PER_DAY_RECORD + offset}) is not claimable`);
      }
      s.claimedBy = to;
      changed++;
    }
    GenerationDays.set(state, deviceId, day, { slots: updated });
    i = j;
  }
  return changed;
}

/**
 * Marks credited, unclaimed slots as held by REC `recId`. The caller (recs.request) has checked
 * each one is credited, unclaimed and inside the claim window, in the same dispatch; a slot that
 * is not is an internal error.
 */
export function claimSlots(state: State, slots: readonly SlotRef[], recId: number): void {
  setClaims(state, slots, recId, (claimedBy) => claimedBy === 0, false);
}

/** Releases the slots REC `recId` holds (it was cancelled); slots whose page expired are gone already. Returns how many were released. */
export function releaseClaims(state: State, slots: readonly SlotRef[], recId: number): number {
  return setClaims(state, slots, 0, (claimedBy) => claimedBy === recId, true);
}
