import { MessageCodec, parseProto } from "../../../primitives/codec/index.ts";
import type {
  ControlAcknowledgeArgs,
  ControlCancelArgs,
  ControlCommand,
  ControlCommandRecord,
  ControlConfigRecord,
  ControlOperatorRecord,
  ControlSetOperatorArgs,
  ControlSettledEntry,
  ControlSubmitArgs,
} from "./control.proto.ts";
import { PROTO_SOURCE } from "./control.proto.ts";

export const controlProto = parseProto(PROTO_SOURCE);

// The records' and arguments' shapes, generated from control.proto. A `ControlCommand` is the
// protobuf form of a command: exactly one member is set (a `oneof`).
export type {
  ControlAcknowledgeArgs as ControlAcknowledge,
  ControlCancelArgs as ControlCancel,
  ControlCommand,
  ControlCommandRecord as CommandRecord,
  ControlConfigRecord as ControlConfig,
  ControlOperatorRecord as OperatorRecord,
  ControlReceipt,
  ControlSetOperatorArgs as ControlSetOperator,
  ControlSettledEntry as SettledEntry,
  ControlSubmitArgs as ControlSubmit,
} from "./control.proto.ts";

/** The same command as a tagged value, for checks, events and JSON. */
export type CommandView =
  | { kind: "curtail"; percent: number }
  | { kind: "setPoint"; watts: number }
  | { kind: "charge"; watts: number }
  | { kind: "discharge"; watts: number }
  | { kind: "onOff"; on: boolean }
  /** Enqueued by the flex module only (docs/vpp.md); `payloadType` is flex's PayloadType number. */
  | { kind: "flexEvent"; eventId: number; payloadType: number; watts: number; startInterval: number; durationIntervals: number };

/** Where a command stands. Only `Pending` commands can be acknowledged or cancelled. */
export const CommandStatus = { Pending: 1, Acknowledged: 2, Cancelled: 3, Expired: 4 } as const;
export type CommandStatusValue = (typeof CommandStatus)[keyof typeof CommandStatus];

/** What the device reports in its receipt. */
export const ReceiptStatus = { Executed: 1, Failed: 2, Rejected: 3 } as const;
export type ReceiptStatusValue = (typeof ReceiptStatus)[keyof typeof ReceiptStatus];

export const commandRecordCodec = new MessageCodec<ControlCommandRecord>("ControlCommandRecord", controlProto);
export const operatorRecordCodec = new MessageCodec<ControlOperatorRecord>("ControlOperatorRecord", controlProto);
export const controlConfigCodec = new MessageCodec<ControlConfigRecord>("ControlConfigRecord", controlProto);
export const settledEntryCodec = new MessageCodec<ControlSettledEntry>("ControlSettledEntry", controlProto);

// Call arguments.
export const setOperatorArgs = new MessageCodec<ControlSetOperatorArgs>("ControlSetOperatorArgs", controlProto);
export const submitArgs = new MessageCodec<ControlSubmitArgs>("ControlSubmitArgs", controlProto);
export const acknowledgeArgs = new MessageCodec<ControlAcknowledgeArgs>("ControlAcknowledgeArgs", controlProto);
export const cancelArgs = new MessageCodec<ControlCancelArgs>("ControlCancelArgs", controlProto);

/** The command's kind and value, or null when no kind is set. */
export function describeCommand(command: ControlCommand | null): CommandView | null {
  if (!command) return null;
  if (command.curtail) return { kind: "curtail", percent: command.curtail.percent };
  if (command.setPoint) return { kind: "setPoint", watts: command.setPoint.watts };
  if (command.charge) return { kind: "charge", watts: command.charge.watts };
  if (command.discharge) return { kind: "discharge", watts: command.discharge.watts };
  if (command.onOff) return { kind: "onOff", on: command.onOff.on };
  if (command.flexEvent) return { kind: "flexEvent", ...command.flexEvent };
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
    case "flexEvent": {
      const { eventId, payloadType, watts, startInterval, durationIntervals } = view;
      return { flexEvent: { eventId, payloadType, watts, startInterval, durationIntervals } };
    }
  }
}
