import type { BlockContext } from "../../framework/module.ts";
import { enqueueCommand } from "../control/enqueue.ts";
import { flexEvents } from "./events.ts";
import type { ChainTime } from "./meter.ts";
import { Events } from "./storage.ts";
import { targetAt, targetCount } from "./targets.ts";
import { EventPhase, type EventRecord } from "./types.ts";

/**
 * The block by which a command about `event` may still be acknowledged: the block expected when
 * the event's last interval ends, at one block per slot (missed slots only make it later in
 * time). The control module clamps it to its command lifetime.
 */
function commandDeadline(ctx: BlockContext, event: EventRecord, time: ChainTime): number {
  const intervalsLeft = BigInt(event.startInterval + event.durationIntervals - time.now);
  const ms = intervalsLeft * BigInt(time.readingIntervalSecs) * 1000n;
  const slotMs = BigInt(ctx.config.slotDurationMs);
  return ctx.number + Number((ms + slotMs - 1n) / slotMs);
}

/**
 * Enqueues the event's command for up to `budget` targets, from its cursor: each still-enrolled
 * target gets a `flexEvent` control command (what `control_subscribePending` shows). Returns the
 * targets visited; the event becomes `Scheduled` once all are.
 */
export function deliverChunk(ctx: BlockContext, eventId: number, event: EventRecord, operator: Uint8Array, time: ChainTime, budget: number): number {
  const total = targetCount(event);
  const until = commandDeadline(ctx, event, time);
  const command = {
    flexEvent: { eventId, payloadType: event.payloadType, watts: event.intervals[0]?.watts ?? 0, startInterval: event.startInterval, durationIntervals: event.durationIntervals },
  };
  let visited = 0;
  while (visited < budget && event.cursor < total) {
    const target = targetAt(ctx.state, event, event.cursor);
    event.cursor++;
    visited++;
    if (target !== null && enqueueCommand(ctx, target.deviceId, command, operator, until) !== null) event.delivered++;
  }
  if (event.cursor >= total) {
    event.phase = EventPhase.Scheduled;
    event.cursor = 0;
    flexEvents.deposit(ctx, "EventDelivered", { eventId, delivered: event.delivered, skipped: total - event.delivered });
  }
  Events.set(ctx.state, eventId, event);
  return visited;
}
