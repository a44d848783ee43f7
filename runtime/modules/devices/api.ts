/** The devices module as node, RPC and clients see it: queries over a state, and the types, codecs and signing a client needs. */
export { activeDevice, device, deviceIdsOfOwner, deviceIdsOfOwnerPage, deviceIdStorageKey, deviceStorageKeys, keyForBlock, keyHistory, registrars } from "./queries.ts";
export { DeviceKind, DeviceStatus, deviceKindName, deviceStatusName, registerArgsCodec, type DeviceKeyEntry, type DeviceRecord } from "./types.ts";
export { signRegistration } from "./signing.ts";
