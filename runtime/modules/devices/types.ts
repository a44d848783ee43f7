import { loadProtoFile, MessageCodec } from "../../../primitives/codec/index.ts";

export const devicesProto = loadProtoFile(new URL("./devices.proto", import.meta.url));

/** Device kinds; the rewards module boosts each kind differently. 0 is not a kind. */
export const DeviceKind = { SolarPv: 1, Wind: 2, Battery: 3, Meter: 4, Plug: 5, RemoteShare: 6 } as const;
export type DeviceKindValue = (typeof DeviceKind)[keyof typeof DeviceKind];

/** Device statuses. Only `Active` devices may report readings or receive commands. */
export const DeviceStatus = { Pending: 1, Active: 2, Suspended: 3, Terminated: 4 } as const;
export type DeviceStatusValue = (typeof DeviceStatus)[keyof typeof DeviceStatus];

export interface DeviceRecord {
  owner: Uint8Array;
  blsKey: Uint8Array;
  kind: number;
  capacityW: number;
  location: string;
  status: number;
  registrar: Uint8Array;
  registeredAt: number;
}

export interface RegistrarRecord {
  name: string;
}

export const deviceRecordCodec = new MessageCodec<DeviceRecord>("DeviceRecord", devicesProto);
export const registrarRecordCodec = new MessageCodec<RegistrarRecord>("RegistrarRecord", devicesProto);
