import type { StateReader } from "../../framework/state.ts";
import { dayOf, INTERVALS_PER_DAY_RECORD } from "./generation.ts";
import { GenerationDays } from "./storage.ts";

/** What a flexibility baseline needs of one credited interval: its energies, nothing else. */
export interface IntervalEnergy {
  interval: number;
  /** Energy exported in the interval (Wh). */
  energyWh: number;
  /** Energy imported in the interval (Wh); 0 without an import channel. */
  importWh: number;
  /** The import meter at the end of the interval; 0 while the device has reported no import channel. */
  cumulativeImportWh: number;
}

/** Thrown on stored bytes that are not an encoded `GenerationDay`: the runtime wrote them, so this is a corrupt state. */
export class PageEnergiesError extends Error {
  constructor(reason: string) {
    super(`pog: malformed GenerationDay page: ${reason}`);
    this.name = "PageEnergiesError";
  }
}

function varint(bytes: Uint8Array, at: { pos: number }): number {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 10; i++) {
    if (at.pos >= bytes.length) throw new PageEnergiesError("truncated varint");
    const b = bytes[at.pos++];
    value += (b & 0x7f) * scale;
    if (b < 0x80) {
      if (!Number.isSafeInteger(value)) throw new PageEnergiesError("varint above 2^53");
      return value;
    }
    scale *= 128;
  }
  throw new PageEnergiesError("varint longer than 10 bytes");
}

/**
 * The energies of a stored page's slots, read straight from its protobuf bytes: a page holds up to
 * 24 slots of ~60 bytes, most of it each slot's 32-byte reading hash, and decoding it whole (one
 * Buffer per hash, one object per slot) was half the cost of a settled device's baseline after
 * the trie reads themselves (docs/vpp.md, "Cost"). This walks the wire format of `GenerationDay`
 * (pog.proto: slots = 1; in a slot offset = 1, energy_wh = 2, import_wh = 8,
 * cumulative_import_wh = 9) and steps over every other field without copying it. Unknown fields
 * are skipped by wire type, so a field added to the slot later does not break it.
 */
export function pageEnergies(raw: Uint8Array, day: number, from: number, to: number, out: IntervalEnergy[]): void {
  const base = day * INTERVALS_PER_DAY_RECORD;
  const at = { pos: 0 };
  while (at.pos < raw.length) {
    const tag = varint(raw, at);
    if (tag !== 0x0a) {
      skip(raw, at, tag & 7);
      continue;
    }
    const end = varint(raw, at) + at.pos;
    if (end > raw.length) throw new PageEnergiesError("slot past the end");
    let offset = 0;
    let energyWh = 0;
    let importWh = 0;
    let cumulativeImportWh = 0;
    while (at.pos < end) {
      const t = varint(raw, at);
      const field = Math.trunc(t / 8);
      const wire = t & 7;
      if (wire !== 0) {
        skip(raw, at, wire);
        continue;
      }
      const v = varint(raw, at);
      if (field === 1) offset = v;
      else if (field === 2) energyWh = v;
      else if (field === 8) importWh = v;
      else if (field === 9) cumulativeImportWh = v;
    }
    if (at.pos !== end) throw new PageEnergiesError("slot overruns its length");
    const interval = base + offset;
    if (interval >= from && interval <= to) out.push({ interval, energyWh, importWh, cumulativeImportWh });
  }
}

function skip(raw: Uint8Array, at: { pos: number }, wire: number): void {
  if (wire === 0) varint(raw, at);
  else if (wire === 2) {
    const length = varint(raw, at); // read before at.pos: `at.pos += varint(...)` would add to the old position
    at.pos += length;
  }
  else if (wire === 1) at.pos += 8;
  else if (wire === 5) at.pos += 4;
  else throw new PageEnergiesError(`wire type ${wire}`);
  if (at.pos > raw.length) throw new PageEnergiesError("field past the end");
}

/**
 * The credited energies of `deviceId` in `[from, to]` (inclusive), in interval order: one storage
 * read per page the range touches (as `creditedReadings`), without decoding the reading hashes,
 * blocks and claims that flex's baselines never look at.
 */
export function creditedEnergies(state: StateReader, deviceId: number, from: number, to: number): IntervalEnergy[] {
  const out: IntervalEnergy[] = [];
  if (to < from) return out;
  for (let day = dayOf(from); day <= dayOf(to); day++) {
    const raw = state.get(GenerationDays.key(deviceId, day));
    if (raw !== undefined) pageEnergies(raw, day, from, to, out);
  }
  return out;
}
