import { bigintToBytes, bytesToBigint } from "../../../primitives/bytes.ts";
import { MessageCodec, parseProto } from "../../../primitives/codec/index.ts";
import type { ValueCodec } from "../../framework/storage.ts";
import type { RewardsConfigRecord, RewardsDeviceRewardRecord, RewardsEpochRecord, RewardsPayoutCursor } from "./rewards.proto.ts";
import { PROTO_SOURCE } from "./rewards.proto.ts";

export const rewardsProto = parseProto(PROTO_SOURCE);

// The records' wire shapes are generated from rewards.proto; the codecs below turn their u128
// amounts (minimal big-endian bytes) into bigints and the kind boosts into a map.
export type { RewardsPayoutCursor as PayoutCursorRecord } from "./rewards.proto.ts";

export interface ScheduleEntry {
  /** 1 is the chain's first year (blocks 0 to blocksPerYear − 1). */
  fromYear: number;
  annualEmission: bigint;
}

export interface RewardsConfig {
  maxSupply: bigint;
  /** Ascending `fromYear`, the first from year 1; the last entry holds for every later year. */
  schedule: ScheduleEntry[];
  validatorSharePercent: number;
  /** Boost in percent by `DeviceKind` value; a kind not listed has 0. */
  kindBoostPercent: ReadonlyMap<number, number>;
  energyCapWh: number;
  treasury: Uint8Array;
  /** Device entries (`pog.EpochEnergy`) a block's payout work visits, weighing or paying. */
  maxDevicePayoutsPerBlock: number;
  /** Ended epochs whose records (`EpochRewards`, `DeviceRewards`, `ValidatorRewards`) state keeps; older ones are removed (history.ts). */
  historyEpochs: number;
}

/** Where an epoch's device payout stands: weighing every device, paying each its share, done. */
export const PayoutPhase = { Weighing: 0, Paying: 1, Complete: 2 } as const;
export type PayoutPhaseValue = (typeof PayoutPhase)[keyof typeof PayoutPhase];

export interface EpochRewardsRecord {
  scheduled: bigint;
  emission: bigint;
  toValidators: bigint;
  toDevices: bigint;
  toTreasury: bigint;
  totalWeight: bigint;
  /** The epoch's last block: its emission was fixed and its validators paid there. */
  block: number;
  devicePool: bigint;
  phase: PayoutPhaseValue;
  paidDevices: number;
  /** The block that completed the payout (paid the treasury), 0 until then. */
  completedAt: number;
}

export interface DeviceReward {
  owner: Uint8Array;
  amount: bigint;
  weight: bigint;
}

const configRecord = new MessageCodec<RewardsConfigRecord>("RewardsConfigRecord", rewardsProto);
const epochRecord = new MessageCodec<RewardsEpochRecord>("RewardsEpochRecord", rewardsProto);
const deviceRewardRecord = new MessageCodec<RewardsDeviceRewardRecord>("RewardsDeviceRewardRecord", rewardsProto);
const payoutCursorRecord = new MessageCodec<RewardsPayoutCursor>("RewardsPayoutCursor", rewardsProto);

export const rewardsConfigCodec: ValueCodec<RewardsConfig> = {
  encode: (c) =>
    configRecord.encode({
      maxSupply: bigintToBytes(c.maxSupply),
      schedule: c.schedule.map((s) => ({ fromYear: s.fromYear, annualEmission: bigintToBytes(s.annualEmission) })),
      validatorSharePercent: c.validatorSharePercent,
      kindBoost: [...c.kindBoostPercent.entries()].sort((a, b) => a[0] - b[0]).map(([kind, percent]) => ({ kind, percent })),
      energyCapWh: c.energyCapWh,
      treasury: c.treasury,
      maxDevicePayoutsPerBlock: c.maxDevicePayoutsPerBlock,
      historyEpochs: c.historyEpochs,
    }),
  decode: (bytes) => {
    const r = configRecord.decode(bytes);
    return {
      maxSupply: bytesToBigint(r.maxSupply),
      schedule: r.schedule.map((s) => ({ fromYear: s.fromYear, annualEmission: bytesToBigint(s.annualEmission) })),
      validatorSharePercent: r.validatorSharePercent,
      kindBoostPercent: new Map(r.kindBoost.map((k) => [k.kind, k.percent])),
      energyCapWh: r.energyCapWh,
      treasury: new Uint8Array(r.treasury),
      maxDevicePayoutsPerBlock: r.maxDevicePayoutsPerBlock,
      historyEpochs: r.historyEpochs,
    };
  },
};

export const epochRewardsCodec: ValueCodec<EpochRewardsRecord> = {
  encode: (e) =>
    epochRecord.encode({
      scheduled: bigintToBytes(e.scheduled),
      emission: bigintToBytes(e.emission),
      toValidators: bigintToBytes(e.toValidators),
      toDevices: bigintToBytes(e.toDevices),
      toTreasury: bigintToBytes(e.toTreasury),
      totalWeight: bigintToBytes(e.totalWeight),
      block: e.block,
      devicePool: bigintToBytes(e.devicePool),
      phase: e.phase,
      paidDevices: e.paidDevices,
      completedAt: e.completedAt,
    }),
  decode: (bytes) => {
    const r = epochRecord.decode(bytes);
    return {
      scheduled: bytesToBigint(r.scheduled),
      emission: bytesToBigint(r.emission),
      toValidators: bytesToBigint(r.toValidators),
      toDevices: bytesToBigint(r.toDevices),
      toTreasury: bytesToBigint(r.toTreasury),
      totalWeight: bytesToBigint(r.totalWeight),
      block: r.block,
      devicePool: bytesToBigint(r.devicePool),
      phase: r.phase as PayoutPhaseValue,
      paidDevices: r.paidDevices,
      completedAt: r.completedAt,
    };
  },
};

export const deviceRewardCodec: ValueCodec<DeviceReward> = {
  encode: (d) => deviceRewardRecord.encode({ owner: d.owner, amount: bigintToBytes(d.amount), weight: bigintToBytes(d.weight) }),
  decode: (bytes) => {
    const r = deviceRewardRecord.decode(bytes);
    return { owner: new Uint8Array(r.owner), amount: bytesToBigint(r.amount), weight: bytesToBigint(r.weight) };
  },
};

export const payoutCursorCodec: ValueCodec<RewardsPayoutCursor> = {
  encode: (c) => payoutCursorRecord.encode(c),
  decode: (bytes) => {
    const r = payoutCursorRecord.decode(bytes);
    return { epoch: r.epoch, lastKey: new Uint8Array(r.lastKey) };
  },
};
