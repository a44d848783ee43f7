import type { RuntimeModule } from "../../framework/module.ts";
import { addRegistrar, register, removeRegistrar, resume, rotateKey, suspend, terminate, transferOwnership } from "./calls.ts";
import { devicesGenesis } from "./genesis.ts";

export { activeDevice, deviceIdsOfOwner } from "./queries.ts";
export { popMessage, registrationSigningPayload, rotationMessage, signRegistration, signRotation } from "./signing.ts";

/** Energy devices: registrars, registration, status, ownership and key rotation (docs/devices.md). */
export const devicesModule: RuntimeModule = {
  name: "devices",
  calls: { register, suspend, resume, terminate, transferOwnership, rotateKey, addRegistrar, removeRegistrar },
  genesis: devicesGenesis,
};
