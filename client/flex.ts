/**
 * The flex module (virtual power plant, docs/vpp.md) as a client sees it: the JSON shapes of the
 * `flex_*` RPC answers, and the arguments of the calls that need more than plain values (a
 * device's signed response, amounts).
 */
import { flexResponseMessage, type CallArgsMap } from "../runtime/wire.ts";
import type { BlsSigner } from "./bls.ts";
import { ClientError } from "./errors.ts";

/** Amounts are decimal strings of planck (1 AKRE = 10^18). */
export interface FlexProgram {
  id: number;
  operator: string;
  name: string;
  /** DeviceKind names. */
  deviceKinds: string[];
  region: string;
  pricePerKwh: string;
  /** Reserved and not yet paid. */
  budget: string;
  paid: string;
  baselineMethod: string;
  maxEventIntervals: number;
  status: "Active" | "Paused" | "Closed";
  createdAt: number;
  members: number;
  activeEvents: number[];
}

export interface FlexEnrolment {
  deviceId: number;
  programId: number;
  committedW: number;
  seq: number;
  enrolledAt: number;
}

export interface FlexEvent {
  id: number;
  programId: number;
  /** OpenADR 3 payload type: REDUCE_EXPORT, INCREASE_EXPORT, CHARGE or EXPORT_LIMIT. */
  payloadType: string;
  targets: { wholeFleet: true; memberCount: number } | { wholeFleet: false; deviceIds: number[] };
  /** OpenADR 3 intervalPeriod, in the chain's reading intervals. */
  intervalPeriod: { startInterval: number; durationIntervals: number };
  /** One value (W) per interval. */
  intervals: Array<{ id: number; watts: number }>;
  pricePerKwh: string;
  createdAt: number;
  phase: "Delivering" | "Scheduled" | "Settling" | "Settled";
  delivered: number;
  paidDevices: number;
  paid: string;
}

export interface FlexResponse {
  deviceId: number;
  /** OptIn, OptOut, Started or Completed; `code` is its IEEE 2030.5 response status. */
  status: string;
  code: number;
  block: number;
  submittedBy: string;
  signature: string;
}

export interface FlexSettlement {
  deviceId: number;
  outcome: string;
  baselineWh: number;
  meteredWh: number;
  deliveredWh: number;
  committedWh: number;
  amount: string;
  scorePermille: number;
  owner: string;
}

/** `flex_baseline`: the device's adjusted baseline for the event as settlement computes it now; intervals null when it has none. */
export interface FlexBaseline {
  eventId: number;
  deviceId: number;
  ratioPermille: number;
  intervals: Array<{ interval: number; baselineWh: number; meteredWh: number | null }> | null;
}

/** The arguments of `flex.respond`: the device's signed answer to an event (`status`: IEEE 2030.5 code, `ResponseStatus`). */
export function flexResponseArgs(genesisHash: Uint8Array, eventId: number, deviceId: number, status: number, device: BlsSigner): CallArgsMap["flex.respond"] {
  return { eventId, deviceId, status, signature: device.sign(flexResponseMessage(genesisHash, eventId, deviceId, status)) };
}

function amountArg(value: bigint, name: string): Uint8Array {
  if (value < 0n || value >= 1n << 128n) throw new ClientError("BAD_INPUT", `${name}: expected an amount in [0, 2^128)`, { [name]: value.toString() });
  if (value === 0n) return new Uint8Array(0);
  let hex = value.toString(16);
  if (hex.length % 2) hex = "0" + hex;
  return Uint8Array.from(hex.match(/../g) as string[], (b) => parseInt(b, 16));
}

export interface FlexProgramRequest {
  name: string;
  /** DeviceKind numbers (runtime/wire.ts). */
  deviceKinds: number[];
  /** Geohash prefix; "" for anywhere. */
  region: string;
  pricePerKwh: bigint;
  budget: bigint;
  maxEventIntervals: number;
}

/** The arguments of `flex.createProgram` (baseline method: TenInTenAdjusted, the only one). */
export function flexProgramArgs(req: FlexProgramRequest): CallArgsMap["flex.createProgram"] {
  return { ...req, pricePerKwh: amountArg(req.pricePerKwh, "pricePerKwh"), budget: amountArg(req.budget, "budget"), baselineMethod: 1 };
}

export interface FlexEventRequest {
  programId: number;
  /** The program's whole fleet, or listed member devices. */
  deviceIds: number[] | "fleet";
  startInterval: number;
  /** `PayloadType` number (runtime/wire.ts). */
  payloadType: number;
  /** One value (W) per interval: the event lasts as many intervals. */
  watts: number[];
  /** Omitted: the program's price. */
  pricePerKwh?: bigint;
}

export function flexEventArgs(req: FlexEventRequest): CallArgsMap["flex.createEvent"] {
  const fleet = req.deviceIds === "fleet";
  return {
    programId: req.programId,
    wholeFleet: fleet,
    deviceIds: fleet ? [] : (req.deviceIds as number[]),
    startInterval: req.startInterval,
    durationIntervals: req.watts.length,
    payloadType: req.payloadType,
    intervals: req.watts.map((watts) => ({ watts })),
    pricePerKwh: req.pricePerKwh === undefined ? new Uint8Array(0) : amountArg(req.pricePerKwh, "pricePerKwh"),
  };
}
