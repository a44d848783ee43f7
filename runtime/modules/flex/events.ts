import { moduleEvents } from "../../framework/events.ts";

export interface FlexEvents {
  ProgramCreated: { programId: number; operator: Uint8Array; budget: bigint; pricePerKwh: bigint };
  ProgramToppedUp: { programId: number; amount: bigint; budget: bigint };
  ProgramPaused: { programId: number };
  ProgramResumed: { programId: number };
  /** `returned` is the unspent budget released to the operator. */
  ProgramClosed: { programId: number; returned: bigint };
  Enrolled: { programId: number; deviceId: number; owner: Uint8Array; committedW: number };
  Left: { programId: number; deviceId: number };
  /** `payloadType` is the OpenADR name ("REDUCE_EXPORT", ...); `targets` the devices listed, or the fleet's member count. */
  EventCreated: { eventId: number; programId: number; payloadType: string; startInterval: number; durationIntervals: number; wholeFleet: boolean; targets: number; pricePerKwh: bigint };
  /** Every target has been sent its command (`skipped`: devices whose command queue was full, or no longer enrolled). */
  EventDelivered: { eventId: number; delivered: number; skipped: number };
  /** `status` is the response's name ("OptIn", ...), `code` its IEEE 2030.5 number. */
  Responded: { eventId: number; deviceId: number; status: string; code: number; by: Uint8Array };
  /** A device's settlement; `outcome` names why it was paid what it was. */
  DeviceSettled: { eventId: number; deviceId: number; outcome: string; deliveredWh: bigint; amount: bigint; scorePermille: number };
  EventSettled: { eventId: number; programId: number; paid: bigint; paidDevices: number };
}

export const flexEvents = moduleEvents<FlexEvents>("flex", {
  ProgramCreated: { programId: "number", operator: "bytes", budget: "bigint", pricePerKwh: "bigint" },
  ProgramToppedUp: { programId: "number", amount: "bigint", budget: "bigint" },
  ProgramPaused: { programId: "number" },
  ProgramResumed: { programId: "number" },
  ProgramClosed: { programId: "number", returned: "bigint" },
  Enrolled: { programId: "number", deviceId: "number", owner: "bytes", committedW: "number" },
  Left: { programId: "number", deviceId: "number" },
  EventCreated: {
    eventId: "number",
    programId: "number",
    payloadType: "string",
    startInterval: "number",
    durationIntervals: "number",
    wholeFleet: "boolean",
    targets: "number",
    pricePerKwh: "bigint",
  },
  EventDelivered: { eventId: "number", delivered: "number", skipped: "number" },
  Responded: { eventId: "number", deviceId: "number", status: "string", code: "number", by: "bytes" },
  DeviceSettled: { eventId: "number", deviceId: "number", outcome: "string", deliveredWh: "bigint", amount: "bigint", scorePermille: "number" },
  EventSettled: { eventId: "number", programId: "number", paid: "bigint", paidDevices: "number" },
});
