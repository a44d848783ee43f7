/**
 * The runtime as everything outside it sees it — node, RPC, CLI, chain specs and clients: the
 * executive, extrinsics and their errors, state views, genesis building, and each module's
 * queries, types and codecs (its `api.ts`). Nothing outside `runtime/` imports a module's storage
 * items or internals; `eslint.config.js` refuses any import of `runtime/` but this file.
 */
export { Executive } from "./executive.ts";
export type { RuntimeConfig } from "./config.ts";
export { extrinsicHash, signExtrinsic } from "./extrinsic.ts";
export { callNames, findCall } from "./runtime.ts";
export { InvalidTransaction, type InvalidTransactionType } from "./framework/errors.ts";
export { OverlayState, type IterableStateReader, type StateChange, type StateReader } from "./framework/state.ts";
export { buildRuntimeGenesis, type RuntimeGenesis } from "./genesis.ts";
export { decodeEvent, EventDecodeError, type RuntimeEvent } from "./events.ts";
export { GenesisConfigError } from "./framework/genesisConfig.ts";
export * as genesisPresets from "./genesisPresets.ts";

export * as aura from "./modules/aura/api.ts";
export * as balances from "./modules/balances/api.ts";
export * as control from "./modules/control/api.ts";
export * as devices from "./modules/devices/api.ts";
export * as flex from "./modules/flex/api.ts";
export * as pog from "./modules/pog/api.ts";
export * as recs from "./modules/recs/api.ts";
export * as rewards from "./modules/rewards/api.ts";
export * as staking from "./modules/staking/api.ts";
export * as system from "./modules/system/api.ts";
