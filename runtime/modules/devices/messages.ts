import { concatBytes, u32ToBytes, utf8 } from "../../../primitives/bytes.ts";
import { blake2b256 } from "../../../primitives/hash.ts";
import { deviceRegistrationCodec, type DeviceRegistration } from "./types.ts";

/*
 * The messages signed around a device's life, without the signing (signing.ts, native BLS): plain
 * JavaScript, so the client library builds them in browsers too (runtime/wire.ts).
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
