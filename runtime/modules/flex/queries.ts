import type { IterableStateReader, StateReader } from "../../framework/state.ts";
import { computeBaseline, type BaselineResult } from "./baseline.ts";
import { chainMeter, chainTime } from "./meter.ts";
import { baselineParams, excludedDays } from "./settle.ts";
import { Config, Enrolments, Events, Members, NextEventId, NextProgramId, Programs, Responses, Settlements } from "./storage.ts";
import type { EnrolmentRecord, EventRecord, FlexConfig, ProgramRecord, ResponseRecord, SettlementRecord } from "./types.ts";

export function flexConfig(state: StateReader): FlexConfig {
  return Config.get(state);
}

export function program(state: StateReader, programId: number): ProgramRecord | undefined {
  return Programs.get(state, programId);
}

export function programCount(state: StateReader): number {
  return NextProgramId.get(state);
}

export function event(state: StateReader, eventId: number): EventRecord | undefined {
  return Events.get(state, eventId);
}

export function eventCount(state: StateReader): number {
  return NextEventId.get(state);
}

/** Whether event `eventId` was created and its records since removed (settled more than `settledRetentionBlocks` ago, retention.ts). */
export function eventRemoved(state: StateReader, eventId: number): boolean {
  return eventId < NextEventId.get(state) && !Events.contains(state, eventId);
}

/** Whether program `programId` was created and its records since removed (closed more than `settledRetentionBlocks` ago). */
export function programRemoved(state: StateReader, programId: number): boolean {
  return programId < NextProgramId.get(state) && !Programs.contains(state, programId);
}

export function enrolment(state: StateReader, deviceId: number): EnrolmentRecord | undefined {
  return Enrolments.get(state, deviceId);
}

/** Up to `limit` members of a program from member number `from`, in member order: [seq, device id, enrolment]. */
export function members(state: StateReader, programId: number, from: number, limit: number): Array<[number, number, EnrolmentRecord]> {
  const record = Programs.get(state, programId);
  const out: Array<[number, number, EnrolmentRecord]> = [];
  if (!record) return out;
  for (let seq = from; seq < record.nextMemberSeq && out.length < limit; seq++) {
    const deviceId = Members.get(state, programId, seq)?.deviceId;
    const e = deviceId === undefined ? undefined : Enrolments.get(state, deviceId);
    if (deviceId !== undefined && e) out.push([seq, deviceId, e]);
  }
  return out;
}

/** An event's responses, at most `limit`, in storage order after device `startAfter`. */
export function responses(state: IterableStateReader, eventId: number, limit: number, startAfter?: number): Array<[number, ResponseRecord]> {
  return Responses.page(state, eventId, limit, startAfter);
}

export function response(state: StateReader, eventId: number, deviceId: number): ResponseRecord | undefined {
  return Responses.get(state, eventId, deviceId);
}

export function settlements(state: IterableStateReader, eventId: number, limit: number, startAfter?: number): Array<[number, SettlementRecord]> {
  return Settlements.page(state, eventId, limit, startAfter);
}

export function settlement(state: StateReader, eventId: number, deviceId: number): SettlementRecord | undefined {
  return Settlements.get(state, eventId, deviceId);
}

/** The device's baseline for the event as settlement would compute it now (docs/vpp.md), or undefined for an unknown event. */
export function baseline(state: StateReader, eventId: number, deviceId: number): BaselineResult | undefined {
  const record = Events.get(state, eventId);
  if (!record) return undefined;
  const time = chainTime(state);
  const params = baselineParams(Config.get(state), time);
  return computeBaseline(chainMeter(state), excludedDays(state, deviceId, record.programId), deviceId, record.startInterval, record.durationIntervals, params);
}
