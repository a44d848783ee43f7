import { bigintToBytes, bytesEqual, bytesToBigint, utf8 } from "../../../primitives/bytes.ts";
import type { BlockContext, CallDefinition, Origin } from "../../framework/module.ts";
import { repatriateReserved, reserve, unreserve } from "../balances/currency.ts";
import { Devices } from "../devices/storage.ts";
import { claimSlots, releaseClaims } from "../pog/claims.ts";
import { creditedReadings, slotExpired } from "../pog/generation.ts";
import { Config as PogConfig } from "../pog/storage.ts";
import { currentInterval } from "../pog/time.ts";
import { ensureRoot, ensureSigned } from "../../framework/origin.ts";
import {
  MAX_BENEFICIARY_BYTES,
  MAX_DEVICES_PER_REQUEST,
  MAX_ISSUER_NAME_BYTES,
  MAX_MESSAGE_BYTES,
  MAX_REASON_BYTES,
  MAX_SERIAL_BYTES,
  MAX_SLOTS_PER_REQUEST,
  requestFee,
} from "./config.ts";
import { RecsError } from "./errors.ts";
import { recsEvents } from "./events.ts";
import { Issuers, NextRecId, NextRetirementId, RecSlots, Recs, RecsByOwner, Retirements, SerialToRec } from "./storage.ts";
import {
  addIssuerArgs,
  cancelArgs,
  certifyArgs,
  RecStatus,
  rejectArgs,
  removeIssuerArgs,
  requestArgs,
  retireArgs,
  transferArgs,
  type RecRecord,
  type RecsAddIssuerArgs,
  type RecsCancelArgs,
  type RecsCertifyArgs,
  type RecSlot,
  type RecsRejectArgs,
  type RecsRemoveIssuerArgs,
  type RecsRequestArgs,
  type RecsRetireArgs,
  type RecsTransferArgs,
} from "./types.ts";

// Weights: one unit is about a nanosecond of execution on the 2-core dev box (`balances.transfer`,
// two account reads and writes, is 50,000).
/** Issuer registry edits: one read and one write. */
const ISSUER_WEIGHT = 20_000n;
/** A request's fixed part: device reads, the fee reserve, the REC and its index entry. */
const REQUEST_BASE_WEIGHT = 100_000n;
/**
 * Per scanned (device, interval): its share of a page read (one per 24 intervals), and for a slot
 * holding energy its copy into the slot list and its claim in the page (a page write per 24),
 * plus its release if the REC is cancelled — prepaid here, because cancel's weight cannot see the
 * slot count. Kept at the figure measured with one entry per slot (~35 µs, ~10 µs to release),
 * which bounds the page layout's cost from above.
 */
const REQUEST_WEIGHT_PER_SLOT = 50_000n;
/** Certify: REC and serial read and written, the escrowed fee paid out (two accounts). */
const CERTIFY_WEIGHT = 100_000n;
/** Reject: one REC read and written. */
const REJECT_WEIGHT = 40_000n;
/** Cancel: REC, its slot list, the refund; the per-slot releases were prepaid by the request. */
const CANCEL_WEIGHT = 100_000n;
/** Transfer or split: REC read and written, one or two index entries, maybe a new REC. */
const TRANSFER_WEIGHT = 60_000n;
/** Retire: REC read and written, a retirement record. */
const RETIRE_WEIGHT = 60_000n;

const SERIAL_RE = /^[\x21-\x7e]+$/;

function ensureIssuer(ctx: BlockContext, origin: Origin): Uint8Array {
  const who = ensureSigned(origin);
  if (!Issuers.contains(ctx.state, who)) throw new RecsError("NotIssuer");
  return who;
}

function getRec(ctx: BlockContext, recId: number): RecRecord {
  const rec = Recs.get(ctx.state, recId);
  if (!rec) throw new RecsError("UnknownRec", { recId });
  return rec;
}

/** The REC held by the signer, in `status`. */
function heldRec(ctx: BlockContext, who: Uint8Array, recId: number): RecRecord {
  const rec = getRec(ctx, recId);
  if (!bytesEqual(rec.owner, who)) throw new RecsError("NotOwner", { recId });
  if (rec.status !== RecStatus.Certified) throw new RecsError("NotCertified", { recId, status: rec.status });
  return rec;
}

function byteLength(text: string): number {
  return utf8(text).length;
}

function ensureAccount(who: Uint8Array): void {
  if (who.length !== 32) throw new RecsError("InvalidAccount");
}

function nextRecId(ctx: BlockContext): number {
  const id = NextRecId.get(ctx.state);
  NextRecId.set(ctx.state, id + 1);
  return id;
}

/** `recs.addIssuer(issuer, name)` (root): accredits a certificate issuer. */
export const addIssuer: CallDefinition<RecsAddIssuerArgs> = {
  args: addIssuerArgs,
  weight: () => ISSUER_WEIGHT,
  dispatch: (ctx, origin, args) => {
    ensureRoot(origin);
    ensureAccount(args.issuer);
    const length = byteLength(args.name);
    if (length === 0 || length > MAX_ISSUER_NAME_BYTES) throw new RecsError("InvalidName", { max: MAX_ISSUER_NAME_BYTES });
    if (Issuers.contains(ctx.state, args.issuer)) throw new RecsError("AlreadyIssuer");
    Issuers.set(ctx.state, args.issuer, { name: args.name });
    recsEvents.deposit(ctx, "IssuerAdded", { issuer: args.issuer, name: args.name });
  },
};

/** `recs.removeIssuer(issuer)` (root): its certified RECs stay valid; its pending decisions pass to other issuers. */
export const removeIssuer: CallDefinition<RecsRemoveIssuerArgs> = {
  args: removeIssuerArgs,
  weight: () => ISSUER_WEIGHT,
  dispatch: (ctx, origin, args) => {
    ensureRoot(origin);
    if (!Issuers.contains(ctx.state, args.issuer)) throw new RecsError("UnknownIssuer");
    Issuers.remove(ctx.state, args.issuer);
    recsEvents.deposit(ctx, "IssuerRemoved", { issuer: args.issuer });
  },
};

/** Devices × intervals a request scans (the range is inclusive). */
function scannedSlots(args: RecsRequestArgs): number {
  return args.toInterval < args.fromInterval ? 0 : args.deviceIds.length * (args.toInterval - args.fromInterval + 1);
}

/**
 * `recs.request(deviceIds, fromInterval, toInterval)` by the owner of every device: a Pending
 * REC for all their verified energy in the range, escrowing the request fee. The range must lie
 * inside the claim window (`fromInterval + pog.claimWindowIntervals >= now`): older slots are
 * refused whether their page is still stored or not. Every slot holding energy must be unclaimed:
 * a request that overlaps a non-cancelled REC is rejected as a whole. Each slot's energy, reading
 * hash and crediting block are copied into the REC's slot list, and its page slot marked claimed.
 */
export const request: CallDefinition<RecsRequestArgs> = {
  args: requestArgs,
  weight: (args) => REQUEST_BASE_WEIGHT + REQUEST_WEIGHT_PER_SLOT * BigInt(Math.min(scannedSlots(args), MAX_SLOTS_PER_REQUEST)),
  dispatch: (ctx, origin, args) => {
    const who = ensureSigned(origin);
    if (args.deviceIds.length === 0) throw new RecsError("NoDevices");
    if (args.deviceIds.length > MAX_DEVICES_PER_REQUEST) throw new RecsError("TooManyDevices", { max: MAX_DEVICES_PER_REQUEST });
    if (args.fromInterval > args.toInterval) throw new RecsError("InvalidRange", { fromInterval: args.fromInterval, toInterval: args.toInterval });
    const scanned = scannedSlots(args);
    if (scanned > MAX_SLOTS_PER_REQUEST) throw new RecsError("TooManySlots", { slots: scanned, max: MAX_SLOTS_PER_REQUEST });
    const deviceIds = [...args.deviceIds].sort((a, b) => a - b);
    for (let i = 1; i < deviceIds.length; i++) if (deviceIds[i] === deviceIds[i - 1]) throw new RecsError("DuplicateDevice", { deviceId: deviceIds[i] });
    for (const deviceId of deviceIds) {
      const device = Devices.get(ctx.state, deviceId);
      if (!device) throw new RecsError("UnknownDevice", { deviceId });
      if (!bytesEqual(device.owner, who)) throw new RecsError("NotDeviceOwner", { deviceId });
    }

    const pog = PogConfig.get(ctx.state);
    const now = currentInterval(ctx.state, pog);
    if (slotExpired(args.fromInterval, now, pog)) throw new RecsError("ClaimWindowPassed", { fromInterval: args.fromInterval, now, claimWindowIntervals: pog.claimWindowIntervals });

    const slots: RecSlot[] = [];
    let energyWh = 0;
    for (const deviceId of deviceIds) {
      for (const c of creditedReadings(ctx.state, deviceId, args.fromInterval, args.toInterval)) {
        if (c.energyWh === 0) continue;
        if (c.claimedBy !== 0) throw new RecsError("SlotAlreadyClaimed", { deviceId, interval: c.interval, recId: c.claimedBy });
        slots.push({ deviceId, interval: c.interval, energyWh: c.energyWh, readingHash: c.readingHash, creditedBlock: c.block });
        energyWh += c.energyWh;
      }
    }
    if (slots.length === 0) throw new RecsError("NothingToCertify");

    const fee = requestFee(ctx.state);
    reserve(ctx, who, fee);
    const recId = nextRecId(ctx);
    claimSlots(ctx.state, slots, recId);
    RecSlots.set(ctx.state, recId, { slots });
    Recs.set(ctx.state, recId, {
      owner: who,
      status: RecStatus.Pending,
      energyWh,
      retiredWh: 0,
      fee: bigintToBytes(fee),
      createdAt: ctx.number,
      parent: 0,
      origin: 0,
      issuer: new Uint8Array(0),
      serial: "",
      rejectReason: "",
      decidedAt: 0,
    });
    RecsByOwner.set(ctx.state, who, recId, true);
    recsEvents.deposit(ctx, "Requested", { recId, owner: who, energyWh, slots: slots.length, fee });
  },
};

/** `recs.certify(recId, serial)` by an issuer: Pending → Certified under a serial never used before; the escrowed fee is paid to the issuer. */
export const certify: CallDefinition<RecsCertifyArgs> = {
  args: certifyArgs,
  weight: () => CERTIFY_WEIGHT,
  dispatch: (ctx, origin, args) => {
    const issuer = ensureIssuer(ctx, origin);
    const rec = getRec(ctx, args.recId);
    if (rec.status !== RecStatus.Pending) throw new RecsError("NotPending", { recId: args.recId, status: rec.status });
    if (byteLength(args.serial) > MAX_SERIAL_BYTES || !SERIAL_RE.test(args.serial)) throw new RecsError("InvalidSerial", { max: MAX_SERIAL_BYTES });
    const holder = SerialToRec.get(ctx.state, args.serial);
    if (holder !== undefined) throw new RecsError("SerialInUse", { serial: args.serial, recId: holder });
    SerialToRec.set(ctx.state, args.serial, args.recId);
    Recs.set(ctx.state, args.recId, { ...rec, status: RecStatus.Certified, issuer, serial: args.serial, decidedAt: ctx.number });
    repatriateReserved(ctx, rec.owner, issuer, bytesToBigint(rec.fee));
    recsEvents.deposit(ctx, "Certified", { recId: args.recId, issuer, serial: args.serial, energyWh: rec.energyWh });
  },
};

/** `recs.reject(recId, reason)` by an issuer: Pending → Rejected. The fee stays escrowed and the slots claimed until the owner cancels. */
export const reject: CallDefinition<RecsRejectArgs> = {
  args: rejectArgs,
  weight: () => REJECT_WEIGHT,
  dispatch: (ctx, origin, args) => {
    const issuer = ensureIssuer(ctx, origin);
    const rec = getRec(ctx, args.recId);
    if (rec.status !== RecStatus.Pending) throw new RecsError("NotPending", { recId: args.recId, status: rec.status });
    if (byteLength(args.reason) > MAX_REASON_BYTES) throw new RecsError("ReasonTooLong", { max: MAX_REASON_BYTES });
    Recs.set(ctx.state, args.recId, { ...rec, status: RecStatus.Rejected, issuer, rejectReason: args.reason, decidedAt: ctx.number });
    recsEvents.deposit(ctx, "Rejected", { recId: args.recId, issuer, reason: args.reason });
  },
};

/**
 * `recs.cancel(recId)` by the owner of a Pending or Rejected REC: its slots are released (and
 * forgotten) and the fee refunded. A released slot may be requested again only while it is inside
 * the claim window; slots whose page expired are gone already.
 */
export const cancel: CallDefinition<RecsCancelArgs> = {
  args: cancelArgs,
  weight: () => CANCEL_WEIGHT,
  dispatch: (ctx, origin, args) => {
    const who = ensureSigned(origin);
    const rec = getRec(ctx, args.recId);
    if (!bytesEqual(rec.owner, who)) throw new RecsError("NotOwner", { recId: args.recId });
    if (rec.status !== RecStatus.Pending && rec.status !== RecStatus.Rejected) throw new RecsError("NotCancellable", { recId: args.recId, status: rec.status });
    const slots = RecSlots.get(ctx.state, args.recId)?.slots ?? [];
    releaseClaims(ctx.state, slots, args.recId);
    RecSlots.remove(ctx.state, args.recId);
    RecsByOwner.remove(ctx.state, who, args.recId);
    Recs.set(ctx.state, args.recId, { ...rec, status: RecStatus.Cancelled });
    const fee = bytesToBigint(rec.fee);
    unreserve(ctx, who, fee);
    recsEvents.deposit(ctx, "Cancelled", { recId: args.recId, owner: who, slotsReleased: slots.length, fee });
  },
};

/**
 * `recs.transfer(recId, to, amountWh)` by the holder of a Certified REC: all of it (the REC
 * changes hands) or part of it (a new Certified REC for `to`, with `parent` = recId).
 */
export const transfer: CallDefinition<RecsTransferArgs> = {
  args: transferArgs,
  weight: () => TRANSFER_WEIGHT,
  dispatch: (ctx, origin, args) => {
    const who = ensureSigned(origin);
    ensureAccount(args.to);
    const rec = heldRec(ctx, who, args.recId);
    if (bytesEqual(args.to, who)) throw new RecsError("SelfTransfer");
    if (args.amountWh === 0) throw new RecsError("ZeroAmount");
    if (args.amountWh > rec.energyWh) throw new RecsError("InsufficientEnergy", { recId: args.recId, energyWh: rec.energyWh, amountWh: args.amountWh });
    if (args.amountWh === rec.energyWh) {
      Recs.set(ctx.state, args.recId, { ...rec, owner: args.to });
      RecsByOwner.remove(ctx.state, who, args.recId);
      RecsByOwner.set(ctx.state, args.to, args.recId, true);
      recsEvents.deposit(ctx, "Transferred", { recId: args.recId, from: who, to: args.to, energyWh: rec.energyWh });
      return;
    }
    const newRecId = nextRecId(ctx);
    Recs.set(ctx.state, args.recId, { ...rec, energyWh: rec.energyWh - args.amountWh });
    Recs.set(ctx.state, newRecId, {
      owner: args.to,
      status: RecStatus.Certified,
      energyWh: args.amountWh,
      retiredWh: 0,
      fee: new Uint8Array(0),
      createdAt: ctx.number,
      parent: args.recId,
      origin: rec.origin === 0 ? args.recId : rec.origin,
      issuer: new Uint8Array(0),
      serial: "",
      rejectReason: "",
      decidedAt: 0,
    });
    RecsByOwner.set(ctx.state, args.to, newRecId, true);
    recsEvents.deposit(ctx, "Split", { recId: args.recId, newRecId, from: who, to: args.to, amountWh: args.amountWh });
  },
};

/**
 * `recs.retire(recId, amountWh, beneficiary, message)` by the holder of a Certified REC: the
 * energy's use is claimed for `beneficiary` in a retirement record that cannot be transferred;
 * a REC with nothing left becomes Retired.
 */
export const retire: CallDefinition<RecsRetireArgs> = {
  args: retireArgs,
  weight: () => RETIRE_WEIGHT,
  dispatch: (ctx, origin, args) => {
    const who = ensureSigned(origin);
    const rec = heldRec(ctx, who, args.recId);
    if (args.amountWh === 0) throw new RecsError("ZeroAmount");
    if (args.amountWh > rec.energyWh) throw new RecsError("InsufficientEnergy", { recId: args.recId, energyWh: rec.energyWh, amountWh: args.amountWh });
    const beneficiaryLength = byteLength(args.beneficiary);
    if (beneficiaryLength === 0 || beneficiaryLength > MAX_BENEFICIARY_BYTES) throw new RecsError("InvalidBeneficiary", { max: MAX_BENEFICIARY_BYTES });
    if (byteLength(args.message) > MAX_MESSAGE_BYTES) throw new RecsError("MessageTooLong", { max: MAX_MESSAGE_BYTES });
    const energyWh = rec.energyWh - args.amountWh;
    Recs.set(ctx.state, args.recId, { ...rec, energyWh, retiredWh: rec.retiredWh + args.amountWh, status: energyWh === 0 ? RecStatus.Retired : RecStatus.Certified });
    const retirementId = NextRetirementId.get(ctx.state);
    NextRetirementId.set(ctx.state, retirementId + 1);
    Retirements.set(ctx.state, retirementId, { recId: args.recId, owner: who, amountWh: args.amountWh, beneficiary: args.beneficiary, message: args.message, block: ctx.number });
    recsEvents.deposit(ctx, "Retired", { recId: args.recId, retirementId, owner: who, amountWh: args.amountWh, beneficiary: args.beneficiary });
  },
};
