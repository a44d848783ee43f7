import { moduleEvents } from "../../framework/events.ts";

/** The devices module's events. Kinds and statuses are their names (null for a value without one). */
export interface DevicesEvents {
  Registered: { deviceId: number; owner: Uint8Array; blsKey: Uint8Array; kind: string | null; capacityW: number; location: string; registrar: Uint8Array };
  /** `by` is null when root made the change. */
  StatusChanged: { deviceId: number; from: string | null; to: string | null; by: Uint8Array | null };
  OwnershipTransferred: { deviceId: number; from: Uint8Array; to: Uint8Array };
  KeyRotated: { deviceId: number; oldKey: Uint8Array; newKey: Uint8Array };
  RegistrarAdded: { account: Uint8Array; name: string };
  RegistrarRemoved: { account: Uint8Array };
}

export const devicesEvents = moduleEvents<DevicesEvents>("devices", {
  Registered: { deviceId: "number", owner: "bytes", blsKey: "bytes", kind: "string|null", capacityW: "number", location: "string", registrar: "bytes" },
  StatusChanged: { deviceId: "number", from: "string|null", to: "string|null", by: "bytes|null" },
  OwnershipTransferred: { deviceId: "number", from: "bytes", to: "bytes" },
  KeyRotated: { deviceId: "number", oldKey: "bytes", newKey: "bytes" },
  RegistrarAdded: { account: "bytes", name: "string" },
  RegistrarRemoved: { account: "bytes" },
});
