import { compareBytes } from "../../../primitives/bytes.ts";
import type { IterableStateReader, StateReader } from "../../framework/state.ts";
import { Config, DeviceRewards, EpochRewards, PayoutCursor, PendingEmission, ValidatorRewards } from "./storage.ts";
import type { DeviceReward, EpochRewardsRecord, PayoutCursorRecord, RewardsConfig } from "./types.ts";

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
