import type { BlockContext } from "../../framework/module.ts";
import type { StorageDoubleMap } from "../../framework/storage.ts";
import { Config, DeviceRewards, EpochRewards, HistoryStart, ValidatorRewards } from "./storage.ts";
import { PayoutPhase } from "./types.ts";

/**
 * Removes up to `budget` entries of `map` under `epoch`; returns how many it removed and whether
 * none is left. The entries are listed before any is deleted, so the listing never sees its own
 * deletions; the next block lists from the prefix's start again (the removed keys are gone).
 */
function removeUpTo<V, K2>(ctx: BlockContext, map: StorageDoubleMap<number, K2, V>, epoch: number, budget: number): { removed: number; done: boolean } {
  const it = ctx.state.entries(map.prefixFor(epoch));
  const keys: Uint8Array[] = [];
  let done = false;
  while (keys.length < budget) {
    const next = it.next();
    if (next.done) {
      done = true;
      break;
    }
    keys.push(next.value[0]);
  }
  if (!done) done = it.next().done === true;
  for (const key of keys) ctx.state.delete(key);
  return { removed: keys.length, done };
}

/**
 * Keeps the reward records of the last `historyEpochs` ended epochs, in `onInitialize`: epoch e's
 * `DeviceRewards`, `ValidatorRewards` and then its `EpochRewards` record are removed once epoch
 * e + historyEpochs has ended and e's payout is complete, oldest epoch first from `HistoryStart`.
 * A block removes at most `maxDevicePayoutsPerBlock` entries (a record counting as one): the payout
 * visits each device twice (weighing, paying) within the same budget, so it creates at most half
 * that many `DeviceRewards` a block on average, and removal outpaces creation whatever the number
 * of devices; a network that raises the payout budget raises the removal's with it. An entry costs
 * 10–20 µs with the state root's update on the 2-core workplace machine (≈ 3–5 ms a block of 256).
 * It runs before the block's readings are applied, so listing a prefix meets few pending writes
 * (an overlay listing walks them all); the payout's own work in `onFinalize` has its own budget.
 * Nothing depends on the exact block an entry goes in: only `rewards_epoch` reads old records,
 * and it answers for an epoch before `HistoryStart` that its records were removed.
 */
export function removeOldEpochs(ctx: BlockContext): void {
  const config = Config.get(ctx.state);
  let budget = config.maxDevicePayoutsPerBlock;
  const start = HistoryStart.get(ctx.state);
  let epoch = start;
  while (budget > 0) {
    const record = EpochRewards.get(ctx.state, epoch);
    if (record === undefined || record.phase !== PayoutPhase.Complete || !EpochRewards.contains(ctx.state, epoch + config.historyEpochs)) break;
    const devices = removeUpTo(ctx, DeviceRewards, epoch, budget);
    budget -= devices.removed;
    if (!devices.done) break;
    const validators = removeUpTo(ctx, ValidatorRewards, epoch, budget);
    budget -= validators.removed;
    if (!validators.done || budget === 0) break;
    EpochRewards.remove(ctx.state, epoch);
    budget--;
    epoch++;
  }
  if (epoch !== start) HistoryStart.set(ctx.state, epoch);
}
