import { moduleEvents } from "../../framework/events.ts";

export interface ControlEvents {
  OperatorSet: { deviceId: number; owner: Uint8Array; operator: Uint8Array };
  OperatorRemoved: { deviceId: number; owner: Uint8Array };
  /** `value` is the command's number: percent, watts, or 1/0 for on/off. */
  CommandSubmitted: { commandId: number; deviceId: number; submitter: Uint8Array; kind: string; value: number; validFrom: number; validUntil: number };
  /** `status` is the receipt's: "Executed", "Failed" or "Rejected". */
  CommandAcknowledged: { commandId: number; deviceId: number; status: string; by: Uint8Array };
  CommandCancelled: { commandId: number; deviceId: number; by: Uint8Array };
  CommandExpired: { commandId: number; deviceId: number; validUntil: number };
}

export const controlEvents = moduleEvents<ControlEvents>("control", {
  OperatorSet: { deviceId: "number", owner: "bytes", operator: "bytes" },
  OperatorRemoved: { deviceId: "number", owner: "bytes" },
  CommandSubmitted: { commandId: "number", deviceId: "number", submitter: "bytes", kind: "string", value: "number", validFrom: "number", validUntil: "number" },
  CommandAcknowledged: { commandId: "number", deviceId: "number", status: "string", by: "bytes" },
  CommandCancelled: { commandId: "number", deviceId: "number", by: "bytes" },
  CommandExpired: { commandId: "number", deviceId: "number", validUntil: "number" },
});
