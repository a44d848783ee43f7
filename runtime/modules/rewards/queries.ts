import { compareBytes } from "../../../primitives/bytes.ts";
import type { IterableStateReader, StateReader } from "../../framework/state.ts";
import { Config, DeviceRewards, EpochRewards, HistoryStart, PayoutCursor, PendingEmission, ValidatorRewards } from "./storage.ts";
import { PayoutPhase, type DeviceReward, type EpochRewardsRecord, type PayoutCursorRecord, type RewardsConfig } from "./types.ts";

export function rewardsConfig(state: StateReader): RewardsConfig {
  return Config.get(state);
}

/** What `epoch` minted and how far its payout has come, or undefined if it has not ended. */
export function epochRewards(state: StateReader, epoch: number): EpochRewardsRecord | undefined {
  return EpochRewards.get(state, epoch);
}

/** The validators `epoch` paid, ordered by account. */
export function validatorRewards(state: IterableStateReader, epoch: number): Array<{ who: Uint8Array; amount: bigint }> {
  const prefix = ValidatorRewards.prefixFor(epoch);
  return [...state.entries(prefix)]
    .map(([key, value]) => ({ who: ValidatorRewards.decodeKey2(key, prefix.length), amount: ValidatorRewards.decodeValue(value) }))
    .sort((a, b) => compareBytes(a.who, b.who));
}

/** Up to `limit` devices `epoch` paid, in storage order (by the hash of the device id) after `startAfter`; a page costs its own size. */
export function deviceRewardsPage(state: IterableStateReader, epoch: number, limit: number, startAfter?: number): Array<[deviceId: number, reward: DeviceReward]> {
  return DeviceRewards.page(state, epoch, limit, startAfter);
}

/** Emission of ended epochs not yet paid out. */
export function pendingEmission(state: StateReader): bigint {
  return PendingEmission.get(state);
}

/** Where the device payout under way stands, or null when every ended epoch is paid out. */
export function payoutCursor(state: StateReader): PayoutCursorRecord | null {
  return PayoutCursor.exists(state) ? PayoutCursor.get(state) : null;
}

/** The oldest epoch whose reward records may still be in state (earlier ones were removed). */
export function historyStart(state: StateReader): number {
  return HistoryStart.get(state);
}

/**
 * Whether `epoch` is older than the history kept: its records are removed, or due for removal
 * (its payout is complete and `historyEpochs` later epochs have ended), in which case some of its
 * device records may already be gone. Its payments stay in its blocks' `rewards.Minted` events.
 */
export function epochRemoved(state: StateReader, epoch: number): boolean {
  if (epoch < HistoryStart.get(state)) return true;
  const record = EpochRewards.get(state, epoch);
  return record !== undefined && record.phase === PayoutPhase.Complete && EpochRewards.contains(state, epoch + Config.get(state).historyEpochs);
}
