import { blsSign, type BlsKeypair } from "../../../primitives/blsKeys.ts";
import { keypairFromSeed, sign } from "../../../primitives/keys/ed25519.ts";
import { popMessage, registrationSigningPayload, rotationMessage } from "./messages.ts";
import { type DeviceRegistration, type DevicesRegisterArgs, type DevicesRotateKeyArgs } from "./types.ts";

/**
 * The messages signed around a device's life (docs/design.md#keys-and-signatures): each starts with its own domain
 * tag and the genesis hash, so that a signature made for one purpose or one chain is void for
 * any other. The runtime verifies them; registrar tools, firmware and the CLI produce them with
 * the helpers below.
 */

export { popMessage, registrationSigningPayload, rotationMessage } from "./messages.ts";

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

