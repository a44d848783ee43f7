import { bytesEqual, isMinimalUint, utf8 } from "../../../primitives/bytes.ts";
import { blsVerify } from "../../../primitives/blsKeys.ts";
import type { BlockContext, CallDefinition } from "../../framework/module.ts";
import { ensureSigned } from "../../framework/origin.ts";
import type { StateReader } from "../../framework/state.ts";
import { reserve, unreserve } from "../balances/currency.ts";
import { Devices } from "../devices/storage.ts";
import { deviceKindName, DeviceStatus, type DeviceRecord } from "../devices/types.ts";
import { FlexError } from "./errors.ts";
import { flexEvents } from "./events.ts";
import { chainTime } from "./meter.ts";
import { chunksPerDay } from "./profileCodec.ts";
import { flexResponseMessage } from "./response.ts";
import { eventDays } from "./settle.ts";
import { addProfiled, removeProfiled } from "./profile.ts";
import { Config, Enrolments, Events, Members, NextEventId, NextProgramId, OpenEvents, ProgramEventDays, Programs, Responses } from "./storage.ts";
import { queueRemoval } from "./retention.ts";
import { isTarget } from "./targets.ts";
import {
  amountBytes,
  amountOf,
  BaselineMethod,
  createEventArgs,
  createProgramArgs,
  enrolArgs,
  EventPhase,
  leaveArgs,
  PAYLOAD_TYPE_NAMES,
  programIdArgs,
  ProgramStatus,
  RemovalKind,
  RESPONSE_STATUS_NAMES,
  respondArgs,
  topUpArgs,
  type EventRecord,
  type FlexCreateEventArgs,
  type FlexCreateProgramArgs,
  type FlexEnrolArgs,
  type FlexLeaveArgs,
  type FlexProgramIdArgs,
  type FlexRespondArgs,
  type FlexTopUpArgs,
  type ProgramRecord,
} from "./types.ts";

// Weights in the units of `balances.transfer` (50,000 ≈ its dispatch time in ns, docs/runtime.md).
/** Program record and reserve: two reads, three writes. */
const CREATE_PROGRAM_WEIGHT = 100_000n;
/** Program record and one account: a transfer's. */
const PROGRAM_WEIGHT = 50_000n;
/** Device, program, enrolment reads; enrolment, member and program writes; the profile's membership (two reads, three writes). */
const ENROL_WEIGHT = 100_000n;
/**
 * `enrol`'s work, and the profile's removal: its membership swap (up to two reads, four writes)
 * and one delete per chunk of a day — one on the hourly live chains, which this prices; chains
 * with shorter intervals delete ⌈intervals a day / 24⌉ (60 on the one-minute dev chain).
 */
const LEAVE_WEIGHT = 130_000n;
/** The program's open events (at most `maxActiveEventsPerProgram`, 16 by default) are read for overlap, the open list rewritten. */
const CREATE_EVENT_WEIGHT = 300_000n;
/** Per listed target: its enrolment read and the overlap comparison. */
const CREATE_EVENT_PER_TARGET_WEIGHT = 20_000n;
/** One BLS verification of a device's signature (≈ 1.8 ms, as `control.acknowledge`) dominates. */
const RESPOND_WEIGHT = 2_000_000n;

const MAX_NAME_BYTES = 64;
const MAX_REGION_CHARS = 12;
const GEOHASH_RE = /^[0-9b-hjkmnp-z]*$/;

function program(state: StateReader, programId: number): ProgramRecord {
  const record = Programs.get(state, programId);
  if (!record) throw new FlexError("UnknownProgram", { programId });
  return record;
}

/** The program, if `who` operates it and it is not closed. */
function operated(state: StateReader, programId: number, who: Uint8Array): ProgramRecord {
  const record = program(state, programId);
  if (!bytesEqual(record.operator, who)) throw new FlexError("NotOperator", { programId });
  if (record.status === ProgramStatus.Closed) throw new FlexError("ProgramClosed", { programId });
  return record;
}

function ownedDevice(state: StateReader, deviceId: number, who: Uint8Array): DeviceRecord {
  const device = Devices.get(state, deviceId);
  if (!device) throw new FlexError("UnknownDevice", { deviceId });
  if (!bytesEqual(device.owner, who)) throw new FlexError("NotOwner", { deviceId });
  return device;
}

function positiveAmount(bytes: Uint8Array, field: string): bigint {
  if (!isMinimalUint(bytes) || bytes.length > 16 || bytes.length === 0) throw new FlexError("InvalidAmount", { field });
  return amountOf(bytes);
}

/** A program's enrolment of the device, unless that program has closed or been removed since (its members are then free to go elsewhere). */
function liveEnrolment(state: StateReader, deviceId: number) {
  const enrolment = Enrolments.get(state, deviceId);
  if (!enrolment) return undefined;
  const status = Programs.get(state, enrolment.programId)?.status;
  return status === undefined || status === ProgramStatus.Closed ? undefined : enrolment;
}

function checkProgramArgs(args: FlexCreateProgramArgs, intervalsPerDay: number): void {
  const nameBytes = utf8(args.name).length;
  if (nameBytes === 0 || nameBytes > MAX_NAME_BYTES) throw new FlexError("InvalidName", { bytes: nameBytes });
  const kinds = args.deviceKinds;
  if (kinds.length === 0 || new Set(kinds).size !== kinds.length || kinds.some((k) => deviceKindName(k) === undefined)) throw new FlexError("InvalidKinds");
  if (args.region.length > MAX_REGION_CHARS || !GEOHASH_RE.test(args.region)) throw new FlexError("InvalidRegion");
  if (args.baselineMethod !== BaselineMethod.TenInTenAdjusted) throw new FlexError("UnknownBaselineMethod", { method: args.baselineMethod });
  if (args.maxEventIntervals === 0 || args.maxEventIntervals > intervalsPerDay) throw new FlexError("InvalidLimits", { maxEventIntervals: args.maxEventIntervals, intervalsPerDay });
}

/** `flex.createProgram(...)`: opens a program, reserving its budget from the caller's free balance. */
export const createProgram: CallDefinition<FlexCreateProgramArgs> = {
  args: createProgramArgs,
  weight: () => CREATE_PROGRAM_WEIGHT,
  dispatch: (ctx, origin, args) => {
    const who = ensureSigned(origin);
    checkProgramArgs(args, chainTime(ctx.state).intervalsPerDay);
    const price = positiveAmount(args.pricePerKwh, "pricePerKwh");
    const budget = positiveAmount(args.budget, "budget");
    reserve(ctx, who, budget);
    const programId = NextProgramId.get(ctx.state);
    Programs.set(ctx.state, programId, {
      operator: who,
      name: args.name,
      deviceKinds: args.deviceKinds,
      region: args.region,
      pricePerKwh: args.pricePerKwh,
      budget: args.budget,
      paid: new Uint8Array(0),
      baselineMethod: args.baselineMethod,
      maxEventIntervals: args.maxEventIntervals,
      status: ProgramStatus.Active,
      createdAt: ctx.number,
      nextMemberSeq: 0,
      members: 0,
      activeEvents: [],
    });
    NextProgramId.set(ctx.state, programId + 1);
    flexEvents.deposit(ctx, "ProgramCreated", { programId, operator: who, budget, pricePerKwh: price });
  },
};

/** `flex.topUp(programId, amount)` by the operator: reserves more budget. */
export const topUp: CallDefinition<FlexTopUpArgs> = {
  args: topUpArgs,
  weight: () => PROGRAM_WEIGHT,
  dispatch: (ctx, origin, { programId, amount }) => {
    const who = ensureSigned(origin);
    const record = operated(ctx.state, programId, who);
    const value = positiveAmount(amount, "amount");
    reserve(ctx, who, value);
    const budget = amountOf(record.budget) + value;
    Programs.set(ctx.state, programId, { ...record, budget: amountBytes(budget) });
    flexEvents.deposit(ctx, "ProgramToppedUp", { programId, amount: value, budget });
  },
};

/** `flex.pause(programId)`: no new events until resumed (enrolments, open events and settlements go on). */
export const pause: CallDefinition<FlexProgramIdArgs> = {
  args: programIdArgs,
  weight: () => PROGRAM_WEIGHT,
  dispatch: (ctx, origin, { programId }) => {
    const record = operated(ctx.state, programId, ensureSigned(origin));
    if (record.status !== ProgramStatus.Active) throw new FlexError("ProgramNotActive", { programId });
    Programs.set(ctx.state, programId, { ...record, status: ProgramStatus.Paused });
    flexEvents.deposit(ctx, "ProgramPaused", { programId });
  },
};

export const resume: CallDefinition<FlexProgramIdArgs> = {
  args: programIdArgs,
  weight: () => PROGRAM_WEIGHT,
  dispatch: (ctx, origin, { programId }) => {
    const record = operated(ctx.state, programId, ensureSigned(origin));
    if (record.status !== ProgramStatus.Paused) throw new FlexError("ProgramNotPaused", { programId });
    Programs.set(ctx.state, programId, { ...record, status: ProgramStatus.Active });
    flexEvents.deposit(ctx, "ProgramResumed", { programId });
  },
};

/** `flex.close(programId)`: once every event is settled, the unspent budget returns to the operator's free balance. */
export const close: CallDefinition<FlexProgramIdArgs> = {
  args: programIdArgs,
  weight: () => PROGRAM_WEIGHT,
  dispatch: (ctx, origin, { programId }) => {
    const who = ensureSigned(origin);
    const record = operated(ctx.state, programId, who);
    if (record.activeEvents.length > 0) throw new FlexError("EventsOpen", { programId, events: record.activeEvents.length });
    const returned = amountOf(record.budget);
    unreserve(ctx, who, returned);
    Programs.set(ctx.state, programId, { ...record, status: ProgramStatus.Closed, budget: new Uint8Array(0) });
    queueRemoval(ctx.state, RemovalKind.Program, programId, ctx.number);
    flexEvents.deposit(ctx, "ProgramClosed", { programId, returned });
  },
};

/** `flex.enrol(programId, deviceId, committedW)` by the device's owner. */
export const enrol: CallDefinition<FlexEnrolArgs> = {
  args: enrolArgs,
  weight: () => ENROL_WEIGHT,
  dispatch: (ctx, origin, { programId, deviceId, committedW }) => {
    const who = ensureSigned(origin);
    const device = ownedDevice(ctx.state, deviceId, who);
    if (device.status !== DeviceStatus.Active) throw new FlexError("DeviceNotActive", { deviceId, status: device.status });
    const record = program(ctx.state, programId);
    if (record.status === ProgramStatus.Closed) throw new FlexError("ProgramClosed", { programId });
    if (!record.deviceKinds.includes(device.kind)) throw new FlexError("IneligibleKind", { deviceId, kind: device.kind });
    if (!device.location.startsWith(record.region)) throw new FlexError("OutsideRegion", { deviceId, region: record.region });
    const current = liveEnrolment(ctx.state, deviceId);
    if (current) throw new FlexError("AlreadyEnrolled", { deviceId, programId: current.programId });
    if (committedW === 0 || committedW > device.capacityW) throw new FlexError("InvalidCommitment", { committedW, capacityW: device.capacityW });
    const seq = record.nextMemberSeq;
    Enrolments.set(ctx.state, deviceId, { programId, committedW, seq, enrolledAt: ctx.number });
    Members.set(ctx.state, programId, seq, { deviceId, committedW });
    addProfiled(ctx.state, deviceId);
    Programs.set(ctx.state, programId, { ...record, nextMemberSeq: seq + 1, members: record.members + 1 });
    flexEvents.deposit(ctx, "Enrolled", { programId, deviceId, owner: who, committedW });
  },
};

/** `flex.leave(deviceId)` by the device's owner: the device is no longer a target; its unsettled events pay it nothing. */
export const leave: CallDefinition<FlexLeaveArgs> = {
  args: leaveArgs,
  weight: () => LEAVE_WEIGHT,
  dispatch: (ctx, origin, { deviceId }) => {
    ownedDevice(ctx.state, deviceId, ensureSigned(origin));
    const enrolment = Enrolments.get(ctx.state, deviceId);
    if (!enrolment) throw new FlexError("NotEnrolled", { deviceId });
    const record = program(ctx.state, enrolment.programId);
    Enrolments.remove(ctx.state, deviceId);
    Members.remove(ctx.state, enrolment.programId, enrolment.seq);
    removeProfiled(ctx.state, deviceId, chunksPerDay(chainTime(ctx.state).intervalsPerDay));
    Programs.set(ctx.state, enrolment.programId, { ...record, members: record.members - 1 });
    flexEvents.deposit(ctx, "Left", { programId: enrolment.programId, deviceId });
  },
};

function overlaps(a: { startInterval: number; durationIntervals: number }, b: { startInterval: number; durationIntervals: number }): boolean {
  return a.startInterval < b.startInterval + b.durationIntervals && b.startInterval < a.startInterval + a.durationIntervals;
}

/** Refuses the event if a device it targets already has an open event of the program in any of its intervals. */
function checkOverlap(state: StateReader, record: ProgramRecord, args: FlexCreateEventArgs): void {
  const listed = new Set(args.deviceIds);
  for (const id of record.activeEvents) {
    const other = Events.get(state, id) as EventRecord;
    if (!overlaps(args, other)) continue;
    const shared = args.wholeFleet || other.wholeFleet ? null : other.deviceIds.find((d) => listed.has(d));
    if (shared !== undefined) throw new FlexError("OverlappingEvent", { eventId: id, ...(shared === null ? {} : { deviceId: shared }) });
  }
}

function checkEventTime(args: FlexCreateEventArgs, record: ProgramRecord, now: number, maxLead: number): void {
  if (args.startInterval <= now) throw new FlexError("EventInPast", { startInterval: args.startInterval, now });
  if (args.startInterval - now > maxLead) throw new FlexError("EventTooFarAhead", { startInterval: args.startInterval, now, maxLeadIntervals: maxLead });
  if (args.durationIntervals === 0 || args.durationIntervals > record.maxEventIntervals) {
    throw new FlexError("EventTooLong", { durationIntervals: args.durationIntervals, maxEventIntervals: record.maxEventIntervals });
  }
  if (args.intervals.length !== args.durationIntervals) throw new FlexError("IntervalsMismatch", { intervals: args.intervals.length, durationIntervals: args.durationIntervals });
}

function checkTargets(ctx: BlockContext, args: FlexCreateEventArgs, record: ProgramRecord, maxListed: number): void {
  if (args.wholeFleet) {
    if (args.deviceIds.length > 0) throw new FlexError("InvalidTargets");
    if (record.members === 0) throw new FlexError("EmptyFleet", { programId: args.programId });
    return;
  }
  if (args.deviceIds.length === 0 || args.deviceIds.length > maxListed || new Set(args.deviceIds).size !== args.deviceIds.length) throw new FlexError("InvalidTargets");
  for (const deviceId of args.deviceIds) {
    if (liveEnrolment(ctx.state, deviceId)?.programId !== args.programId) throw new FlexError("NotEnrolled", { deviceId, programId: args.programId });
  }
}

/**
 * `flex.createEvent(...)` by the operator of an Active program: a dispatch event for its whole
 * fleet or listed members, starting after the current interval. Its commands are enqueued by the
 * finalize hook (this block's, for a short list); it settles once its last interval's readings
 * can no longer arrive.
 */
export const createEvent: CallDefinition<FlexCreateEventArgs> = {
  args: createEventArgs,
  weight: (args) => CREATE_EVENT_WEIGHT + CREATE_EVENT_PER_TARGET_WEIGHT * BigInt(args.deviceIds.length),
  dispatch: (ctx, origin, args) => {
    const who = ensureSigned(origin);
    const record = operated(ctx.state, args.programId, who);
    if (record.status !== ProgramStatus.Active) throw new FlexError("ProgramNotActive", { programId: args.programId });
    if (PAYLOAD_TYPE_NAMES[args.payloadType] === undefined) throw new FlexError("UnknownPayloadType", { payloadType: args.payloadType });
    const config = Config.get(ctx.state);
    const time = chainTime(ctx.state);
    checkEventTime(args, record, time.now, config.maxLeadIntervals);
    checkTargets(ctx, args, record, config.maxListedTargets);
    let price = amountOf(record.pricePerKwh);
    if (args.pricePerKwh.length > 0) {
      const asked = positiveAmount(args.pricePerKwh, "pricePerKwh");
      if (asked < price) throw new FlexError("PriceBelowProgram", { price: asked, programPrice: price });
      price = asked;
    }
    const open = OpenEvents.get(ctx.state);
    if (record.activeEvents.length >= config.maxActiveEventsPerProgram || open.events.length >= config.maxOpenEvents) {
      throw new FlexError("TooManyOpenEvents", { programId: args.programId });
    }
    checkOverlap(ctx.state, record, args);
    const eventId = NextEventId.get(ctx.state);
    const event: EventRecord = {
      programId: args.programId,
      wholeFleet: args.wholeFleet,
      deviceIds: args.deviceIds,
      memberCount: args.wholeFleet ? record.nextMemberSeq : 0,
      startInterval: args.startInterval,
      durationIntervals: args.durationIntervals,
      payloadType: args.payloadType,
      intervals: args.intervals,
      pricePerKwh: amountBytes(price),
      createdAt: ctx.number,
      phase: EventPhase.Delivering,
      cursor: 0,
      delivered: 0,
      settledDevices: 0,
      paid: new Uint8Array(0),
    };
    Events.set(ctx.state, eventId, event);
    NextEventId.set(ctx.state, eventId + 1);
    Programs.set(ctx.state, args.programId, { ...record, activeEvents: [...record.activeEvents, eventId] });
    const settleAfter = args.startInterval + args.durationIntervals - 1 + time.acceptanceWindowIntervals;
    OpenEvents.set(ctx.state, { events: [...open.events, { eventId, settleAfter, delivering: true }] });
    for (const day of eventDays(event, time.intervalsPerDay)) ProgramEventDays.set(ctx.state, args.programId, day, true);
    flexEvents.deposit(ctx, "EventCreated", {
      eventId,
      programId: args.programId,
      payloadType: PAYLOAD_TYPE_NAMES[args.payloadType],
      startInterval: args.startInterval,
      durationIntervals: args.durationIntervals,
      wholeFleet: args.wholeFleet,
      targets: args.wholeFleet ? record.members : args.deviceIds.length,
      pricePerKwh: price,
    });
  },
};

/**
 * `flex.respond(eventId, deviceId, status, signature)`: records a targeted device's answer,
 * signed by the device (any account may carry it, as control receipts), until the event's last
 * interval. The latest answer counts; an `OptOut` standing at settlement forfeits the payment.
 */
export const respond: CallDefinition<FlexRespondArgs> = {
  args: respondArgs,
  weight: () => RESPOND_WEIGHT,
  dispatch: (ctx, origin, { eventId, deviceId, status, signature }) => {
    const who = ensureSigned(origin);
    const event = Events.get(ctx.state, eventId);
    if (!event) throw new FlexError("UnknownEvent", { eventId });
    if (RESPONSE_STATUS_NAMES[status] === undefined) throw new FlexError("InvalidStatus", { status });
    const now = chainTime(ctx.state).now;
    const last = event.startInterval + event.durationIntervals - 1;
    if (now > last) throw new FlexError("EventOver", { eventId, lastInterval: last, now });
    if (!isTarget(ctx.state, event, deviceId)) throw new FlexError("NotTargeted", { eventId, deviceId });
    const device = Devices.get(ctx.state, deviceId) as DeviceRecord;
    if (!blsVerify(device.blsKey, flexResponseMessage(ctx.genesisHash, eventId, deviceId, status), signature)) throw new FlexError("BadSignature", { eventId, deviceId });
    Responses.set(ctx.state, eventId, deviceId, { status, signature, block: ctx.number, submittedBy: who });
    flexEvents.deposit(ctx, "Responded", { eventId, deviceId, status: RESPONSE_STATUS_NAMES[status], code: status, by: who });
  },
};
