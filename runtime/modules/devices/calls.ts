import { bytesEqual } from "../../../primitives/bytes.ts";
import { blsPublicKey, blsVerify } from "../../../primitives/blsKeys.ts";
import { verify as ed25519Verify } from "../../../primitives/keys/ed25519.ts";
import type { BlockContext, CallDefinition, Origin } from "../../framework/module.ts";
import { ensureRoot, ensureSigned } from "../../framework/origin.ts";
import { DevicesError } from "./errors.ts";
import { isDeviceKind, isGeohash, isValidCapacity, MAX_REGISTRAR_NAME_LENGTH } from "./rules.ts";
import { popMessage, registrationSigningPayload, rotationMessage } from "./signing.ts";
import { keyHistory } from "./queries.ts";
import { DeviceIdByKey, Devices, DevicesByOwner, KeyHistory, NextDeviceId, Registrars } from "./storage.ts";
import {
  addRegistrarArgsCodec,
  deviceIdArgsCodec,
  deviceKindName,
  DeviceStatus,
  deviceStatusName,
  registerArgsCodec,
  removeRegistrarArgsCodec,
  rotateKeyArgsCodec,
  transferOwnershipArgsCodec,
  type DeviceRecord,
  type DevicesAddRegistrarArgs,
  type DevicesDeviceIdArgs,
  type DevicesRegisterArgs,
  type DevicesRemoveRegistrarArgs,
  type DevicesRotateKeyArgs,
  type DevicesTransferOwnershipArgs,
  type DeviceStatusValue,
} from "./types.ts";
import { devicesEvents } from "./events.ts";

/*
 * Weights are in the units of `balances.transfer` (50,000 for two account reads and writes),
 * read as about a nanosecond each. Signature checks dominate these calls: a BLS verification
 * measured 1.6 ms and an ed25519 one 0.15 ms on the 2-core dev box.
 */
/** One BLS (proof of possession) and one ed25519 (registrar) verification, plus five writes. */
const REGISTER_WEIGHT = 2_000_000n;
/** Two BLS verifications (old and new key) plus two writes. */
const ROTATE_KEY_WEIGHT = 3_500_000n;
/** A few reads and writes, like a transfer. */
const STORAGE_CALL_WEIGHT = 50_000n;

const ACCOUNT_LENGTH = 32;
const MAX_DEVICE_ID = 0xffffffff;

function device(ctx: BlockContext, deviceId: number): DeviceRecord {
  const record = Devices.get(ctx.state, deviceId);
  if (record === undefined) throw new DevicesError("DeviceNotFound", { deviceId });
  return record;
}

function ensureOwner(origin: Origin, deviceId: number, record: DeviceRecord): Uint8Array {
  const who = ensureSigned(origin);
  if (!bytesEqual(who, record.owner)) throw new DevicesError("NotOwner", { deviceId });
  return who;
}

function ensureValidKey(key: Uint8Array): void {
  if (blsPublicKey(key) === null) throw new DevicesError("InvalidKey");
}

function ensureAccount(account: Uint8Array): void {
  if (account.length !== ACCOUNT_LENGTH) throw new DevicesError("InvalidAccount");
}

/** `devices.register(...)` by the owner: countersigned by a registrar, proven by the device key. Active at once. */
export const register: CallDefinition<DevicesRegisterArgs> = {
  args: registerArgsCodec,
  weight: () => REGISTER_WEIGHT,
  dispatch: (ctx, origin, args) => {
    const owner = ensureSigned(origin);
    if (!isDeviceKind(args.kind)) throw new DevicesError("InvalidKind", { kind: args.kind });
    if (!isValidCapacity(args.capacityW)) throw new DevicesError("InvalidCapacity", { capacityW: args.capacityW });
    if (!isGeohash(args.location)) throw new DevicesError("InvalidLocation");
    ensureValidKey(args.blsKey);
    if (DeviceIdByKey.contains(ctx.state, args.blsKey)) throw new DevicesError("KeyAlreadyRegistered");
    if (!Registrars.contains(ctx.state, args.registrar)) throw new DevicesError("UnknownRegistrar");
    const payload = registrationSigningPayload(ctx.genesisHash, { owner, blsKey: args.blsKey, kind: args.kind, capacityW: args.capacityW, location: args.location });
    if (!ed25519Verify(args.registrar, payload, args.registrarSignature)) throw new DevicesError("BadRegistrarSignature");
    if (!blsVerify(args.blsKey, popMessage(ctx.genesisHash, owner, args.blsKey), args.proofOfPossession)) throw new DevicesError("BadProofOfPossession");
    const deviceId = NextDeviceId.get(ctx.state);
    if (deviceId === MAX_DEVICE_ID) throw new DevicesError("DeviceIdsExhausted");
    NextDeviceId.set(ctx.state, deviceId + 1);
    const record: DeviceRecord = {
      owner,
      blsKey: args.blsKey,
      kind: args.kind,
      capacityW: args.capacityW,
      location: args.location,
      status: DeviceStatus.Active,
      registrar: args.registrar,
      registeredAt: ctx.number,
    };
    Devices.set(ctx.state, deviceId, record);
    DeviceIdByKey.set(ctx.state, args.blsKey, deviceId);
    DevicesByOwner.set(ctx.state, owner, deviceId, true);
    devicesEvents.deposit(ctx, "Registered", {
      deviceId,
      owner,
      blsKey: args.blsKey,
      kind: deviceKindName(args.kind) ?? null,
      capacityW: args.capacityW,
      location: args.location,
      registrar: args.registrar,
    });
  },
};

function setStatus(ctx: BlockContext, deviceId: number, record: DeviceRecord, to: DeviceStatusValue, by: Uint8Array | null): void {
  Devices.set(ctx.state, deviceId, { ...record, status: to });
  devicesEvents.deposit(ctx, "StatusChanged", { deviceId, from: deviceStatusName(record.status) ?? null, to: deviceStatusName(to) ?? null, by });
}

/**
 * Suspend and resume belong to the device's registrar (the authority that vouched for it), as
 * long as it is still a registrar, and to root. Returns the caller, null for root.
 */
function ensureRegistrarOrRoot(ctx: BlockContext, origin: Origin, deviceId: number, record: DeviceRecord): Uint8Array | null {
  if (origin.kind === "root") return null;
  const who = origin.who;
  if (!bytesEqual(who, record.registrar) || !Registrars.contains(ctx.state, who)) throw new DevicesError("NotDeviceRegistrar", { deviceId });
  return who;
}

function statusChange(from: DeviceStatusValue, to: DeviceStatusValue): CallDefinition<DevicesDeviceIdArgs> {
  return {
    args: deviceIdArgsCodec,
    weight: () => STORAGE_CALL_WEIGHT,
    dispatch: (ctx, origin, { deviceId }) => {
      const record = device(ctx, deviceId);
      const by = ensureRegistrarOrRoot(ctx, origin, deviceId, record);
      if (record.status !== from) {
        throw new DevicesError("InvalidTransition", { deviceId, from: deviceStatusName(record.status) ?? null, to: deviceStatusName(to) ?? null });
      }
      setStatus(ctx, deviceId, record, to, by);
    },
  };
}

/** `devices.suspend(deviceId)` by the device's registrar or root: Active → Suspended. */
export const suspend = statusChange(DeviceStatus.Active, DeviceStatus.Suspended);
/** `devices.resume(deviceId)` by the device's registrar or root: Suspended → Active. */
export const resume = statusChange(DeviceStatus.Suspended, DeviceStatus.Active);

/** `devices.terminate(deviceId)` by the owner or root, from any status; final. */
export const terminate: CallDefinition<DevicesDeviceIdArgs> = {
  args: deviceIdArgsCodec,
  weight: () => STORAGE_CALL_WEIGHT,
  dispatch: (ctx, origin, { deviceId }) => {
    const record = device(ctx, deviceId);
    const by = origin.kind === "root" ? null : ensureOwner(origin, deviceId, record);
    if (record.status === DeviceStatus.Terminated) {
      throw new DevicesError("InvalidTransition", { deviceId, from: "Terminated", to: "Terminated" });
    }
    setStatus(ctx, deviceId, record, DeviceStatus.Terminated, by);
  },
};

/** `devices.transferOwnership(deviceId, newOwner)` by the owner. */
export const transferOwnership: CallDefinition<DevicesTransferOwnershipArgs> = {
  args: transferOwnershipArgsCodec,
  weight: () => STORAGE_CALL_WEIGHT,
  dispatch: (ctx, origin, { deviceId, newOwner }) => {
    const record = device(ctx, deviceId);
    const owner = ensureOwner(origin, deviceId, record);
    ensureAccount(newOwner);
    if (record.status === DeviceStatus.Terminated) throw new DevicesError("DeviceTerminated", { deviceId });
    if (bytesEqual(owner, newOwner)) throw new DevicesError("SameOwner", { deviceId });
    Devices.set(ctx.state, deviceId, { ...record, owner: newOwner });
    DevicesByOwner.remove(ctx.state, owner, deviceId);
    DevicesByOwner.set(ctx.state, newOwner, deviceId, true);
    devicesEvents.deposit(ctx, "OwnershipTransferred", { deviceId, from: owner, to: newOwner });
  },
};

/**
 * `devices.rotateKey(deviceId, newKey, oldKeySignature, newKeySignature)` by the owner, signed
 * by both keys. Allowed while suspended, so that a registrar can suspend a device whose key
 * leaked and resume it once the owner has rotated. The old key stays in `DeviceIdByKey`: no
 * key is ever registered twice. The new key is appended to `KeyHistory` with this block's number:
 * readings credited from the next block on are checked against it (block import verifies a
 * block's readings with the keys of its parent state), so a REC proof can name the key every
 * reading was verified with.
 */
export const rotateKey: CallDefinition<DevicesRotateKeyArgs> = {
  args: rotateKeyArgsCodec,
  weight: () => ROTATE_KEY_WEIGHT,
  dispatch: (ctx, origin, args) => {
    const { deviceId, newKey } = args;
    const record = device(ctx, deviceId);
    ensureOwner(origin, deviceId, record);
    if (record.status === DeviceStatus.Terminated) throw new DevicesError("DeviceTerminated", { deviceId });
    ensureValidKey(newKey);
    if (DeviceIdByKey.contains(ctx.state, newKey)) throw new DevicesError("KeyAlreadyRegistered");
    const message = rotationMessage(ctx.genesisHash, deviceId, newKey);
    if (!blsVerify(record.blsKey, message, args.oldKeySignature)) throw new DevicesError("BadOldKeySignature", { deviceId });
    if (!blsVerify(newKey, message, args.newKeySignature)) throw new DevicesError("BadNewKeySignature", { deviceId });
    Devices.set(ctx.state, deviceId, { ...record, blsKey: newKey });
    DeviceIdByKey.set(ctx.state, newKey, deviceId);
    KeyHistory.set(ctx.state, deviceId, { keys: [...keyHistory(ctx.state, deviceId, record), { key: newKey, setAt: ctx.number }] });
    devicesEvents.deposit(ctx, "KeyRotated", { deviceId, oldKey: record.blsKey, newKey });
  },
};

/** `devices.addRegistrar(account, name)` by root. */
export const addRegistrar: CallDefinition<DevicesAddRegistrarArgs> = {
  args: addRegistrarArgsCodec,
  weight: () => STORAGE_CALL_WEIGHT,
  dispatch: (ctx, origin, { account, name }) => {
    ensureRoot(origin);
    ensureAccount(account);
    if (name.length === 0 || name.length > MAX_REGISTRAR_NAME_LENGTH) throw new DevicesError("InvalidRegistrarName");
    if (Registrars.contains(ctx.state, account)) throw new DevicesError("RegistrarExists");
    Registrars.set(ctx.state, account, { name });
    devicesEvents.deposit(ctx, "RegistrarAdded", { account, name });
  },
};

/**
 * `devices.removeRegistrar(account)` by root. Its devices keep their status; it can no longer
 * countersign registrations nor suspend or resume them (root still can).
 */
export const removeRegistrar: CallDefinition<DevicesRemoveRegistrarArgs> = {
  args: removeRegistrarArgsCodec,
  weight: () => STORAGE_CALL_WEIGHT,
  dispatch: (ctx, origin, { account }) => {
    ensureRoot(origin);
    if (!Registrars.contains(ctx.state, account)) throw new DevicesError("RegistrarNotFound");
    Registrars.remove(ctx.state, account);
    devicesEvents.deposit(ctx, "RegistrarRemoved", { account });
  },
};
