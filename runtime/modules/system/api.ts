/** The system module as node, RPC and clients see it: accounts, the block number, the runtime's configuration, and where events are stored. */
export { getAccount as account } from "./accounts.ts";
export { blockNumber, events, EVENTS_STORAGE_KEY, runtimeConfig } from "./queries.ts";
export type { AccountData } from "./storage.ts";
