import { toHex } from "../../primitives/bytes.ts";
import { encodeAddress } from "../../primitives/keys/ss58.ts";
import type { FlexBaseline, FlexEnrolment, FlexEvent, FlexProgram, FlexResponse, FlexSettlement } from "../../client/flex.ts";
import { devices, flex, type IterableStateReader } from "../../runtime/api.ts";
import type { RpcNodeApi } from "../nodeApi.ts";
import type { RpcServer } from "../server/index.ts";
import { expectNumber } from "../server/params.ts";
import { historyRemoved } from "./history.ts";
import { positional, stateAtParam } from "./params.ts";

const U32 = { integer: true, min: 0, max: 0xffffffff };
/** Programs, members or events per page: each is one storage read and a few hundred bytes of JSON. */
const MAX_PAGE = 100;
/** Responses or settlements per page: an event over a large fleet has one per device; 1,000 keep an answer near 250 KiB. */
const MAX_DEVICE_PAGE = 1000;

const PROGRAM_STATUS: Readonly<Record<number, FlexProgram["status"]>> = { 1: "Active", 2: "Paused", 3: "Closed" };

function optionalU32(value: unknown, name: string, fallback: number, max = 0xffffffff): number {
  return value === undefined || value === null ? fallback : expectNumber(value, name, { integer: true, min: 0, max });
}

/** 4005 for an event whose records the runtime removed (settled more than `settledRetentionBlocks` ago); otherwise nothing. */
function checkEventKept(state: IterableStateReader, eventId: number): void {
  if (!flex.eventRemoved(state, eventId)) return;
  const { settledRetentionBlocks } = flex.flexConfig(state);
  throw historyRemoved(
    `event ${eventId} settled more than ${settledRetentionBlocks} blocks ago (flex.settledRetentionBlocks): its record, responses and settlements were removed; its EventCreated, Responded, DeviceSettled and EventSettled events remain in its blocks`,
    { eventId, settledRetentionBlocks },
  );
}

/** 4005 for a program whose records the runtime removed (closed more than `settledRetentionBlocks` ago). */
function checkProgramKept(state: IterableStateReader, programId: number): void {
  if (!flex.programRemoved(state, programId)) return;
  const { settledRetentionBlocks } = flex.flexConfig(state);
  throw historyRemoved(
    `program ${programId} closed more than ${settledRetentionBlocks} blocks ago (flex.settledRetentionBlocks): its record and member list were removed; its ProgramCreated, Enrolled and ProgramClosed events remain in its blocks`,
    { programId, settledRetentionBlocks },
  );
}

function programJson(id: number, p: flex.ProgramRecord, ss58: number): FlexProgram {
  return {
    id,
    operator: encodeAddress(p.operator, ss58),
    name: p.name,
    deviceKinds: p.deviceKinds.map((k) => devices.deviceKindName(k) ?? String(k)),
    region: p.region,
    pricePerKwh: flex.amountOf(p.pricePerKwh).toString(),
    budget: flex.amountOf(p.budget).toString(),
    paid: flex.amountOf(p.paid).toString(),
    baselineMethod: "TenInTenAdjusted",
    maxEventIntervals: p.maxEventIntervals,
    status: PROGRAM_STATUS[p.status],
    createdAt: p.createdAt,
    members: p.members,
    activeEvents: p.activeEvents,
  };
}

function eventJson(id: number, e: flex.EventRecord): FlexEvent {
  return {
    id,
    programId: e.programId,
    payloadType: flex.PAYLOAD_TYPE_NAMES[e.payloadType] ?? String(e.payloadType),
    targets: e.wholeFleet ? { wholeFleet: true, memberCount: e.memberCount } : { wholeFleet: false, deviceIds: e.deviceIds },
    intervalPeriod: { startInterval: e.startInterval, durationIntervals: e.durationIntervals },
    intervals: e.intervals.map((i, k) => ({ id: k, watts: i.watts })),
    pricePerKwh: flex.amountOf(e.pricePerKwh).toString(),
    createdAt: e.createdAt,
    phase: flex.EVENT_PHASE_NAMES[e.phase] as FlexEvent["phase"],
    delivered: e.delivered,
    paidDevices: e.settledDevices,
    paid: flex.amountOf(e.paid).toString(),
  };
}

/** `flex_*`: programs, enrolments, events, responses, baselines and settlements of the virtual power plant (docs/vpp.md). */
export function registerFlexRpc(server: RpcServer, api: RpcNodeApi): void {
  const ss58 = api.runtimeConfig.ss58Format;

  /** `flex_programs(from?, limit?, at?)`: programs by id from `from`, at most 100. */
  server.addMethod("flex_programs", {
    handler: (params) => {
      const [from, limit, at] = positional(params, 3);
      const { state } = stateAtParam(api, at);
      const first = optionalU32(from, "from", 0);
      const end = Math.min(flex.programCount(state), first + optionalU32(limit, "limit", MAX_PAGE, MAX_PAGE));
      const out: FlexProgram[] = [];
      for (let id = first; id < end; id++) {
        const p = flex.program(state, id);
        if (p) out.push(programJson(id, p, ss58)); // removed programs (closed a retention ago) are skipped
      }
      return out;
    },
  });

  /** `flex_program(programId, at?)`: the program, or null; 4005 once removed. */
  server.addMethod("flex_program", {
    handler: (params) => {
      const [id, at] = positional(params, 2);
      const programId = expectNumber(id, "programId", U32);
      const { state } = stateAtParam(api, at);
      checkProgramKept(state, programId);
      const p = flex.program(state, programId);
      return p ? programJson(programId, p, ss58) : null;
    },
  });

  /** `flex_enrolments(programId, from?, limit?, at?)`: the program's members from member number `from`, at most 100. */
  server.addMethod("flex_enrolments", {
    handler: (params): FlexEnrolment[] => {
      const [id, from, limit, at] = positional(params, 4);
      const programId = expectNumber(id, "programId", U32);
      const { state } = stateAtParam(api, at);
      checkProgramKept(state, programId);
      return flex
        .members(state, programId, optionalU32(from, "from", 0), optionalU32(limit, "limit", MAX_PAGE, MAX_PAGE))
        .map(([seq, deviceId, e]) => ({ deviceId, programId: e.programId, committedW: e.committedW, seq, enrolledAt: e.enrolledAt }));
    },
  });

  /** `flex_events(from?, limit?, programId?, at?)`: events by id from `from` (of one program if given), at most 100 visited. */
  server.addMethod("flex_events", {
    handler: (params) => {
      const [from, limit, program, at] = positional(params, 4);
      const { state } = stateAtParam(api, at);
      const programId = program === undefined || program === null ? null : expectNumber(program, "programId", U32);
      const first = optionalU32(from, "from", 0);
      const end = Math.min(flex.eventCount(state), first + optionalU32(limit, "limit", MAX_PAGE, MAX_PAGE));
      const out: FlexEvent[] = [];
      for (let id = first; id < end; id++) {
        const e = flex.event(state, id);
        if (e && (programId === null || e.programId === programId)) out.push(eventJson(id, e)); // removed events are skipped
      }
      return out;
    },
  });

  /** `flex_event(eventId, at?)`: the event (OpenADR 3 shape), or null. */
  server.addMethod("flex_event", {
    handler: (params) => {
      const [id, at] = positional(params, 2);
      const eventId = expectNumber(id, "eventId", U32);
      const { state } = stateAtParam(api, at);
      checkEventKept(state, eventId);
      const e = flex.event(state, eventId);
      return e ? eventJson(eventId, e) : null;
    },
  });

  /** `flex_responses(eventId, startAfter?, at?)`: the devices' latest responses, at most 1,000, in storage order after device `startAfter`. */
  server.addMethod("flex_responses", {
    handler: (params): FlexResponse[] => {
      const [id, after, at] = positional(params, 3);
      const eventId = expectNumber(id, "eventId", U32);
      const startAfter = after === undefined || after === null ? undefined : expectNumber(after, "startAfter", U32);
      const { state } = stateAtParam(api, at);
      checkEventKept(state, eventId);
      return flex.responses(state, eventId, MAX_DEVICE_PAGE, startAfter).map(([deviceId, r]) => ({
        deviceId,
        status: flex.RESPONSE_STATUS_NAMES[r.status] ?? String(r.status),
        code: r.status,
        block: r.block,
        submittedBy: encodeAddress(r.submittedBy, ss58),
        signature: toHex(r.signature),
      }));
    },
  });

  /** `flex_settlements(eventId, startAfter?, at?)`: what each targeted device was paid, and why, paged as flex_responses. */
  server.addMethod("flex_settlements", {
    handler: (params): FlexSettlement[] => {
      const [id, after, at] = positional(params, 3);
      const eventId = expectNumber(id, "eventId", U32);
      const startAfter = after === undefined || after === null ? undefined : expectNumber(after, "startAfter", U32);
      const { state } = stateAtParam(api, at);
      checkEventKept(state, eventId);
      return flex.settlements(state, eventId, MAX_DEVICE_PAGE, startAfter).map(([deviceId, s]) => ({
        deviceId,
        outcome: flex.SETTLEMENT_OUTCOME_NAMES[s.outcome] ?? String(s.outcome),
        baselineWh: s.baselineWh,
        meteredWh: s.meteredWh,
        deliveredWh: s.deliveredWh,
        committedWh: s.committedWh,
        amount: flex.amountOf(s.amount).toString(),
        scorePermille: s.scorePermille,
        owner: encodeAddress(s.owner, ss58),
      }));
    },
  });

  /**
   * `flex_baseline(deviceId, eventId, at?)`: the device's adjusted baseline for the event from its
   * credited readings as of `at` (what settlement computes once the readings are final), or null
   * for an unknown event. About 20 storage reads.
   */
  server.addMethod("flex_baseline", {
    handler: (params): FlexBaseline | null => {
      const [device, id, at] = positional(params, 3);
      const deviceId = expectNumber(device, "deviceId", U32);
      const eventId = expectNumber(id, "eventId", U32);
      const { state } = stateAtParam(api, at);
      checkEventKept(state, eventId);
      const result = flex.baseline(state, eventId, deviceId);
      if (!result) return null;
      return {
        eventId,
        deviceId,
        ratioPermille: result.ratioPermille,
        intervals: result.intervals?.map((i) => ({ interval: i.interval, baselineWh: i.baselineWh, meteredWh: i.meteredWh ?? null })) ?? null,
      };
    },
  });
}
