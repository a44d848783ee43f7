import { bigintToBytes, bytesToBigint } from "../../../primitives/bytes.ts";
import { MessageCodec, parseProto } from "../../../primitives/codec/index.ts";
import type {
  FlexConfigRecord,
  FlexCreateEventArgs,
  FlexCreateProgramArgs,
  FlexDays,
  FlexEnrolArgs,
  FlexEnrolmentRecord,
  FlexEventRecord,
  FlexOpenEvents,
  FlexLeaveArgs,
  FlexProgramIdArgs,
  FlexProgramRecord,
  FlexRemovalEntry,
  FlexRespondArgs,
  FlexResponseRecord,
  FlexSettlementRecord,
  FlexTopUpArgs,
} from "./flex.proto.ts";
import { PROTO_SOURCE } from "./flex.proto.ts";

export const flexProto = parseProto(PROTO_SOURCE);

export type {
  FlexConfigRecord as FlexConfig,
  FlexCreateEventArgs,
  FlexCreateProgramArgs,
  FlexDays,
  FlexEnrolArgs,
  FlexEnrolmentRecord as EnrolmentRecord,
  FlexOpenEvent,
  FlexOpenEvents,
  FlexEventRecord as EventRecord,
  FlexInterval,
  FlexLeaveArgs,
  FlexProgramIdArgs,
  FlexProgramRecord as ProgramRecord,
  FlexRemovalEntry,
  FlexRespondArgs,
  FlexResponseRecord as ResponseRecord,
  FlexSettlementRecord as SettlementRecord,
  FlexTopUpArgs,
} from "./flex.proto.ts";

/** Where a program stands: `Active` takes enrolments and events, `Paused` only enrolments, `Closed` nothing. */
export const ProgramStatus = { Active: 1, Paused: 2, Closed: 3 } as const;
export type ProgramStatusValue = (typeof ProgramStatus)[keyof typeof ProgramStatus];

/** How a device's baseline is computed; one method so far (docs/vpp.md, "Baseline"). */
export const BaselineMethod = { TenInTenAdjusted: 1 } as const;

/**
 * What an event asks for (OpenADR 3 payload types): each interval's value is in W.
 * `IncreaseExport` is also OpenADR's discharge request for a battery.
 */
export const PayloadType = { ReduceExport: 1, IncreaseExport: 2, Charge: 3, ExportLimit: 4 } as const;
export type PayloadTypeValue = (typeof PayloadType)[keyof typeof PayloadType];
export const PAYLOAD_TYPE_NAMES: Readonly<Record<number, string>> = { 1: "REDUCE_EXPORT", 2: "INCREASE_EXPORT", 3: "CHARGE", 4: "EXPORT_LIMIT" };

/** An event's life: commands are enqueued (Delivering), it runs (Scheduled), then it is paid (Settling → Settled). */
export const EventPhase = { Delivering: 1, Scheduled: 2, Settling: 3, Settled: 4 } as const;
export const EVENT_PHASE_NAMES: Readonly<Record<number, string>> = { 1: "Delivering", 2: "Scheduled", 3: "Settling", 4: "Settled" };

/** A device's answer, with IEEE 2030.5's response status codes (`Response.status`). */
export const ResponseStatus = { Started: 2, Completed: 3, OptOut: 4, OptIn: 5 } as const;
export type ResponseStatusValue = (typeof ResponseStatus)[keyof typeof ResponseStatus];
export const RESPONSE_STATUS_NAMES: Readonly<Record<number, string>> = { 2: "Started", 3: "Completed", 4: "OptOut", 5: "OptIn" };

/** Why a targeted device was paid what it was (docs/vpp.md, "Settlement"). */
export const SettlementOutcome = {
  Paid: 1,
  OptedOut: 2,
  NoReadings: 3,
  NoBaseline: 4,
  NothingDelivered: 5,
  NoImportChannel: 6,
  NotEnrolled: 7,
  BudgetExhausted: 8,
  OwnerBelowDeposit: 9,
} as const;
export const SETTLEMENT_OUTCOME_NAMES: Readonly<Record<number, string>> = {
  1: "Paid",
  2: "OptedOut",
  3: "NoReadings",
  4: "NoBaseline",
  5: "NothingDelivered",
  6: "NoImportChannel",
  7: "NotEnrolled",
  8: "BudgetExhausted",
  9: "OwnerBelowDeposit",
};

export const programRecordCodec = new MessageCodec<FlexProgramRecord>("FlexProgramRecord", flexProto);
export const enrolmentRecordCodec = new MessageCodec<FlexEnrolmentRecord>("FlexEnrolmentRecord", flexProto);
export const eventRecordCodec = new MessageCodec<FlexEventRecord>("FlexEventRecord", flexProto);
export const responseRecordCodec = new MessageCodec<FlexResponseRecord>("FlexResponseRecord", flexProto);
export const settlementRecordCodec = new MessageCodec<FlexSettlementRecord>("FlexSettlementRecord", flexProto);
export const openEventsCodec = new MessageCodec<FlexOpenEvents>("FlexOpenEvents", flexProto);
export const daysCodec = new MessageCodec<FlexDays>("FlexDays", flexProto);
export const flexConfigCodec = new MessageCodec<FlexConfigRecord>("FlexConfigRecord", flexProto);
export const removalEntryCodec = new MessageCodec<FlexRemovalEntry>("FlexRemovalEntry", flexProto);

/** What a removal queue entry removes (retention.ts). */
export const RemovalKind = { Event: 1, Program: 2, ProgramDay: 3 } as const;

// Call arguments.
export const createProgramArgs = new MessageCodec<FlexCreateProgramArgs>("FlexCreateProgramArgs", flexProto);
export const topUpArgs = new MessageCodec<FlexTopUpArgs>("FlexTopUpArgs", flexProto);
export const programIdArgs = new MessageCodec<FlexProgramIdArgs>("FlexProgramIdArgs", flexProto);
export const enrolArgs = new MessageCodec<FlexEnrolArgs>("FlexEnrolArgs", flexProto);
export const leaveArgs = new MessageCodec<FlexLeaveArgs>("FlexLeaveArgs", flexProto);
export const createEventArgs = new MessageCodec<FlexCreateEventArgs>("FlexCreateEventArgs", flexProto);
export const respondArgs = new MessageCodec<FlexRespondArgs>("FlexRespondArgs", flexProto);

/** An amount field (u128, minimal big-endian; empty = 0). */
export function amountOf(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : bytesToBigint(bytes);
}

export function amountBytes(amount: bigint): Uint8Array {
  return amount === 0n ? new Uint8Array(0) : bigintToBytes(amount);
}
