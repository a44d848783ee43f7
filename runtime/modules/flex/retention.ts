import type { BlockContext } from "../../framework/module.ts";
import type { State } from "../../framework/state.ts";
import { chainTime, type ChainTime } from "./meter.ts";
import { chunksPerDay } from "./profileCodec.ts";
import { removeProfiled } from "./profile.ts";
import { eventDays } from "./settle.ts";
import { Config, Enrolments, Events, Members, OpenEvents, ProgramEventDays, Programs, RemovalHead, RemovalQueue, RemovalTail, Responses, Settlements } from "./storage.ts";
import { RemovalKind, type FlexRemovalEntry } from "./types.ts";

/**
 * Storage entries the finalize hook removes at most per block, all kinds together. A removal is a
 * delete (and, for a program's members, a read of the member and of its enrolment): 40–55 µs with
 * the state root's update, as control's settled commands measure (lifecycle.ts, 2-core
 * workplace machine). 256 a block are ≈ 10–15 ms, a quarter of a percent of a 6 s slot. An event
 * over 100,000 devices leaves up to 200,000 records (settlements and responses): they go in
 * ≈ 800 blocks (≈ 1.3 h at 6 s), a little faster than its settlement created them
 * (`maxSettlementsPerBlock`, 100 a block: 1,000 blocks), so removal keeps pace with settlement.
 */
export const MAX_REMOVALS_PER_BLOCK = 256;

/** Queues the records of an event that settled, or of a program that closed, in block `since` for removal after the retention. */
export function queueRemoval(state: State, kind: number, id: number, since: number, cursor = 0): void {
  const tail = RemovalTail.get(state);
  RemovalQueue.set(state, tail, { kind, id, since, cursor });
  RemovalTail.set(state, tail + 1);
}

/**
 * The first day whose `ProgramEventDays` entries a baseline may still read: a baseline looks
 * back `baselineLookbackDays` from its event's day, and an event still to settle starts after the
 * current interval (not yet created) or, if open, no earlier than its `settleAfter` less the
 * acceptance window and a day (an event lasts at most a day).
 */
function firstNeededDay(state: State, time: ChainTime, lookbackDays: number): number {
  let earliest = time.now;
  for (const e of OpenEvents.get(state).events) {
    const start = e.settleAfter - time.acceptanceWindowIntervals - time.intervalsPerDay + 1;
    if (start < earliest) earliest = start;
  }
  const from = Math.max(0, earliest);
  const day = (from - (from % time.intervalsPerDay)) / time.intervalsPerDay;
  return day - lookbackDays;
}

/**
 * Removes one queued event's records within `budget` deletions: its settlements and responses
 * (listed by prefix, in key order), then the event record. Returns the deletions made and whether
 * the entry is done. The program's dispatch days of the event (`ProgramEventDays`, which later
 * baselines of the program's members exclude) go with it when no baseline can read them any more
 * (`day < firstNeededDay`); a day still within reach is queued again as a `ProgramDay` entry, so
 * that it is looked at again a retention later and the queue never waits behind it.
 */
function removeEvent(ctx: BlockContext, entry: FlexRemovalEntry, budget: number, neededFrom: () => number, time: ChainTime): { used: number; done: boolean } {
  const event = Events.get(ctx.state, entry.id);
  if (event === undefined) return { used: 0, done: true };
  let used = 0;
  for (const map of [Settlements, Responses]) {
    const prefix = map.prefixFor(entry.id);
    const keys: Uint8Array[] = [];
    for (const [key] of ctx.state.entries(prefix)) {
      if (used + keys.length >= budget) break;
      keys.push(key);
    }
    for (const key of keys) ctx.state.delete(key);
    used += keys.length;
    if (used >= budget) return { used, done: false };
  }
  const days = eventDays(event, time.intervalsPerDay);
  if (used + days.length + 1 > budget) return { used, done: false };
  for (const day of days) {
    if (day < neededFrom()) ProgramEventDays.remove(ctx.state, event.programId, day);
    else queueRemoval(ctx.state, RemovalKind.ProgramDay, event.programId, ctx.number, day);
  }
  Events.remove(ctx.state, entry.id);
  return { used: used + days.length + 1, done: true };
}

/** A program's dispatch day (entry.cursor) queued again by removeEvent: removed once no baseline reaches it, else queued again. */
function removeProgramDay(ctx: BlockContext, entry: FlexRemovalEntry, neededFrom: () => number): void {
  if (entry.cursor < neededFrom()) ProgramEventDays.remove(ctx.state, entry.id, entry.cursor);
  else queueRemoval(ctx.state, RemovalKind.ProgramDay, entry.id, ctx.number, entry.cursor);
}

/**
 * Removes one closed program's records within `budget`: its member list from the entry's cursor
 * (with each member's enrolment when it still points to this program: a closed program's members
 * are free to enrol elsewhere, and those that have not are enrolled nowhere), then the program.
 */
function removeProgram(ctx: BlockContext, entry: FlexRemovalEntry, budget: number): { used: number; done: boolean } {
  const program = Programs.get(ctx.state, entry.id);
  if (program === undefined) return { used: 0, done: true };
  const chunks = chunksPerDay(chainTime(ctx.state).intervalsPerDay);
  let used = 0;
  let seq = entry.cursor;
  while (seq < program.nextMemberSeq && used < budget) {
    const deviceId = Members.get(ctx.state, entry.id, seq)?.deviceId;
    if (deviceId !== undefined) {
      Members.remove(ctx.state, entry.id, seq);
      if (Enrolments.get(ctx.state, deviceId)?.programId === entry.id) {
        Enrolments.remove(ctx.state, deviceId);
        used += removeProfiled(ctx.state, deviceId, chunks); // its baseline profile goes with the enrolment
      }
    }
    // A hole (a member that left) costs its read, as a removal does.
    used++;
    seq++;
  }
  entry.cursor = seq;
  if (seq < program.nextMemberSeq || used >= budget) return { used, done: false };
  Programs.remove(ctx.state, entry.id);
  return { used: used + 1, done: true };
}

/**
 * The bounded removal of flex's history: from the queue's head, the records of each event settled
 * and each program closed `settledRetentionBlocks` or more blocks ago, at most
 * `MAX_REMOVALS_PER_BLOCK` deletions a block, resuming at the head next block. The queue is in
 * settlement/closing order and the retention the same for all, so it stops at the first entry not
 * yet due. A removed record's story stays in its blocks' events (`EventCreated`, `Responded`,
 * `DeviceSettled`, `EventSettled`, `ProgramClosed`, …); RPC answers 4005 for it.
 */
export function removeExpiredRecords(ctx: BlockContext): void {
  let head = RemovalHead.get(ctx.state);
  const tail = RemovalTail.get(ctx.state);
  if (head >= tail) return;
  const config = Config.get(ctx.state);
  const time = chainTime(ctx.state);
  let needed: number | undefined;
  const neededFrom = (): number => (needed ??= firstNeededDay(ctx.state, time, config.baselineLookbackDays));
  const start = head;
  let budget = MAX_REMOVALS_PER_BLOCK;
  while (head < tail && budget > 0) {
    const entry = RemovalQueue.get(ctx.state, head);
    if (entry === undefined) throw new Error(`flex: removal queue entry ${head} missing`);
    if (entry.since + config.settledRetentionBlocks > ctx.number) break;
    let used = 1;
    let done = true;
    if (entry.kind === RemovalKind.Event) ({ used, done } = removeEvent(ctx, entry, budget, neededFrom, time));
    else if (entry.kind === RemovalKind.Program) ({ used, done } = removeProgram(ctx, entry, budget));
    else removeProgramDay(ctx, entry, neededFrom);
    budget -= used;
    if (!done) {
      if (entry.kind === RemovalKind.Program) RemovalQueue.set(ctx.state, head, entry);
      break;
    }
    RemovalQueue.remove(ctx.state, head);
    head++;
    budget--;
  }
  if (head !== start) RemovalHead.set(ctx.state, head);
}
