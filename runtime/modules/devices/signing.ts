import { concatBytes, u32ToBytes, utf8 } from "../../../primitives/bytes.ts";
import { blsSign, type BlsKeypair } from "../../../primitives/blsKeys.ts";
import { blake2b256 } from "../../../primitives/hash.ts";
import { keypairFromSeed, sign } from "../../../primitives/keys/ed25519.ts";
import { deviceRegistrationCodec, type DeviceRegistration, type DevicesRegisterArgs, type DevicesRotateKeyArgs } from "./types.ts";

/**
 * The messages signed around a device's life (docs/design.md#keys-and-signatures): each starts with its own domain
 * tag and the genesis hash, so that a signature made for one purpose or one chain is void for
 * any other. The runtime verifies them; registrar tools, firmware and the CLI produce them with
 * the helpers below.
 */
const REGISTRATION_DOMAIN = utf8("arkreen/device-registration/v1");
const POP_DOMAIN = utf8("arkreen/device-pop/v1");
const ROTATION_DOMAIN = utf8("arkreen/device-rotate/v1");

/** What the registrar signs (ed25519): the 32-byte hash of the registration data, owner included. */
export function registrationSigningPayload(genesisHash: Uint8Array, registration: DeviceRegistration): Uint8Array {
  return blake2b256(concatBytes(REGISTRATION_DOMAIN, genesisHash, deviceRegistrationCodec.encode(registration)));
}

/**
 * What the device key signs (BLS) to prove it is held by the registering owner. Binding the
 * owner stops anyone who sees the registration in the pool from claiming the key for himself.
 */
export function popMessage(genesisHash: Uint8Array, owner: Uint8Array, blsKey: Uint8Array): Uint8Array {
  return blake2b256(concatBytes(POP_DOMAIN, genesisHash, owner, blsKey));
}

/** What both the old and the new device key sign (BLS) to move a device to the new key. */
export function rotationMessage(genesisHash: Uint8Array, deviceId: number, newKey: Uint8Array): Uint8Array {
  return blake2b256(concatBytes(ROTATION_DOMAIN, genesisHash, u32ToBytes(deviceId), newKey));
}

export interface RegistrationRequest {
  genesisHash: Uint8Array;
  owner: Uint8Array;
  device: BlsKeypair;
  kind: number;
  capacityW: number;
  location: string;
  /** The registrar's 32-byte ed25519 secret seed. */
  registrarSeed: Uint8Array;
}

/** The arguments of `devices.register`, countersigned by the registrar and proven by the device key. */
export function signRegistration(req: RegistrationRequest): DevicesRegisterArgs {
  const registration: DeviceRegistration = { owner: req.owner, blsKey: req.device.publicKey, kind: req.kind, capacityW: req.capacityW, location: req.location };
  return {
    blsKey: req.device.publicKey,
    kind: req.kind,
    capacityW: req.capacityW,
    location: req.location,
    registrar: keypairFromSeed(req.registrarSeed).publicKey,
    registrarSignature: sign(req.registrarSeed, registrationSigningPayload(req.genesisHash, registration)),
    proofOfPossession: blsSign(req.device.secretKey, popMessage(req.genesisHash, req.owner, req.device.publicKey)),
  };
}

/** The arguments of `devices.rotateKey`, signed by the device's current and new keys. */
export function signRotation(genesisHash: Uint8Array, deviceId: number, oldKey: BlsKeypair, newKey: BlsKeypair): DevicesRotateKeyArgs {
  const message = rotationMessage(genesisHash, deviceId, newKey.publicKey);
  return { deviceId, newKey: newKey.publicKey, oldKeySignature: blsSign(oldKey.secretKey, message), newKeySignature: blsSign(newKey.secretKey, message) };
}

