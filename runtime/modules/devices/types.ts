import { MessageCodec, parseProto } from "../../../primitives/codec/index.ts";
import type { DeviceKeyHistory, DeviceRecord, DeviceRegistration, DevicesAddRegistrarArgs, DevicesDeviceIdArgs, DevicesRegisterArgs, DevicesRemoveRegistrarArgs, DevicesRotateKeyArgs, DevicesTransferOwnershipArgs, RegistrarRecord } from "./devices.proto.ts";
import { PROTO_SOURCE } from "./devices.proto.ts";

export const devicesProto = parseProto(PROTO_SOURCE);

/** Device kinds; the rewards module boosts each kind differently. 0 is not a kind. */
export const DeviceKind = { SolarPv: 1, Wind: 2, Battery: 3, Meter: 4, Plug: 5, RemoteShare: 6 } as const;
export type DeviceKindValue = (typeof DeviceKind)[keyof typeof DeviceKind];
export type DeviceKindName = keyof typeof DeviceKind;

/**
 * Device statuses. Only `Active` devices may report readings or receive commands. Every
 * registration is countersigned by a registrar, so a device starts `Active`: no call of this
 * runtime produces `Pending`.
 */
export const DeviceStatus = { Pending: 1, Active: 2, Suspended: 3, Terminated: 4 } as const;
export type DeviceStatusValue = (typeof DeviceStatus)[keyof typeof DeviceStatus];
export type DeviceStatusName = keyof typeof DeviceStatus;

export type { DeviceKeyEntry, DeviceKeyHistory, DeviceRecord, DeviceRegistration, DevicesAddRegistrarArgs, DevicesDeviceIdArgs, DevicesRegisterArgs, DevicesRemoveRegistrarArgs, DevicesRotateKeyArgs, DevicesTransferOwnershipArgs, RegistrarRecord } from "./devices.proto.ts";

export const deviceRecordCodec = new MessageCodec<DeviceRecord>("DeviceRecord", devicesProto);
export const deviceKeyHistoryCodec = new MessageCodec<DeviceKeyHistory>("DeviceKeyHistory", devicesProto);
export const registrarRecordCodec = new MessageCodec<RegistrarRecord>("RegistrarRecord", devicesProto);
export const deviceRegistrationCodec = new MessageCodec<DeviceRegistration>("DeviceRegistration", devicesProto);
export const registerArgsCodec = new MessageCodec<DevicesRegisterArgs>("DevicesRegisterArgs", devicesProto);
export const deviceIdArgsCodec = new MessageCodec<DevicesDeviceIdArgs>("DevicesDeviceIdArgs", devicesProto);
export const transferOwnershipArgsCodec = new MessageCodec<DevicesTransferOwnershipArgs>("DevicesTransferOwnershipArgs", devicesProto);
export const rotateKeyArgsCodec = new MessageCodec<DevicesRotateKeyArgs>("DevicesRotateKeyArgs", devicesProto);
export const addRegistrarArgsCodec = new MessageCodec<DevicesAddRegistrarArgs>("DevicesAddRegistrarArgs", devicesProto);
export const removeRegistrarArgsCodec = new MessageCodec<DevicesRemoveRegistrarArgs>("DevicesRemoveRegistrarArgs", devicesProto);

function nameOf<N extends string>(table: Readonly<Record<N, number>>, value: number): N | undefined {
  return (Object.keys(table) as N[]).find((name) => table[name] === value);
}

/** The kind's name (`"SolarPv"`), or undefined for a number that is not a kind. */
export function deviceKindName(kind: number): DeviceKindName | undefined {
  return nameOf(DeviceKind, kind);
}

/** The status's name (`"Active"`), or undefined for a number that is not a status. */
export function deviceStatusName(status: number): DeviceStatusName | undefined {
  return nameOf(DeviceStatus, status);
}
