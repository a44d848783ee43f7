/**
 * The runtime's wire formats, for clients (the client library, in Node and in browsers): every
 * call's argument codec, the records' types as RPC returns them, events' types, and the messages
 * accounts and devices sign (extrinsics, readings, registrations, control receipts). Plain
 * JavaScript over primitives/: no executive, no state, no native code, no file reads.
 *
 * `runtime/api.ts` is the node's view of the runtime; this file is the part of it a client may
 * load (eslint allows `client/` only this and the primitives it needs: docs/design.md).
 */
export { CALL_ARGS, type CallArgsMap, type CallName } from "./wireCalls.ts";
export { EXTRINSIC_SIGNING_DOMAIN, extrinsicHash, signExtrinsic, signingPayload, type ExtrinsicParams } from "./extrinsicSigning.ts";
export { decodeEvent, EventDecodeError, type RuntimeEvent } from "./events.ts";

export { transferArgs } from "./modules/balances/types.ts";
export { popMessage, registrationSigningPayload, rotationMessage } from "./modules/devices/messages.ts";
export { DeviceKind, DeviceStatus, deviceKindName, deviceStatusName, registerArgsCodec, type DeviceRecord } from "./modules/devices/types.ts";
export { POG_CONFIG_STORAGE_KEY } from "./modules/pog/queries.ts";
export { pogConfigCodec, readingCodec, readingSigningRoot, signedReadingCodec, type PogConfig, type Reading, type ReadingRejection, type SignedReading } from "./modules/pog/types.ts";
export { controlReceiptMessage } from "./modules/control/receipt.ts";
export { acknowledgeArgs, CommandStatus, ReceiptStatus, type CommandView, type ReceiptStatusValue } from "./modules/control/types.ts";
export { RecStatus, REC_STATUS_NAMES } from "./modules/recs/types.ts";
export { flexResponseMessage } from "./modules/flex/response.ts";
export { PayloadType, ResponseStatus, PAYLOAD_TYPE_NAMES, RESPONSE_STATUS_NAMES, SETTLEMENT_OUTCOME_NAMES, EVENT_PHASE_NAMES } from "./modules/flex/types.ts";
