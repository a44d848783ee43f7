import { bytesEqual } from "../../../primitives/bytes.ts";
import { blsVerify } from "../../../primitives/blsKeys.ts";
import type { CallDefinition } from "../../framework/module.ts";
import type { StateReader } from "../../framework/state.ts";
import { Devices } from "../devices/storage.ts";
import { ensureSigned } from "../../framework/origin.ts";
import { DeviceKind, DeviceStatus, type DeviceRecord } from "../devices/types.ts";
import { ControlError } from "./errors.ts";
import { openCommand, settleCommand } from "./lifecycle.ts";
import { controlReceiptMessage } from "./receipt.ts";
import { Commands, Config, NextCommandId, Operators, PendingCount } from "./storage.ts";
import {
  CommandStatus,
  ReceiptStatus,
  acknowledgeArgs,
  cancelArgs,
  describeCommand,
  type CommandRecord,
  type CommandView,
  type ControlAcknowledge,
  type ControlCancel,
  type ControlCommand,
  type ControlConfig,
  type ControlSetOperator,
  type ControlSubmit,
  type ReceiptStatusValue,
  setOperatorArgs,
  submitArgs,
} from "./types.ts";
import { controlEvents } from "./events.ts";

// Weights are in the units of `balances.transfer` (50,000) and `devices.register` (≈ nanoseconds
// of signature checking). Storage-bound calls are scaled by dispatch times measured beside a
// transfer (blocks of 300 calls on the 2-core development machine).
/** One device read and one write: less than a transfer. */
const SET_OPERATOR_WEIGHT = 30_000n;
/** Device, operator, config and count reads; six writes (record, id counter, two indices, two counts): twice a transfer. */
const SUBMIT_WEIGHT = 100_000n;
/**
 * One BLS verification of an untrusted key and signature (decompression and subgroup checks
 * included: 1.8 ms with native blst on the development machine) dominates the settlement's writes.
 */
const ACKNOWLEDGE_WEIGHT = 2_000_000n;
/** Record and device reads; five writes (record, two indices, two counts): a transfer's. */
const CANCEL_WEIGHT = 50_000n;

export const RECEIPT_STATUS_NAMES: Readonly<Record<ReceiptStatusValue, string>> = { 1: "Executed", 2: "Failed", 3: "Rejected" };

function device(state: StateReader, deviceId: number): DeviceRecord {
  const record = Devices.get(state, deviceId);
  if (!record) throw new ControlError("UnknownDevice", { deviceId });
  return record;
}

/** The operator the current owner delegated to; a delegation made by a previous owner has lapsed. */
function activeOperator(state: StateReader, deviceId: number, owner: Uint8Array): Uint8Array | null {
  const record = Operators.get(state, deviceId);
  return record && bytesEqual(record.delegatedBy, owner) ? record.operator : null;
}

function pendingCommand(state: StateReader, commandId: number, blockNumber: number): CommandRecord {
  const record = Commands.get(state, commandId);
  if (!record) throw new ControlError("UnknownCommand", { commandId });
  // A command past its window may still be `Pending` until the expiry hook reaches it.
  if (record.status === CommandStatus.Expired || (record.status === CommandStatus.Pending && blockNumber > record.validUntil)) {
    throw new ControlError("CommandExpired", { commandId, validUntil: record.validUntil });
  }
  if (record.status !== CommandStatus.Pending) throw new ControlError("NotPending", { commandId, status: record.status });
  return record;
}

/** The command's kind and the number events carry for it (percent, watts, or 1/0 for on/off). */
function checkCommand(command: ControlCommand | null, target: DeviceRecord): { view: CommandView; value: number } {
  const view = describeCommand(command);
  if (!view) throw new ControlError("EmptyCommand");
  switch (view.kind) {
    case "curtail":
      if (view.percent > 100) throw new ControlError("PercentOutOfRange", { percent: view.percent });
      return { view, value: view.percent };
    case "charge":
    case "discharge":
      if (target.kind !== DeviceKind.Battery) throw new ControlError("UnsupportedCommand", { kind: view.kind, deviceKind: target.kind });
      if (view.watts > target.capacityW) throw new ControlError("AboveCapacity", { watts: view.watts, capacityW: target.capacityW });
      return { view, value: view.watts };
    case "setPoint":
      if (view.watts > target.capacityW) throw new ControlError("AboveCapacity", { watts: view.watts, capacityW: target.capacityW });
      return { view, value: view.watts };
    case "onOff":
      return { view, value: view.on ? 1 : 0 };
    case "flexEvent":
      // Only the flex module enqueues these (enqueue.ts), for its own events.
      throw new ControlError("UnsupportedCommand", { kind: view.kind, deviceKind: target.kind });
  }
}

function checkWindow(args: ControlSubmit, blockNumber: number, config: ControlConfig): void {
  const { validFrom, validUntil } = args;
  if (validFrom > validUntil) throw new ControlError("InvalidWindow", { validFrom, validUntil });
  if (validUntil < blockNumber) throw new ControlError("WindowInPast", { validUntil, blockNumber });
  if (validUntil - blockNumber > config.maxCommandLifetimeBlocks) {
    throw new ControlError("WindowTooLong", { validUntil, blockNumber, maxCommandLifetimeBlocks: config.maxCommandLifetimeBlocks });
  }
}

/** `control.setOperator(deviceId, operator)`: the owner delegates submitting commands to `operator`, or revokes it (empty). */
export const setOperator: CallDefinition<ControlSetOperator> = {
  args: setOperatorArgs,
  weight: () => SET_OPERATOR_WEIGHT,
  dispatch: (ctx, origin, { deviceId, operator }) => {
    const who = ensureSigned(origin);
    if (!bytesEqual(device(ctx.state, deviceId).owner, who)) throw new ControlError("NotOwner", { deviceId });
    if (operator.length === 0) {
      if (!Operators.contains(ctx.state, deviceId)) throw new ControlError("NoOperator", { deviceId });
      Operators.remove(ctx.state, deviceId);
      controlEvents.deposit(ctx, "OperatorRemoved", { deviceId, owner: who });
      return;
    }
    if (operator.length !== 32) throw new ControlError("InvalidAccount", { length: operator.length });
    Operators.set(ctx.state, deviceId, { operator, delegatedBy: who });
    controlEvents.deposit(ctx, "OperatorSet", { deviceId, owner: who, operator });
  },
};

/** `control.submit(deviceId, command, validFrom, validUntil)` by the owner or its operator, to an Active device. */
export const submit: CallDefinition<ControlSubmit> = {
  args: submitArgs,
  weight: () => SUBMIT_WEIGHT,
  dispatch: (ctx, origin, args) => {
    const who = ensureSigned(origin);
    const target = device(ctx.state, args.deviceId);
    if (target.status !== DeviceStatus.Active) throw new ControlError("DeviceNotActive", { deviceId: args.deviceId, status: target.status });
    const operator = activeOperator(ctx.state, args.deviceId, target.owner);
    if (!bytesEqual(target.owner, who) && !(operator && bytesEqual(operator, who))) throw new ControlError("NotAuthorized", { deviceId: args.deviceId });
    const { view, value } = checkCommand(args.command, target);
    const config = Config.get(ctx.state);
    checkWindow(args, ctx.number, config);
    if ((PendingCount.get(ctx.state, args.deviceId) ?? 0) >= config.maxPendingPerDevice) {
      throw new ControlError("TooManyPending", { deviceId: args.deviceId, max: config.maxPendingPerDevice });
    }
    const commandId = NextCommandId.get(ctx.state);
    const record: CommandRecord = {
      deviceId: args.deviceId,
      command: args.command,
      validFrom: args.validFrom,
      validUntil: args.validUntil,
      submitter: who,
      submittedAt: ctx.number,
      status: CommandStatus.Pending,
      receipt: null,
    };
    openCommand(ctx.state, commandId, record);
    NextCommandId.set(ctx.state, commandId + 1);
    controlEvents.deposit(ctx, "CommandSubmitted", {
      commandId,
      deviceId: args.deviceId,
      submitter: who,
      kind: view.kind,
      value,
      validFrom: args.validFrom,
      validUntil: args.validUntil,
    });
  },
};

/**
 * `control.acknowledge(commandId, status, signature)`: records the device's receipt. Any account
 * may carry it (the device's gateway pays the fee): the device's BLS signature is what counts.
 */
export const acknowledge: CallDefinition<ControlAcknowledge> = {
  args: acknowledgeArgs,
  weight: () => ACKNOWLEDGE_WEIGHT,
  dispatch: (ctx, origin, { commandId, status, signature }) => {
    const who = ensureSigned(origin);
    const record = pendingCommand(ctx.state, commandId, ctx.number);
    if (status !== ReceiptStatus.Executed && status !== ReceiptStatus.Failed && status !== ReceiptStatus.Rejected) {
      throw new ControlError("InvalidStatus", { status });
    }
    // A device may refuse a command at once, but cannot have carried it out before its window opened.
    if (status !== ReceiptStatus.Rejected && ctx.number < record.validFrom) throw new ControlError("NotYetValid", { commandId, validFrom: record.validFrom });
    const target = device(ctx.state, record.deviceId);
    if (!blsVerify(target.blsKey, controlReceiptMessage(ctx.genesisHash, commandId, status), signature)) throw new ControlError("BadReceipt", { commandId });
    settleCommand(ctx.state, commandId, record, {
      status: CommandStatus.Acknowledged,
      receipt: { status, signature, block: ctx.number, submittedBy: who },
    }, ctx.number);
    controlEvents.deposit(ctx, "CommandAcknowledged", { commandId, deviceId: record.deviceId, status: RECEIPT_STATUS_NAMES[status], by: who });
  },
};

/** `control.cancel(commandId)` by the command's submitter or the device's owner, while it is pending. */
export const cancel: CallDefinition<ControlCancel> = {
  args: cancelArgs,
  weight: () => CANCEL_WEIGHT,
  dispatch: (ctx, origin, { commandId }) => {
    const who = ensureSigned(origin);
    const record = pendingCommand(ctx.state, commandId, ctx.number);
    if (!bytesEqual(record.submitter, who) && !bytesEqual(device(ctx.state, record.deviceId).owner, who)) {
      throw new ControlError("NotAuthorized", { commandId });
    }
    settleCommand(ctx.state, commandId, record, { status: CommandStatus.Cancelled }, ctx.number);
    controlEvents.deposit(ctx, "CommandCancelled", { commandId, deviceId: record.deviceId, by: who });
  },
};
