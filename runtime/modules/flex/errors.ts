import { DispatchError } from "../../framework/errors.ts";

export type FlexErrorCode =
  | "InvalidName" // empty or longer than 64 bytes
  | "InvalidKinds" // no eligible kind, a repeated one, or a number that is not a DeviceKind
  | "InvalidRegion" // longer than 12 characters or not geohash characters
  | "InvalidAmount" // not a minimal u128, or zero where a positive amount is needed
  | "UnknownBaselineMethod"
  | "InvalidLimits" // maxEventIntervals of 0 or above a day
  | "UnknownProgram"
  | "NotOperator" // only the program's operator may do this
  | "ProgramClosed"
  | "ProgramNotActive" // events need an Active program
  | "ProgramNotPaused" // resume of a program that is not paused
  | "EventsOpen" // close while events are not settled
  | "UnknownDevice"
  | "DeviceNotActive"
  | "NotOwner" // enrol/leave by someone who does not own the device
  | "IneligibleKind"
  | "OutsideRegion"
  | "AlreadyEnrolled" // the device is in a program already
  | "NotEnrolled" // leave, or a listed target, of a device not in the program
  | "InvalidCommitment" // 0 W or above the device's capacity
  | "UnknownPayloadType"
  | "InvalidTargets" // neither the fleet nor 1..maxListedTargets distinct devices
  | "EventInPast" // starts at or before the current reading interval
  | "EventTooFarAhead" // starts more than maxLeadIntervals ahead
  | "EventTooLong" // 0 intervals or more than the program's maxEventIntervals
  | "IntervalsMismatch" // not one payload value per interval
  | "PriceBelowProgram" // an event pays at least the program's price
  | "OverlappingEvent" // a targeted device already has an event in these intervals
  | "TooManyOpenEvents" // maxActiveEventsPerProgram events not yet settled
  | "EmptyFleet" // a whole-fleet event of a program without members
  | "UnknownEvent"
  | "NotTargeted" // a response from a device the event does not target
  | "InvalidStatus" // a response status that is not Started, Completed, OptOut or OptIn
  | "EventOver" // a response after the event's last interval
  | "BadSignature"; // the signature is not the device's over the response message

export class FlexError extends DispatchError {
  constructor(code: FlexErrorCode, data: Record<string, unknown> = {}) {
    super({ code, module: "flex", ...data });
  }
}
