import type { BlockContext } from "../../framework/module.ts";
import type { State, StateReader } from "../../framework/state.ts";
import { creditedEnergies } from "../pog/queries.ts";
import type { ChainTime } from "./meter.ts";
import { chunksPerDay, PROFILE_CHUNK_INTERVALS, unitAt, type ProfileDay } from "./profileCodec.ts";
import { BaselineProfiles, Config, ProfiledDevices, ProfileFold, ProfileIndex } from "./storage.ts";

/**
 * Days a profile keeps beyond the baseline's lookback: a baseline reads the days
 * `baselineLookbackDays` back from its event's first day, and its event settles after the event
 * (the acceptance window, then ⌈targets / maxSettlementsPerBlock⌉ blocks) — by which time the fold
 * may have added a day or two after the event. Two spare days keep those reads in the profile; a
 * day no longer in it is read from pog's pages instead (the same result, slower).
 */
export const PROFILE_SPARE_DAYS = 2;

/**
 * (device, unit) folds per block at most. A fold reads the unit's pog page and the device's
 * profile record and writes the record back (3.2 trie reads): measured ≈ 110–140 µs of
 * main-thread CPU on the 2-core workplace machine under load (`npm run bench -- vpp`,
 * docs/vpp.md), so 200 are ≈ 22–28 ms of a block. Enrolled
 * devices need ⌈D / 24⌉ folds a day each (one on the hourly live chains): at 6 s slots a day has
 * 14,400 blocks, so 200 a block keep up with 2.8 million enrolled devices at hourly readings, or
 * 48,000 at the dev chain's one-minute readings (60 chunks a day); a fold that falls behind only
 * sends baselines back to pog's pages, never changes them.
 */
export const MAX_FOLDS_PER_BLOCK = 200;

/** Days a profile keeps: the lookback and the spare days. */
export function profileKeepDays(lookbackDays: number): number {
  return lookbackDays + PROFILE_SPARE_DAYS;
}

/** Starts folding `deviceId`'s profile (on enrolment): nothing if it already is. */
export function addProfiled(state: State, deviceId: number): void {
  if (ProfileIndex.contains(state, deviceId)) return;
  const fold = ProfileFold.get(state);
  ProfiledDevices.set(state, fold.count, deviceId);
  ProfileIndex.set(state, deviceId, fold.count);
  ProfileFold.set(state, { ...fold, count: fold.count + 1 });
}

/**
 * Stops folding `deviceId`'s profile and removes it (when its enrolment is removed): the last
 * profiled device takes its position, and its `chunks` records (chunk 0 … chunks − 1: one on
 * hourly chains) are deleted by key. Returns the storage entries deleted or moved. A device moved
 * behind the fold's cursor misses the unit being folded: its baselines read that day from pog's
 * pages, with the same result. Not listed by prefix: inside a block a prefix listing sorts every
 * write the block made so far, so a block of readings and `leave` calls would pay that per call.
 */
export function removeProfiled(state: BlockContext["state"], deviceId: number, chunks: number): number {
  const index = ProfileIndex.get(state, deviceId);
  if (index === undefined) return 0;
  const fold = ProfileFold.get(state);
  const last = fold.count - 1;
  let used = 2;
  if (index !== last) {
    const moved = ProfiledDevices.get(state, last) as number;
    ProfiledDevices.set(state, index, moved);
    ProfileIndex.set(state, moved, index);
    used++;
  }
  ProfiledDevices.remove(state, last);
  ProfileIndex.remove(state, deviceId);
  ProfileFold.set(state, { ...fold, count: last, cursor: Math.min(fold.cursor, last) });
  for (let chunk = 0; chunk < chunks; chunk++) BaselineProfiles.remove(state, deviceId, chunk);
  return used + chunks;
}

/**
 * The profile day of `unit` from the device's credited readings as pog holds them now: the
 * reading of slot i is interval `unit.from + i`. What a fold stores, and what a state builder
 * (benchmarks/scenarios/vpp.ts) must store to stand for one.
 */
export function profileDayOf(state: StateReader, deviceId: number, day: number, from: number, to: number): ProfileDay {
  const energyWh = new Array<number>(PROFILE_CHUNK_INTERVALS).fill(0);
  const importWh = new Array<number>(PROFILE_CHUNK_INTERVALS).fill(0);
  let present = 0;
  let importChannel = 0;
  for (const r of creditedEnergies(state, deviceId, from, to)) {
    const i = r.interval - from;
    present |= 1 << i;
    if (r.cumulativeImportWh > 0) importChannel |= 1 << i;
    energyWh[i] = r.energyWh;
    importWh[i] = r.importWh;
  }
  return { day, present, importChannel, energyWh, importWh };
}

/** `days` with `entry` in its place (replacing the same day) and without days older than `keepFrom`. */
export function withDay(days: readonly ProfileDay[], entry: ProfileDay, keepFrom: number): ProfileDay[] {
  const out = days.filter((d) => d.day >= keepFrom && d.day !== entry.day);
  let at = out.length;
  while (at > 0 && out[at - 1].day > entry.day) at--;
  out.splice(at, 0, entry);
  return out;
}

/**
 * Folds one final unit (no reading of it can be credited any more) into the device's profile: one
 * page read, one profile read, one write. A device without a profile record for the chunk and
 * without readings in the unit writes nothing (its baselines then read the page, absent, as
 * before).
 */
export function foldUnit(state: State, deviceId: number, day: number, chunk: number, intervalsPerDay: number, keepDays: number): void {
  const unit = unitAt(day, chunk, intervalsPerDay);
  const entry = profileDayOf(state, deviceId, day, unit.from, unit.to);
  const known = BaselineProfiles.get(state, deviceId, chunk);
  if (known === undefined && entry.present === 0) return;
  BaselineProfiles.set(state, deviceId, chunk, withDay(known ?? [], entry, day - keepDays + 1));
}

/**
 * Finalize hook: folds the units (a chunk of a day) that can no longer receive readings into
 * every profiled device's profile, in unit order and device position order, at most
 * `MAX_FOLDS_PER_BLOCK` a block, resuming at `ProfileFold`'s cursor. Units older than any profile
 * keeps are skipped. One read when no device is profiled.
 */
export function foldProfiles(ctx: BlockContext, time: () => ChainTime): void {
  const start = ProfileFold.get(ctx.state);
  if (start.count === 0) return;
  const fold = { ...start };
  const t = time();
  const D = t.intervalsPerDay;
  const C = chunksPerDay(D);
  const keepDays = profileKeepDays(Config.get(ctx.state).baselineLookbackDays);
  const today = Math.trunc(t.now / D);
  const earliest = Math.max(0, today - keepDays + 1) * C;
  if (fold.unit < earliest) {
    fold.unit = earliest;
    fold.cursor = 0;
  }
  let budget = MAX_FOLDS_PER_BLOCK;
  while (budget > 0) {
    const day = Math.trunc(fold.unit / C);
    const chunk = fold.unit - day * C;
    if (t.now <= unitAt(day, chunk, D).to + t.acceptanceWindowIntervals) break;
    while (fold.cursor < fold.count && budget > 0) {
      foldUnit(ctx.state, ProfiledDevices.get(ctx.state, fold.cursor) as number, day, chunk, D, keepDays);
      fold.cursor++;
      budget--;
    }
    if (fold.cursor < fold.count) break;
    fold.unit++;
    fold.cursor = 0;
  }
  if (fold.unit !== start.unit || fold.cursor !== start.cursor) ProfileFold.set(ctx.state, fold);
}
