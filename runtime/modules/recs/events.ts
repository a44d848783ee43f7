import { moduleEvents } from "../../framework/events.ts";
import { MODULE } from "./storage.ts";

export interface RecsEvents {
  IssuerAdded: { issuer: Uint8Array; name: string };
  IssuerRemoved: { issuer: Uint8Array };
  Requested: { recId: number; owner: Uint8Array; energyWh: number; slots: number; fee: bigint };
  Certified: { recId: number; issuer: Uint8Array; serial: string; energyWh: number };
  Rejected: { recId: number; issuer: Uint8Array; reason: string };
  Cancelled: { recId: number; owner: Uint8Array; slotsReleased: number; fee: bigint };
  Transferred: { recId: number; from: Uint8Array; to: Uint8Array; energyWh: number };
  Split: { recId: number; newRecId: number; from: Uint8Array; to: Uint8Array; amountWh: number };
  Retired: { recId: number; retirementId: number; owner: Uint8Array; amountWh: number; beneficiary: string };
}

export const recsEvents = moduleEvents<RecsEvents>(MODULE, {
  IssuerAdded: { issuer: "bytes", name: "string" },
  IssuerRemoved: { issuer: "bytes" },
  Requested: { recId: "number", owner: "bytes", energyWh: "number", slots: "number", fee: "bigint" },
  Certified: { recId: "number", issuer: "bytes", serial: "string", energyWh: "number" },
  Rejected: { recId: "number", issuer: "bytes", reason: "string" },
  Cancelled: { recId: "number", owner: "bytes", slotsReleased: "number", fee: "bigint" },
  Transferred: { recId: "number", from: "bytes", to: "bytes", energyWh: "number" },
  Split: { recId: "number", newRecId: "number", from: "bytes", to: "bytes", amountWh: "number" },
  Retired: { recId: "number", retirementId: "number", owner: "bytes", amountWh: "number", beneficiary: "string" },
});
