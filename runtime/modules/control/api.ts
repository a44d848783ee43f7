/** The control module as node, RPC and devices see it: queries over a state, the receipt a device signs, and the types and codecs a client needs. */
export { command, commandRemoved, controlConfig, effectiveStatus, pendingCommands } from "./queries.ts";
export { RECEIPT_STATUS_NAMES } from "./calls.ts";
export { controlReceiptMessage } from "./receipt.ts";
export { acknowledgeArgs, CommandStatus, describeCommand, ReceiptStatus, type CommandRecord, type CommandView, type ControlConfig, type ReceiptStatusValue } from "./types.ts";
