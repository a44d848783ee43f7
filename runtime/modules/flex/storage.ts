import { StorageDoubleMap, StorageMap, StorageValue, u32Codec, unitCodec, type ValueCodec } from "../../framework/storage.ts";
import { profileCodec, type ProfileDay } from "./profileCodec.ts";
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
/** A fleet member: its device and the flexibility it committed on enrolment. */
export interface Member {
  deviceId: number;
  committedW: number;
}

/** Two u32, big-endian. */
const memberCodec: ValueCodec<Member> = {
  encode({ deviceId, committedW }) {
    const out = new Uint8Array(8);
    const view = new DataView(out.buffer);
    view.setUint32(0, deviceId);
    view.setUint32(4, committedW);
    return out;
  },
  decode(bytes) {
    if (bytes.length !== 8) throw new RangeError(`flex.Members: expected 8 bytes, got ${bytes.length}`);
    const view = new DataView(bytes.buffer, bytes.byteOffset, 8);
    return { deviceId: view.getUint32(0), committedW: view.getUint32(4) };
  },
};

/**
 * (program, member seq) → device id and committed W: a whole-fleet event's targets, visited by
 * number (one read each) by delivery and settlement, never by listing a prefix inside a block. A
 * member that left leaves a hole. While its program is not closed (and only such a program has
 * events to deliver or settle) an entry is exactly a live enrolment — `enrol` writes both,
 * `leave` removes both — so a fleet target needs no read of `Enrolments` besides.
 */
export const Members = new StorageDoubleMap<number, number, Member>(MODULE, "Members", u32Codec, u32Codec, memberCodec);
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

/**
 * (device, chunk of the day) → the device's folded days of that chunk (profileCodec.ts): what its
 * 10-in-10 baselines read of earlier days, one record instead of a pog page per day. Kept for
 * enrolled devices only (an entry in `ProfiledDevices`), removed with the enrolment, so it grows
 * with enrolled devices and holds at most `baselineLookbackDays` + 2 days each (profile.ts).
 */
export const BaselineProfiles = new StorageDoubleMap<number, number, ProfileDay[]>(MODULE, "BaselineProfiles", u32Codec, u32Codec, profileCodec);
/** The devices whose profiles the finalize hook folds, 0 … `ProfileFold.count` − 1 (swap-removed on leaving). */
export const ProfiledDevices = new StorageMap<number, number>(MODULE, "ProfiledDevices", u32Codec, u32Codec);
/** Device → its position in `ProfiledDevices`. Present exactly when the device has an `Enrolments` record. */
export const ProfileIndex = new StorageMap<number, number>(MODULE, "ProfileIndex", u32Codec, u32Codec);

/** Where the profile fold stands: devices profiled, the next unit (day × chunks per day + chunk) to fold, and the next device position in it. */
export interface ProfileFoldState {
  count: number;
  unit: number;
  cursor: number;
}

/** Three u32, big-endian: the record is read once a block, a fixed layout costs nothing to decode. */
const profileFoldCodec: ValueCodec<ProfileFoldState> = {
  encode({ count, unit, cursor }) {
    const out = new Uint8Array(12);
    const view = new DataView(out.buffer);
    view.setUint32(0, count);
    view.setUint32(4, unit);
    view.setUint32(8, cursor);
    return out;
  },
  decode(bytes) {
    if (bytes.length !== 12) throw new RangeError(`flex.ProfileFold: expected 12 bytes, got ${bytes.length}`);
    const view = new DataView(bytes.buffer, bytes.byteOffset, 12);
    return { count: view.getUint32(0), unit: view.getUint32(4), cursor: view.getUint32(8) };
  },
};
export const ProfileFold = new StorageValue<ProfileFoldState>(MODULE, "ProfileFold", profileFoldCodec, () => ({ count: 0, unit: 0, cursor: 0 }));
