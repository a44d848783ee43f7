import type { BlockContext } from "../../framework/module.ts";
import { deliverChunk } from "./deliver.ts";
import { flexEvents } from "./events.ts";
import { chainMeter, chainTime, profileMeter, type ChainTime } from "./meter.ts";
import { foldProfiles } from "./profile.ts";
import { baselineParams, settleChunk } from "./settle.ts";
import { queueRemoval, removeExpiredRecords } from "./retention.ts";
import { Config, Events, OpenEvents, Programs } from "./storage.ts";
import { amountOf, EventPhase, RemovalKind, type EventRecord, type FlexOpenEvent, type ProgramRecord } from "./types.ts";

/**
 * After the block's extrinsics (and so after the block's readings, applied at initialization):
 * delivers new events' commands and settles the events whose last interval can no longer receive
 * readings, oldest event first, within the per-block bounds `maxDeliveriesPerBlock` and
 * `maxSettlementsPerBlock` (genesis.ts says why those numbers), resuming at each event's cursor.
 * The open events are one storage value: a block with nothing due costs one read. First, the
 * records of events settled and programs closed a retention ago are removed (retention.ts: two
 * reads when nothing is due). Then the enrolled devices' baseline profiles are folded with the
 * units that became final (profile.ts: one read when no device is enrolled, five when nothing is
 * due).
 */
export function onFinalize(ctx: BlockContext): void {
  removeExpiredRecords(ctx);
  let known: ChainTime | undefined;
  const now = (): ChainTime => (known ??= chainTime(ctx.state));
  foldProfiles(ctx, now);
  const open = OpenEvents.get(ctx.state);
  if (open.events.length === 0) return;
  const config = Config.get(ctx.state);
  const time = now();
  let deliveries = config.maxDeliveriesPerBlock;
  let settlements = config.maxSettlementsPerBlock;
  let changed = false;
  const remaining: FlexOpenEvent[] = [];
  for (const entry of open.events) {
    if (entry.delivering) {
      if (deliveries > 0) {
        const event = Events.get(ctx.state, entry.eventId) as EventRecord;
        const program = Programs.get(ctx.state, event.programId) as ProgramRecord;
        deliveries -= deliverChunk(ctx, entry.eventId, event, program.operator, time, deliveries);
        if (event.phase !== EventPhase.Delivering) {
          remaining.push({ ...entry, delivering: false });
          changed = true;
          continue;
        }
      }
      remaining.push(entry);
      continue;
    }
    if (time.now <= entry.settleAfter || settlements <= 0) {
      remaining.push(entry);
      continue;
    }
    const event = Events.get(ctx.state, entry.eventId) as EventRecord;
    if (event.phase === EventPhase.Scheduled) {
      event.phase = EventPhase.Settling;
      event.cursor = 0;
    }
    const program = Programs.get(ctx.state, event.programId) as ProgramRecord;
    settlements -= settleChunk(ctx, entry.eventId, event, program, profileMeter(ctx.state, time, chainMeter(ctx.state)), baselineParams(config, time), time, settlements);
    if (event.phase === EventPhase.Settled) {
      program.activeEvents = program.activeEvents.filter((id) => id !== entry.eventId);
      flexEvents.deposit(ctx, "EventSettled", { eventId: entry.eventId, programId: event.programId, paid: amountOf(event.paid), paidDevices: event.settledDevices });
      queueRemoval(ctx.state, RemovalKind.Event, entry.eventId, ctx.number);
      changed = true;
    } else {
      remaining.push(entry);
    }
    Programs.set(ctx.state, event.programId, program);
  }
  if (changed) OpenEvents.set(ctx.state, { events: remaining });
}
