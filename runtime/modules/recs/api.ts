/** The recs module as node, RPC and clients see it: queries over a state, and the types they return. */
export { rec, recIdsOfOwnerPage, recSlots, retirement } from "./queries.ts";
export { REC_STATUS_NAMES, RecStatus, type RecRecord, type RecRetirementRecord, type RecSlot } from "./types.ts";
