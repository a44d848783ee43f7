import { StorageDoubleMap, StorageMap, StorageValue, u32Codec, unitCodec } from "../../framework/storage.ts";
import {
  enrolmentRecordCodec,
  eventRecordCodec,
  daysCodec,
  flexConfigCodec,
  openEventsCodec,
  programRecordCodec,
  removalEntryCodec,
  responseRecordCodec,
  settlementRecordCodec,
  type EnrolmentRecord,
  type EventRecord,
  type FlexConfig,
  type FlexDays,
  type FlexOpenEvents,
  type FlexRemovalEntry,
  type ProgramRecord,
  type ResponseRecord,
  type SettlementRecord,
} from "./types.ts";

export const MODULE = "flex";

export const Config = new StorageValue<FlexConfig>(MODULE, "Config", flexConfigCodec, () => {
  throw new Error("flex.Config missing from genesis");
});
/** Programs by id (from 0, never reused). */
export const Programs = new StorageMap<number, ProgramRecord>(MODULE, "Programs", u32Codec, programRecordCodec);
export const NextProgramId = new StorageValue<number>(MODULE, "NextProgramId", u32Codec, () => 0);
/** Each device's enrolment: a device is in at most one program at a time. */
export const Enrolments = new StorageMap<number, EnrolmentRecord>(MODULE, "Enrolments", u32Codec, enrolmentRecordCodec);
/**
 * (program, member seq) → device id: a whole-fleet event's targets, visited by number (one read
 * each) by delivery and settlement, never by listing a prefix inside a block. A member that left
 * leaves a hole.
 */
export const Members = new StorageDoubleMap<number, number, number>(MODULE, "Members", u32Codec, u32Codec, u32Codec);
/** Events by id (from 0, never reused). */
export const Events = new StorageMap<number, EventRecord>(MODULE, "Events", u32Codec, eventRecordCodec);
export const NextEventId = new StorageValue<number>(MODULE, "NextEventId", u32Codec, () => 0);
/**
 * Events not yet settled, ascending id, each with the interval after which it settles: what the
 * hooks deliver and settle, found with one read per block (at most `maxOpenEvents` entries).
 */
export const OpenEvents = new StorageValue<FlexOpenEvents>(MODULE, "OpenEvents", openEventsCodec, () => ({ events: [] }));
/** (event, device) → the device's latest response. */
export const Responses = new StorageDoubleMap<number, number, ResponseRecord>(MODULE, "Responses", u32Codec, u32Codec, responseRecordCodec);
/** (event, device) → what the device was paid, once settled. */
export const Settlements = new StorageDoubleMap<number, number, SettlementRecord>(MODULE, "Settlements", u32Codec, u32Codec, settlementRecordCodec);
/** The recent days on which each device was dispatched (written at settlement): excluded from its baselines; one read per device. */
export const DeviceEventDays = new StorageMap<number, FlexDays>(MODULE, "DeviceEventDays", u32Codec, daysCodec);
/** (program, day) on which the program dispatched any event: excluded from its members' baselines. */
export const ProgramEventDays = new StorageDoubleMap<number, number, true>(MODULE, "ProgramEventDays", u32Codec, u32Codec, unitCodec);
/**
 * Settled events and closed programs in the order they settled or closed, a FIFO queue
 * `[RemovalHead, RemovalTail)`: each entry's records are removed `settledRetentionBlocks` after
 * `since` (retention.ts). u32 positions: one entry per event or program ever, 4 billion of them.
 */
export const RemovalQueue = new StorageMap<number, FlexRemovalEntry>(MODULE, "RemovalQueue", u32Codec, removalEntryCodec);
export const RemovalHead = new StorageValue<number>(MODULE, "RemovalHead", u32Codec, () => 0);
export const RemovalTail = new StorageValue<number>(MODULE, "RemovalTail", u32Codec, () => 0);
