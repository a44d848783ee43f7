/**
 * Random block plans for the state-transition fuzz: what each block carries (readings, and
 * extrinsics from a few dev accounts over balances, devices, recs, control, staking, sudo and
 * random calls), as intents that are turned into real readings and signed extrinsics against the
 * chain's state when the block is built — so that REC ids, command ids and meter readings point
 * at things that exist often enough to get past the first checks.
 */
import fc from "fast-check";
import { bigintToBytes } from "../../primitives/bytes.ts";
import { blsKeypairFromSeed, blsSign, type BlsKeypair } from "../../primitives/blsKeys.ts";
import type { Call } from "../../primitives/codec/index.ts";
import { devKeypair } from "../../primitives/keys/devAccounts.ts";
import { controlReceiptMessage } from "../../runtime/modules/control/receipt.ts";
import { Commands, NextCommandId } from "../../runtime/modules/control/storage.ts";
import { acknowledgeArgs, cancelArgs as controlCancelArgs, submitArgs, type ControlCommand, type ReceiptStatusValue } from "../../runtime/modules/control/types.ts";
import { signRegistration } from "../../runtime/modules/devices/signing.ts";
import { Devices } from "../../runtime/modules/devices/storage.ts";
import { DeviceKind, deviceIdArgsCodec, registerArgsCodec, type DevicesRegisterArgs } from "../../runtime/modules/devices/types.ts";
import { Config as PogConfig, LastReading } from "../../runtime/modules/pog/storage.ts";
import { readingCodec, type Reading } from "../../runtime/modules/pog/types.ts";
import { cancelArgs, certifyArgs, rejectArgs, requestArgs, retireArgs, transferArgs as recsTransferArgs } from "../../runtime/modules/recs/types.ts";
import { NextRecId, Recs } from "../../runtime/modules/recs/storage.ts";
import { sudoArgsCodec } from "../../runtime/modules/sudo/types.ts";
import { amountArgsCodec, noArgsCodec } from "../../runtime/modules/staking/types.ts";
import type { StateReader } from "../../runtime/framework/state.ts";
import { AKRE, publicKeyOf, remarkCall, transferCall, type TestChain } from "../utils/runtime.ts";
import { runtimeCall } from "./arbitraries.ts";

/** Alice is the sudo key, the registrar and the REC issuer of the dev chain. */
export const SIGNERS = ["Alice", "Bob", "Charlie", "Dave", "Eve"] as const;
export type Signer = (typeof SIGNERS)[number];

/** Device keys; registrations for each are signed once (BLS proofs of possession cost ~1 ms). */
export const DEVICES: ReadonlyArray<{ key: BlsKeypair; owner: Signer; kind: number }> = [
  { key: blsKeypairFromSeed(new Uint8Array(32).fill(0x41)), owner: "Bob", kind: DeviceKind.SolarPv },
  { key: blsKeypairFromSeed(new Uint8Array(32).fill(0x42)), owner: "Bob", kind: DeviceKind.Wind },
  { key: blsKeypairFromSeed(new Uint8Array(32).fill(0x43)), owner: "Charlie", kind: DeviceKind.Battery },
  { key: blsKeypairFromSeed(new Uint8Array(32).fill(0x44)), owner: "Dave", kind: DeviceKind.SolarPv },
  { key: blsKeypairFromSeed(new Uint8Array(32).fill(0x45)), owner: "Bob", kind: DeviceKind.SolarPv },
  { key: blsKeypairFromSeed(new Uint8Array(32).fill(0x46)), owner: "Eve", kind: DeviceKind.Battery },
];
export const CAPACITY_W = 10_000;

export function registrations(genesisHash: Uint8Array): DevicesRegisterArgs[] {
  return DEVICES.map((d) =>
    signRegistration({ genesisHash, owner: publicKeyOf(d.owner), device: d.key, kind: d.kind, capacityW: CAPACITY_W, location: "u4pruydqqvj", registrarSeed: devKeypair("Alice").secretSeed }),
  );
}

type Part = "all" | "half" | "one" | "over" | "zero";

export type Action =
  | { kind: "transfer"; to: Signer; amount: "small" | "belowEd" | "free" | "huge"; small: bigint; keepAlive: boolean }
  | { kind: "register"; device: number }
  | { kind: "deviceStatus"; device: number; op: "suspend" | "resume" | "terminate" }
  | { kind: "recsRequest"; devices: number[]; fromBack: number; span: number }
  | { kind: "recsCertify"; rec: number; serial: string }
  | { kind: "recsReject"; rec: number; reason: string }
  | { kind: "recsCancel"; rec: number }
  | { kind: "recsTransfer"; rec: number; to: Signer; part: Part }
  | { kind: "recsRetire"; rec: number; part: Part; beneficiary: string }
  | { kind: "controlSubmit"; device: number; command: ControlCommand | null; fromDelta: number; untilDelta: number }
  | { kind: "controlCancel"; command: number }
  | { kind: "controlAck"; command: number; status: number; signature: "device" | "otherDevice" | "garbage" }
  | { kind: "staking"; op: "bond" | "bondExtra" | "unbond" | "withdrawUnbonded"; amount: bigint }
  | { kind: "remark"; bytes: Uint8Array }
  | { kind: "sudo"; call: Call }
  | { kind: "randomCall"; call: Call };

export interface ExtrinsicIntent {
  signer: Signer;
  /** Sign as whoever the call is meant for (the device's owner, the REC's holder, the issuer...) rather than `signer`. */
  natural: boolean;
  action: Action;
  /** 0: the signer's next nonce; otherwise off by this much (the block must leave it out). */
  nonceDelta: number;
  tip: bigint;
}

export interface ReadingIntent {
  device: number;
  /** Intervals before the block's current interval (negative: in the future). */
  back: number;
  energyWh: number;
  peakW: number;
  /** Extra meter growth after a gap in the readings. */
  gapWh: number;
  corrupt: "none" | "backwards" | "inconsistent";
}

export interface BlockPlan {
  /** Slots since the parent: 30 slots of 2 s are one 60 s reading interval. A few plans jump 10–30 intervals. */
  slots: number;
  readings: ReadingIntent[];
  extrinsics: ExtrinsicIntent[];
}

const signer = fc.constantFrom(...SIGNERS);
/** Mostly the devices registered at the start (0–3), sometimes a later or an unknown one. */
const device = fc.oneof({ weight: 4, arbitrary: fc.nat({ max: 3 }) }, { weight: 1, arbitrary: fc.nat({ max: DEVICES.length }) });
/** A REC or command: mostly one that exists (see `existingId`), sometimes not. */
const pick = fc.nat({ max: 12 });
const part = fc.constantFrom<Part>("all", "half", "one", "over", "zero");

const command: fc.Arbitrary<ControlCommand | null> = fc.oneof(
  fc.constant(null),
  fc.nat({ max: 120 }).map((percent) => ({ curtail: { percent } })),
  fc.nat({ max: 12_000 }).map((watts) => ({ setPoint: { watts } })),
  fc.nat({ max: 12_000 }).map((watts) => ({ charge: { watts } })),
  fc.nat({ max: 12_000 }).map((watts) => ({ discharge: { watts } })),
  fc.boolean().map((on) => ({ onOff: { on } })),
);

const action: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("transfer" as const),
      to: signer,
      amount: fc.constantFrom("small" as const, "small" as const, "small" as const, "belowEd" as const, "free" as const, "huge" as const),
      small: fc.bigInt({ min: 0n, max: 5n * AKRE }),
      keepAlive: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("register" as const), device: fc.nat({ max: DEVICES.length - 1 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("deviceStatus" as const), device, op: fc.constantFrom("suspend" as const, "resume" as const, "terminate" as const) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("recsRequest" as const), devices: fc.uniqueArray(device, { minLength: 1, maxLength: 3 }), fromBack: fc.integer({ min: -2, max: 40 }), span: fc.integer({ min: -1, max: 12 }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("recsCertify" as const), rec: pick, serial: fc.constantFrom("AKRE-1", "AKRE-2", "AKRE-3", "", "not a serial") }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("recsReject" as const), rec: pick, reason: fc.string({ maxLength: 8 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("recsCancel" as const), rec: pick }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("recsTransfer" as const), rec: pick, to: signer, part }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("recsRetire" as const), rec: pick, part, beneficiary: fc.constantFrom("Acme", "") }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("controlSubmit" as const), device, command, fromDelta: fc.integer({ min: -2, max: 4 }), untilDelta: fc.integer({ min: -2, max: 8 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("controlCancel" as const), command: pick }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("controlAck" as const), command: pick, status: fc.nat({ max: 4 }), signature: fc.constantFrom("device" as const, "device" as const, "otherDevice" as const, "garbage" as const) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("staking" as const), op: fc.constantFrom("bond" as const, "bondExtra" as const, "unbond" as const, "withdrawUnbonded" as const), amount: fc.oneof(fc.bigInt({ min: 0n, max: 10n * AKRE }), fc.constant(1n << 100n)) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("remark" as const), bytes: fc.uint8Array({ maxLength: 32 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("sudo" as const), call: runtimeCall }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("randomCall" as const), call: runtimeCall }) },
);

const extrinsic: fc.Arbitrary<ExtrinsicIntent> = fc.record({
  signer,
  natural: fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  action,
  nonceDelta: fc.oneof({ weight: 12, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.constantFrom(-1, 1, 2) }),
  tip: fc.oneof({ weight: 5, arbitrary: fc.constant(0n) }, { weight: 1, arbitrary: fc.bigInt({ min: 1n, max: AKRE }) }),
});

const reading: fc.Arbitrary<ReadingIntent> = fc.record({
  device,
  // Mostly just ended, past each device's last reading; sometimes out of order, too old or not over.
  back: fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 1, max: 3 }) }, { weight: 1, arbitrary: fc.integer({ min: -1, max: 64 }) }),
  energyWh: fc.oneof(fc.nat({ max: 190 }), fc.nat({ max: 5000 })),
  peakW: fc.nat({ max: 12_000 }),
  gapWh: fc.nat({ max: 50 }),
  corrupt: fc.constantFrom("none" as const, "none" as const, "none" as const, "backwards" as const, "inconsistent" as const),
});

export const blockPlan: fc.Arbitrary<BlockPlan> = fc.record({
  // Mostly a few slots; sometimes 10–30 reading intervals at once, so that runs carry credited
  // pages past the fuzz chain's short claim window (stateTransition.test.ts) and expire them.
  slots: fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 1, max: 45 }) }, { weight: 1, arbitrary: fc.integer({ min: 300, max: 900 }) }),
  readings: fc.array(reading, { maxLength: 6 }),
  extrinsics: fc.array(extrinsic, { maxLength: 6 }),
});

/** The reading interval a block at `slot` falls in. */
export function intervalAt(chain: TestChain, slot: bigint): number {
  const intervalMs = BigInt(PogConfig.get(chain.state()).readingIntervalSecs) * 1000n;
  return Number((slot * BigInt(chain.config().slotDurationMs)) / intervalMs);
}

/** Encoded readings for the block: consistent with each device's meter unless told otherwise. */
export function buildReadings(state: StateReader, now: number, intents: readonly ReadingIntent[]): Uint8Array[] {
  return intents.map((r) => {
    const interval = Math.max(0, now - r.back);
    const last = LastReading.get(state, r.device);
    let cumulativeWh = (last?.cumulativeWh ?? 1_000) + r.energyWh + (last && interval === last.interval + 1 ? 0 : r.gapWh);
    if (r.corrupt === "backwards") cumulativeWh = Math.max(0, (last?.cumulativeWh ?? 0) - 1);
    if (r.corrupt === "inconsistent") cumulativeWh += 1 + r.gapWh;
    const value: Reading = { deviceId: r.device, interval, cumulativeWh, energyWh: r.energyWh, peakW: r.peakW };
    return readingCodec.encode(value);
  });
}

function recsCall(method: string, codec: { encode(v: never): Uint8Array }, args: object): Call {
  return { module: "recs", method, args: codec.encode(args as never) };
}

function controlCall(method: string, codec: { encode(v: never): Uint8Array }, args: object): Call {
  return { module: "control", method, args: codec.encode(args as never) };
}

function partOf(energyWh: number, p: Part): number {
  switch (p) {
    case "all":
      return energyWh;
    case "half":
      return Math.floor(energyWh / 2);
    case "one":
      return 1;
    case "over":
      return energyWh + 1;
    case "zero":
      return 0;
  }
}

export interface BuildContext {
  chain: TestChain;
  state: StateReader;
  /** The number and reading interval of the block being built. */
  number: number;
  now: number;
  registrations: readonly DevicesRegisterArgs[];
}

/** Ids from `first` to `next - 1` exist: picks 0–10 land on one of them, 11 and 12 on `next` (unknown) and 0. */
function existingId(pick: number, first: number, next: number): number {
  if (pick === 11) return next;
  if (pick === 12 || next <= first) return first === 0 ? next : 0;
  return first + (pick % (next - first));
}

function recIdOf(ctx: BuildContext, pick: number): number {
  return existingId(pick, 1, NextRecId.get(ctx.state));
}

function commandIdOf(ctx: BuildContext, pick: number): number {
  return existingId(pick, 0, NextCommandId.get(ctx.state));
}

function signerOf(account: Uint8Array | undefined): Signer {
  return SIGNERS.find((n) => account !== undefined && Buffer.compare(publicKeyOf(n), account) === 0) ?? "Alice";
}

/** Who an action is meant to be signed by, against the state before the block; null when anyone may. */
export function naturalSigner(ctx: BuildContext, a: Action): Signer | null {
  const { state } = ctx;
  const deviceOwner = (id: number) => signerOf(Devices.get(state, id)?.owner);
  switch (a.kind) {
    case "register":
      return DEVICES[a.device].owner;
    case "deviceStatus":
      return a.op === "terminate" ? deviceOwner(a.device) : "Alice";
    case "recsRequest":
      return deviceOwner(a.devices[0]);
    case "recsCancel":
    case "recsTransfer":
    case "recsRetire":
      return signerOf(Recs.get(state, recIdOf(ctx, a.rec))?.owner);
    case "controlSubmit":
      return deviceOwner(a.device);
    case "controlCancel":
      return signerOf(Commands.get(state, commandIdOf(ctx, a.command))?.submitter);
    case "transfer":
    case "controlAck":
    case "staking":
    case "remark":
    case "randomCall":
      return null;
    case "recsCertify":
    case "recsReject":
    case "sudo":
      return "Alice";
  }
}

/** The call an intent stands for, against the state before the block. */
export function buildCall(ctx: BuildContext, who: Signer, a: Action): Call {
  const { state } = ctx;
  const recId = (p: number) => recIdOf(ctx, p);
  const commandId = (p: number) => commandIdOf(ctx, p);
  switch (a.kind) {
    case "transfer": {
      const free = ctx.chain.account(publicKeyOf(who)).free;
      const ed = ctx.chain.config().existentialDeposit;
      const amount = { small: a.small, belowEd: ed - 1n, free, huge: 1n << 100n }[a.amount];
      return transferCall(publicKeyOf(a.to), amount, a.keepAlive ? "transferKeepAlive" : "transfer");
    }
    case "register":
      return { module: "devices", method: "register", args: registerArgsCodec.encode(ctx.registrations[a.device]) };
    case "deviceStatus":
      return { module: "devices", method: a.op, args: deviceIdArgsCodec.encode({ deviceId: a.device }) };
    case "recsRequest":
      return recsCall("request", requestArgs, { deviceIds: a.devices, fromInterval: Math.max(0, ctx.now - a.fromBack), toInterval: Math.max(0, ctx.now - a.fromBack + a.span) });
    case "recsCertify":
      return recsCall("certify", certifyArgs, { recId: recId(a.rec), serial: a.serial });
    case "recsReject":
      return recsCall("reject", rejectArgs, { recId: recId(a.rec), reason: a.reason });
    case "recsCancel":
      return recsCall("cancel", cancelArgs, { recId: recId(a.rec) });
    case "recsTransfer": {
      const id = recId(a.rec);
      return recsCall("transfer", recsTransferArgs, { recId: id, to: publicKeyOf(a.to), amountWh: partOf(Recs.get(state, id)?.energyWh ?? 1, a.part) });
    }
    case "recsRetire": {
      const id = recId(a.rec);
      return recsCall("retire", retireArgs, { recId: id, amountWh: partOf(Recs.get(state, id)?.energyWh ?? 1, a.part), beneficiary: a.beneficiary, message: "" });
    }
    case "controlSubmit":
      return controlCall("submit", submitArgs, { deviceId: a.device, command: a.command, validFrom: Math.max(0, ctx.number + a.fromDelta), validUntil: Math.max(0, ctx.number + a.untilDelta) });
    case "controlCancel":
      return controlCall("cancel", controlCancelArgs, { commandId: commandId(a.command) });
    case "controlAck": {
      const id = commandId(a.command);
      const target = Commands.get(state, id);
      const deviceKey = target && Devices.get(state, target.deviceId)?.blsKey;
      const index = deviceKey ? DEVICES.findIndex((d) => Buffer.compare(d.key.publicKey, deviceKey) === 0) : -1;
      const signing = a.signature === "device" ? index : a.signature === "otherDevice" ? (index + 1) % DEVICES.length : -1;
      const message = controlReceiptMessage(ctx.chain.genesis.hash, id, a.status as ReceiptStatusValue);
      const signature = signing >= 0 ? blsSign(DEVICES[signing].key.secretKey, message) : new Uint8Array(96).fill(0xab);
      return controlCall("acknowledge", acknowledgeArgs, { commandId: id, status: a.status, signature });
    }
    case "staking":
      return a.op === "withdrawUnbonded"
        ? { module: "staking", method: a.op, args: noArgsCodec.encode({}) }
        : { module: "staking", method: a.op, args: amountArgsCodec.encode({ value: bigintToBytes(a.amount) }) };
    case "remark":
      return remarkCall(a.bytes);
    case "sudo":
      return { module: "sudo", method: "sudo", args: sudoArgsCodec.encode({ call: a.call }) };
    case "randomCall":
      return a.call;
  }
}
