import { RpcError } from "../errors.ts";

/**
 * Code of a query for a record the runtime removed from state because it is older than the history
 * the chain keeps (`rewards_epoch` of an epoch before the last `rewards.historyEpochs`,
 * `control_get` of a settled command past `control.settledRetentionBlocks`): beside 4004 "State
 * already discarded", which is the node's pruning; this is the runtime's own bound on what state
 * holds, the same on every node at every block. The record's story stays in its blocks' events.
 */
export const HISTORY_REMOVED_CODE = 4005;

/** "Removed from state": `what` says which record and `data` where its history is kept instead. */
export function historyRemoved(what: string, data: Record<string, unknown>): RpcError {
  return new RpcError(HISTORY_REMOVED_CODE, `Removed from state: ${what}`, data);
}
