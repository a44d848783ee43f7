/** The flex module as node, RPC and clients see it: queries over a state, the response a device signs, and the types and codecs a client needs. */
export { baseline, enrolment, event, eventCount, eventRemoved, flexConfig, members, program, programCount, programRemoved, response, responses, settlement, settlements } from "./queries.ts";
export { flexResponseMessage } from "./response.ts";
export type { BaselineResult, IntervalResult } from "./baseline.ts";
export {
  amountOf,
  EVENT_PHASE_NAMES,
  PAYLOAD_TYPE_NAMES,
  PayloadType,
  ProgramStatus,
  RESPONSE_STATUS_NAMES,
  ResponseStatus,
  SETTLEMENT_OUTCOME_NAMES,
  type EnrolmentRecord,
  type EventRecord,
  type ProgramRecord,
  type ResponseRecord,
  type SettlementRecord,
} from "./types.ts";
