import { DispatchError } from "../../framework/errors.ts";

export type ControlErrorCode =
  | "UnknownDevice" // no device with this id
  | "DeviceNotActive" // commands go to Active devices only
  | "NotOwner" // only the device's owner may delegate
  | "NotAuthorized" // neither the owner nor its delegated operator (submit), nor the submitter or owner (cancel)
  | "InvalidAccount" // an operator that is neither a 32-byte account id nor empty
  | "NoOperator" // removing a delegation that does not exist
  | "EmptyCommand" // no command kind set
  | "PercentOutOfRange" // curtailment above 100 %
  | "AboveCapacity" // a power above the device's capacity
  | "UnsupportedCommand" // charge or discharge sent to a device that is not a battery
  | "InvalidWindow" // validFrom after validUntil
  | "WindowInPast" // validUntil before the current block
  | "WindowTooLong" // validUntil beyond the current block + maxCommandLifetimeBlocks
  | "TooManyPending" // the device already has maxPendingPerDevice pending commands
  | "UnknownCommand" // no command with this id
  | "NotPending" // already acknowledged or cancelled
  | "CommandExpired" // the current block is past validUntil
  | "NotYetValid" // Executed or Failed reported before validFrom
  | "InvalidStatus" // a receipt status that is not Executed, Failed or Rejected
  | "BadReceipt"; // the signature is not the device's over the receipt message

export class ControlError extends DispatchError {
  constructor(code: ControlErrorCode, data: Record<string, unknown> = {}) {
    super({ code, module: "control", ...data });
  }
}
