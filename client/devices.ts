import { controlReceiptMessage, popMessage, registrationSigningPayload, type ReceiptStatusValue } from "../runtime/wire.ts";
import type { CallArgsMap } from "../runtime/wire.ts";
import type { Account } from "./account.ts";
import type { BlsSigner } from "./bls.ts";
import { ClientError } from "./errors.ts";

export interface RegistrationRequest {
  genesisHash: Uint8Array;
  /** The account that will own the device (and submits `devices.register`). */
  owner: Uint8Array;
  /** The device's BLS key: it proves possession, bound to the owner. */
  device: BlsSigner;
  /** `DeviceKind` (runtime/wire.ts): SolarPv 1, Wind 2, … */
  kind: number;
  capacityW: number;
  location: string;
  /** A registrar known to the chain, who countersigns the registration. */
  registrar: Account;
}

/** The arguments of `devices.register` (docs/devices.md): countersigned by the registrar, proven by the device key. */
export function registrationArgs(req: RegistrationRequest): CallArgsMap["devices.register"] {
  if (!Number.isSafeInteger(req.capacityW) || req.capacityW <= 0) throw new ClientError("BAD_INPUT", `capacityW: expected a positive integer, got ${req.capacityW}`, { capacityW: req.capacityW });
  const registration = { owner: req.owner, blsKey: req.device.publicKey, kind: req.kind, capacityW: req.capacityW, location: req.location };
  return {
    blsKey: req.device.publicKey,
    kind: req.kind,
    capacityW: req.capacityW,
    location: req.location,
    registrar: req.registrar.publicKey,
    registrarSignature: req.registrar.sign(registrationSigningPayload(req.genesisHash, registration)),
    proofOfPossession: req.device.sign(popMessage(req.genesisHash, req.owner, req.device.publicKey)),
  };
}

/** The arguments of `control.acknowledge`: the device's signed receipt of a command (docs/control.md). */
export function acknowledgementArgs(genesisHash: Uint8Array, commandId: number, status: ReceiptStatusValue, device: BlsSigner): CallArgsMap["control.acknowledge"] {
  return { commandId, status, signature: device.sign(controlReceiptMessage(genesisHash, commandId, status)) };
}

