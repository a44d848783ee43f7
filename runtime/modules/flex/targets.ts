import type { StateReader } from "../../framework/state.ts";
import { Enrolments, Members } from "./storage.ts";
import type { EventRecord } from "./types.ts";

/** How many targets an event has: its listed devices, or the fleet members numbered below `memberCount`. */
export function targetCount(event: EventRecord): number {
  return event.wholeFleet ? event.memberCount : event.deviceIds.length;
}

/**
 * The device of target `index` and its committed W, if it is still enrolled in the event's program
 * (a member that left leaves a hole; a listed device that left is no longer a target): null
 * otherwise. A fleet member's entry is its enrolment (storage.ts, `Members`): one read; a listed
 * device's enrolment is read.
 */
export function targetAt(state: StateReader, event: EventRecord, index: number): { deviceId: number; committedW: number } | null {
  if (event.wholeFleet) return Members.get(state, event.programId, index) ?? null;
  const deviceId = event.deviceIds[index];
  if (deviceId === undefined) return null;
  const enrolment = Enrolments.get(state, deviceId);
  if (!enrolment || enrolment.programId !== event.programId) return null;
  return { deviceId, committedW: enrolment.committedW };
}

/** Whether `deviceId` is a target of `event` now (enrolled in its program and, for the fleet, a member when it was created). */
export function isTarget(state: StateReader, event: EventRecord, deviceId: number): boolean {
  const enrolment = Enrolments.get(state, deviceId);
  if (!enrolment || enrolment.programId !== event.programId) return false;
  return event.wholeFleet ? enrolment.seq < event.memberCount : event.deviceIds.includes(deviceId);
}
