import { DispatchError } from "../../framework/errors.ts";

export type RecsErrorCode =
  | "NotIssuer" // the signer is not a registered issuer
  | "AlreadyIssuer" // addIssuer for an account that already is one
  | "UnknownIssuer" // removeIssuer for an account that is not one
  | "InvalidAccount" // an account id that is not 32 bytes
  | "InvalidName" // an issuer name empty or too long
  | "NoDevices" // a request without devices
  | "TooManyDevices" // more devices than a request may name
  | "DuplicateDevice" // a device named twice in one request
  | "InvalidRange" // fromInterval after toInterval
  | "TooManySlots" // devices × intervals above the per-request bound
  | "UnknownDevice" // a requested device does not exist
  | "NotDeviceOwner" // a requested device belongs to someone else
  | "ClaimWindowPassed" // fromInterval is older than pog.claimWindowIntervals: its slots can no longer be claimed
  | "SlotAlreadyClaimed" // a (device, interval) in range is already in a non-cancelled REC
  | "NothingToCertify" // no verified energy in the range
  | "UnknownRec"
  | "NotPending" // certify or reject of a REC that is not Pending
  | "NotCancellable" // cancel of a REC that is neither Pending nor Rejected
  | "NotOwner" // the signer does not hold the REC
  | "NotCertified" // transfer or retire of a REC that is not Certified
  | "InvalidSerial" // a serial empty, too long, or with characters outside printable ASCII
  | "SerialInUse" // the serial already names another REC
  | "ReasonTooLong"
  | "ZeroAmount"
  | "InsufficientEnergy" // more Wh than the REC certifies
  | "SelfTransfer"
  | "InvalidBeneficiary" // a beneficiary empty or too long
  | "MessageTooLong";

export class RecsError extends DispatchError {
  constructor(code: RecsErrorCode, data: Record<string, unknown> = {}) {
    super({ code, module: "recs", ...data });
  }
}
