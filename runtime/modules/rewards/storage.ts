import { StorageDoubleMap, StorageMap, StorageValue, bigintCodec, bytesCodec, u32Codec } from "../../framework/storage.ts";
import { deviceRewardCodec, epochRewardsCodec, rewardsConfigCodec, type DeviceReward, type EpochRewardsRecord, type RewardsConfig } from "./types.ts";

export const MODULE = "rewards";

export const Config = new StorageValue<RewardsConfig>(MODULE, "Config", rewardsConfigCodec, () => {
  throw new Error("rewards.Config missing from genesis");
});
/** What each rewarded epoch minted, by epoch. */
export const EpochRewards = new StorageMap<number, EpochRewardsRecord>(MODULE, "EpochRewards", u32Codec, epochRewardsCodec);
/** What each device earned in an epoch, by (epoch, device id); only devices that were paid. */
export const DeviceRewards = new StorageDoubleMap<number, number, DeviceReward>(MODULE, "DeviceRewards", u32Codec, u32Codec, deviceRewardCodec);
/** What each validator earned in an epoch, by (epoch, account). */
export const ValidatorRewards = new StorageDoubleMap<number, Uint8Array, bigint>(MODULE, "ValidatorRewards", u32Codec, bytesCodec, bigintCodec);
