import { loadProtoFile, MessageCodec } from "../../../primitives/codec/index.ts";

export const controlProto = loadProtoFile(new URL("./control.proto", import.meta.url));

/** A command as protobuf holds it: exactly one member is set (a `oneof`). */
export interface ControlCommand {
  curtail?: { percent: number } | null;
  setPoint?: { watts: number } | null;
  charge?: { watts: number } | null;
  discharge?: { watts: number } | null;
  onOff?: { on: boolean } | null;
}

/** The same command as a tagged value, for checks, events and JSON. */
export type CommandView =
  | { kind: "curtail"; percent: number }
  | { kind: "setPoint"; watts: number }
  | { kind: "charge"; watts: number }
  | { kind: "discharge"; watts: number }
  | { kind: "onOff"; on: boolean };

/** Where a command stands. Only `Pending` commands can be acknowledged or cancelled. */
export const CommandStatus = { Pending: 1, Acknowledged: 2, Cancelled: 3, Expired: 4 } as const;
export type CommandStatusValue = (typeof CommandStatus)[keyof typeof CommandStatus];

/** What the device reports in its receipt. */
export const ReceiptStatus = { Executed: 1, Failed: 2, Rejected: 3 } as const;
export type ReceiptStatusValue = (typeof ReceiptStatus)[keyof typeof ReceiptStatus];

export interface ControlReceipt {
  status: number;
  signature: Uint8Array;
  block: number;
  submittedBy: Uint8Array;
}

export interface CommandRecord {
  deviceId: number;
  command: ControlCommand | null;
  validFrom: number;
  validUntil: number;
  submitter: Uint8Array;
  submittedAt: number;
  status: number;
  receipt: ControlReceipt | null;
}

export interface OperatorRecord {
  operator: Uint8Array;
  delegatedBy: Uint8Array;
}

export interface ControlConfig {
  maxCommandLifetimeBlocks: number;
  maxPendingPerDevice: number;
}

export const commandRecordCodec = new MessageCodec<CommandRecord>("ControlCommandRecord", controlProto);
export const operatorRecordCodec = new MessageCodec<OperatorRecord>("ControlOperatorRecord", controlProto);
export const controlConfigCodec = new MessageCodec<ControlConfig>("ControlConfigRecord", controlProto);

/** The command's kind and value, or null when no kind is set. */
export function describeCommand(command: ControlCommand | null): CommandView | null {
  if (!command) return null;
  if (command.curtail) return { kind: "curtail", percent: command.curtail.percent };
  if (command.setPoint) return { kind: "setPoint", watts: command.setPoint.watts };
  if (command.charge) return { kind: "charge", watts: command.charge.watts };
  if (command.discharge) return { kind: "discharge", watts: command.discharge.watts };
  if (command.onOff) return { kind: "onOff", on: command.onOff.on };
  return null;
}

/** The protobuf form of a tagged command (what a client puts in `submit`'s arguments). */
export function commandFromView(view: CommandView): ControlCommand {
  switch (view.kind) {
    case "curtail":
      return { curtail: { percent: view.percent } };
    case "setPoint":
      return { setPoint: { watts: view.watts } };
    case "charge":
      return { charge: { watts: view.watts } };
    case "discharge":
      return { discharge: { watts: view.watts } };
    case "onOff":
      return { onOff: { on: view.on } };
  }
}
