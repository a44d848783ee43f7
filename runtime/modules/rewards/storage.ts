import { StorageDoubleMap, StorageMap, StorageValue, bigintCodec, bytesCodec, u32Codec } from "../../framework/storage.ts";
import { deviceRewardCodec, epochRewardsCodec, payoutCursorCodec, rewardsConfigCodec, type DeviceReward, type EpochRewardsRecord, type PayoutCursorRecord, type RewardsConfig } from "./types.ts";

export const MODULE = "rewards";

export const Config = new StorageValue<RewardsConfig>(MODULE, "Config", rewardsConfigCodec, () => {
  throw new Error("rewards.Config missing from genesis");
});
/** What each ended epoch mints and how far its payout has come, by epoch: the last `historyEpochs` ended epochs (history.ts). */
export const EpochRewards = new StorageMap<number, EpochRewardsRecord>(MODULE, "EpochRewards", u32Codec, epochRewardsCodec);
/** What each device earned in an epoch, by (epoch, device id); only devices that were paid, only epochs still in `EpochRewards`. */
export const DeviceRewards = new StorageDoubleMap<number, number, DeviceReward>(MODULE, "DeviceRewards", u32Codec, u32Codec, deviceRewardCodec);
/** What each validator earned in an epoch, by (epoch, account). */
export const ValidatorRewards = new StorageDoubleMap<number, Uint8Array, bigint>(MODULE, "ValidatorRewards", u32Codec, bytesCodec, bigintCodec);
/**
 * The device payout under way (absent when every ended epoch is completely paid). Epochs are paid
 * in order: the queue is every ended epoch from `epoch` on.
 */
export const PayoutCursor = new StorageValue<PayoutCursorRecord>(MODULE, "PayoutCursor", payoutCursorCodec, () => {
  throw new Error("rewards.PayoutCursor read while no payout is under way");
});
/**
 * Emission of ended epochs not minted yet (their devices' shares and the treasury's remainder):
 * the maximum supply counts it as issued, so queued payouts can never exceed it.
 */
export const PendingEmission = new StorageValue<bigint>(MODULE, "PendingEmission", bigintCodec, () => 0n);
/**
 * The oldest epoch whose records may still be in state: every epoch before it has had its
 * `EpochRewards`, `DeviceRewards` and `ValidatorRewards` removed (history.ts).
 */
export const HistoryStart = new StorageValue<number>(MODULE, "HistoryStart", u32Codec, () => 0);
