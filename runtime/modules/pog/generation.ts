import type { State, StateReader } from "../../framework/state.ts";
import { ExpiryQueue, ExpiryTail, GenerationDays } from "./storage.ts";
import { readingHash, type GenerationDay, type GenerationSlot, type PogConfig, type Reading } from "./types.ts";

/**
 * Intervals per `GenerationDays` page: a day at the live chains' hourly readings. A page is one
 * trie entry holding up to 24 slots (~60 bytes each), so a device costs one entry a day instead
 * of 24 (each a key of ~90 bytes plus trie nodes), and a REC request or a history query reads one
 * entry per 24 intervals. Larger pages would make each reading's read-modify-write of its page
 * dearer (a page is decoded and re-encoded whole) and expire later than their oldest slot.
 */
export const INTERVALS_PER_DAY_RECORD = 24;

/** The page (`day`) an interval falls in, and its offset inside that page. */
export function dayOf(interval: number): number {
  return Math.trunc(interval / INTERVALS_PER_DAY_RECORD);
}

export function offsetOf(interval: number): number {
  return interval % INTERVALS_PER_DAY_RECORD;
}

/** What the chain keeps of one credited (device, interval): its page slot without the offset, the import channel read as 0 when absent. */
export type CreditedReading = Omit<GenerationSlot, "offset" | "importWh" | "cumulativeImportWh"> & { importWh: number; cumulativeImportWh: number };

/** The slot at `offset` in a page (slots are in ascending offset, at most 24: a scan is cheapest). */
export function slotAt(page: GenerationDay | undefined, offset: number): GenerationSlot | undefined {
  if (page === undefined) return undefined;
  for (const s of page.slots) {
    if (s.offset === offset) return s;
    if (s.offset > offset) return undefined;
  }
  return undefined;
}

function toCredited(s: GenerationSlot): CreditedReading {
  return {
    energyWh: s.energyWh,
    readingHash: s.readingHash,
    block: s.block,
    claimedBy: s.claimedBy,
    cumulativeWh: s.cumulativeWh,
    peakW: s.peakW,
    importWh: s.importWh ?? 0,
    cumulativeImportWh: s.cumulativeImportWh ?? 0,
  };
}

/** The credited reading of (device, interval), or undefined: never credited, or its page expired (older than the claim window). */
export function creditedReading(state: StateReader, deviceId: number, interval: number): CreditedReading | undefined {
  const s = slotAt(GenerationDays.get(state, deviceId, dayOf(interval)), offsetOf(interval));
  return s === undefined ? undefined : toCredited(s);
}

/**
 * The credited readings of `deviceId` in `[from, to]` (inclusive), in interval order: one storage
 * read per page the range touches, found or not.
 */
export function creditedReadings(state: StateReader, deviceId: number, from: number, to: number): Array<CreditedReading & { interval: number }> {
  const out: Array<CreditedReading & { interval: number }> = [];
  if (to < from) return out;
  for (let day = dayOf(from); day <= dayOf(to); day++) {
    const page = GenerationDays.get(state, deviceId, day);
    if (page === undefined) continue;
    const base = day * INTERVALS_PER_DAY_RECORD;
    for (const s of page.slots) {
      const interval = base + s.offset;
      if (interval >= from && interval <= to) out.push({ interval, ...toCredited(s) });
    }
  }
  return out;
}

/**
 * Credits a reading that passed the rules (rules.ts) to its slot, in block `block`. `page` is the
 * page as read while judging it (undefined: none yet). A new page is queued for expiry.
 */
export function creditReading(state: State, r: Reading, block: number, page: GenerationDay | undefined): void {
  const day = dayOf(r.interval);
  const offset = offsetOf(r.interval);
  const slot: GenerationSlot = {
    offset,
    energyWh: r.energyWh,
    readingHash: readingHash(r),
    block,
    claimedBy: 0,
    cumulativeWh: r.cumulativeWh,
    peakW: r.peakW,
    // Zero (a generator) is not encoded: a generator's page is the size it always was.
    importWh: r.importWh ?? 0,
    cumulativeImportWh: r.cumulativeImportWh ?? 0,
  };
  if (page === undefined) {
    GenerationDays.set(state, r.deviceId, day, { slots: [slot] });
    const tail = ExpiryTail.get(state);
    ExpiryQueue.set(state, tail, { deviceId: r.deviceId, day });
    ExpiryTail.set(state, tail + 1);
    return;
  }
  // A device's readings are credited in interval order (rules.ts, OutOfOrder): almost always an append.
  const slots = [...page.slots];
  let at = slots.length;
  while (at > 0 && slots[at - 1].offset > offset) at--;
  if (at > 0 && slots[at - 1].offset === offset) throw new Error(`pog: slot (${r.deviceId}, ${r.interval}) credited twice`);
  slots.splice(at, 0, slot);
  GenerationDays.set(state, r.deviceId, day, { slots });
}

/**
 * Whether a slot is older than the claim window at interval `now`: a REC may no longer claim it,
 * and its page may be gone. The mirror of `IntervalTooOld` (`interval + acceptance < now`).
 */
export function slotExpired(interval: number, now: number, config: PogConfig): boolean {
  return interval + config.claimWindowIntervals < now;
}

/** Whether every interval of page `day` is older than the claim window at `now`: the page may be removed. */
export function pageExpired(day: number, now: number, config: PogConfig): boolean {
  return (day + 1) * INTERVALS_PER_DAY_RECORD + config.claimWindowIntervals <= now;
}
