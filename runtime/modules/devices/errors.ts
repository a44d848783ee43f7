import { DispatchError } from "../../framework/errors.ts";

export type DevicesErrorCode =
  | "InvalidKind" // not one of DeviceKind
  | "InvalidCapacity" // 0 W, or above MAX_CAPACITY_W
  | "InvalidLocation" // not a geohash of 1–12 characters
  | "InvalidKey" // not a valid compressed BLS12-381 public key
  | "InvalidAccount" // an account id that is not 32 bytes
  | "KeyAlreadyRegistered" // the BLS key was registered or rotated in before, by any device
  | "UnknownRegistrar" // the named registrar is not in Registrars
  | "BadRegistrarSignature" // the registrar's ed25519 signature does not cover this registration
  | "BadProofOfPossession" // the device key did not sign the proof of possession
  | "DeviceIdsExhausted" // every u32 device id is taken
  | "DeviceNotFound"
  | "NotOwner" // the call needs the device's owner (or root, where allowed)
  | "NotDeviceRegistrar" // the call needs the device's registrar, still registered (or root)
  | "InvalidTransition" // the status change is not allowed from the device's status
  | "DeviceTerminated" // a terminated device cannot change hands or keys
  | "SameOwner" // ownership transfer to the current owner
  | "BadOldKeySignature" // key rotation not signed by the device's current key
  | "BadNewKeySignature" // key rotation not signed by the new key
  | "RegistrarExists"
  | "RegistrarNotFound"
  | "InvalidRegistrarName"; // empty, or longer than MAX_REGISTRAR_NAME_LENGTH

export class DevicesError extends DispatchError {
  constructor(code: DevicesErrorCode, data: Record<string, unknown> = {}) {
    super({ code, module: "devices", ...data });
  }
}
