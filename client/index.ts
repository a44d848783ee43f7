/**
 * arkreen-node's client library (docs/client.md): a typed JSON-RPC client over WebSocket and HTTP,
 * building and signing calls with ed25519 accounts, and signing readings with device BLS keys.
 * Runs in Node and in browsers: it imports only plain-JavaScript primitives and the runtime's wire
 * formats (runtime/wire.ts), no node internals.
 */
export { ArkreenClient, balanceOf, blockNumber, type AccountRef, type ClientOpts } from "./client.ts";
export { ClientError, RpcCallError, type ClientErrorCode } from "./errors.ts";
export { HttpTransport } from "./httpTransport.ts";
export { WsTransport, type WsTransportOpts } from "./wsTransport.ts";
export type { Subscription, Transport } from "./transport.ts";
export { accountFromSeed, accountIdHex, type Account } from "./account.ts";
export { blsSigner, generateBlsSecretKey, type BlsSigner } from "./bls.ts";
export {
  accountId,
  buildCall,
  DEFAULT_MORTALITY_PERIOD,
  estimateFee,
  signAndSend,
  signCall,
  submit,
  submitAndWatch,
  transferCall,
  type SignedTransaction,
  type SignOpts,
  type TxOutcome,
  type WatchOpts,
} from "./transactions.ts";
export { intervalAt, READINGS_PER_CALL, signReading, submitReadings } from "./readings.ts";
export { acknowledgementArgs, registrationArgs, type RegistrationRequest } from "./devices.ts";
export type * from "./types.ts";
export { summarizeAuthorship, type AuthorshipSummary, type BlockAuthorship, type ValidatorParticipation } from "./authorship.ts";
export { flexEventArgs, flexProgramArgs, flexResponseArgs, type FlexBaseline, type FlexEnrolment, type FlexEvent, type FlexEventRequest, type FlexProgram, type FlexProgramRequest, type FlexResponse, type FlexSettlement } from "./flex.ts";
export { CALL_ARGS, DeviceKind, DeviceStatus, PayloadType, ReceiptStatus, ResponseStatus, RecStatus, type CallArgsMap, type CallName, type PogConfig, type Reading, type RuntimeEvent, type SignedReading } from "../runtime/wire.ts";
