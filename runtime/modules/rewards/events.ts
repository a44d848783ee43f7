import { moduleEvents } from "../../framework/events.ts";

export interface RewardsEvents {
  /** `kind` is "validator", "device" (with its `deviceId`) or "treasury". */
  Minted: { epoch: number; who: Uint8Array; amount: bigint; kind: string; deviceId?: number };
  EpochEnded: { epoch: number; scheduled: bigint; emission: bigint; toValidators: bigint; devicePool: bigint };
  EpochRewarded: { epoch: number; scheduled: bigint; emission: bigint; toValidators: bigint; toDevices: bigint; toTreasury: bigint; paidDevices: number };
}

export const rewardsEvents = moduleEvents<RewardsEvents>("rewards", {
  Minted: { epoch: "number", who: "bytes", amount: "bigint", kind: "string", deviceId: "number?" },
  EpochEnded: { epoch: "number", scheduled: "bigint", emission: "bigint", toValidators: "bigint", devicePool: "bigint" },
  EpochRewarded: { epoch: "number", scheduled: "bigint", emission: "bigint", toValidators: "bigint", toDevices: "bigint", toTreasury: "bigint", paidDevices: "number" },
});
