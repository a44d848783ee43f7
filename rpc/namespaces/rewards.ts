import type { Header } from "../../primitives/codec/index.ts";
import { encodeAddress } from "../../primitives/keys/ss58.ts";
import { balances, pog, rewards, system, type IterableStateReader } from "../../runtime/api.ts";
import type { RpcNodeApi } from "../nodeApi.ts";
import type { RpcServer } from "../server/index.ts";
import { expectNumber } from "../server/params.ts";
import { positional, stateAtParam } from "./params.ts";

/**
 * Device recipients per `rewards_epoch` page: an epoch pays every device that generated, up to
 * millions; 1,000 keep a response near 250 KiB. Pages are in storage order (by the hash of the
 * device id); the next starts after the last id returned, where the epoch's entries are entered
 * directly, so a page costs its own size however many devices the epoch paid.
 */
export const MAX_DEVICE_RECIPIENTS = 1000;

const U32 = { integer: true, min: 0, max: 0xffffffff };

export type RecipientJson =
  | { kind: "validator" | "treasury"; who: string; amount: string }
  | { kind: "device"; deviceId: number; who: string; amount: string; weight: string };

const PHASE_NAMES: Record<rewards.PayoutPhaseValue, EpochRewardsJson["phase"]> = {
  [rewards.PayoutPhase.Weighing]: "weighing",
  [rewards.PayoutPhase.Paying]: "paying",
  [rewards.PayoutPhase.Complete]: "complete",
};

export interface EpochRewardsJson {
  epoch: number;
  firstBlock: number;
  lastBlock: number;
  /** The epoch's last block: its emission was fixed and its validators paid in its finalization. */
  block: number;
  scheduled: string;
  emission: string;
  toValidators: string;
  /** Paid so far; final once `phase` is "complete". */
  toDevices: string;
  /** Paid by the block that completed the payout; "0" until then. */
  toTreasury: string;
  /** Σ weight of the epoch's devices: summed while "weighing", final from "paying" on. */
  totalWeight: string;
  devicePool: string;
  /** The device payout: weighing every device, paying each its share, or complete. */
  phase: "weighing" | "paying" | "complete";
  paidDevices: number;
  /** The block whose finalization completed the payout (paid the treasury), or null while under way. */
  completedAt: number | null;
  /** Validators and the treasury in full, then devices in storage order after the id `startAfter`, at most `MAX_DEVICE_RECIPIENTS`. */
  recipients: RecipientJson[];
}

/** What `epoch` mints and to whom so far, or null if it has not ended in `state`. */
export function epochRewardsJson(state: IterableStateReader, epoch: number, ss58Format: number, startAfter?: number): EpochRewardsJson | null {
  const record = rewards.epochRewards(state, epoch);
  if (!record) return null;
  const length = pog.pogConfig(state).epochLengthBlocks;
  const recipients: RecipientJson[] = rewards.validatorRewards(state, epoch).map((v) => ({ kind: "validator", who: encodeAddress(v.who, ss58Format), amount: v.amount.toString() }));
  if (record.toTreasury > 0n) recipients.push({ kind: "treasury", who: encodeAddress(rewards.rewardsConfig(state).treasury, ss58Format), amount: record.toTreasury.toString() });
  for (const [deviceId, d] of rewards.deviceRewardsPage(state, epoch, MAX_DEVICE_RECIPIENTS, startAfter)) {
    recipients.push({ kind: "device", deviceId, who: encodeAddress(d.owner, ss58Format), amount: d.amount.toString(), weight: d.weight.toString() });
  }
  return {
    epoch,
    firstBlock: epoch * length,
    lastBlock: epoch * length + length - 1,
    block: record.block,
    scheduled: record.scheduled.toString(),
    emission: record.emission.toString(),
    toValidators: record.toValidators.toString(),
    toDevices: record.toDevices.toString(),
    toTreasury: record.toTreasury.toString(),
    totalWeight: record.totalWeight.toString(),
    devicePool: record.devicePool.toString(),
    phase: PHASE_NAMES[record.phase],
    paidDevices: record.paidDevices,
    completedAt: record.phase === rewards.PayoutPhase.Complete ? record.completedAt : null,
    recipients,
  };
}

export interface CurrentEpochJson {
  /** The epoch the next block belongs to: its energy is still being credited. */
  epoch: number;
  firstBlock: number;
  lastBlock: number;
  /** The schedule's emission for it; what is minted is capped by `remainingSupply`. */
  scheduledEmission: string;
  /** What later epochs may still mint: the maximum supply less total issuance and the emission of ended epochs not yet paid out. */
  remainingSupply: string;
  /** The last ended epoch (it has a record for `rewards_epoch`, maybe still being paid), or null before the first epoch ends. */
  lastRewardedEpoch: number | null;
  /** The oldest epoch whose device payout is under way, or null when every ended epoch is paid out. */
  payingEpoch: number | null;
}

/** The epoch after block `number` in `state` (the state after that block). */
export function currentEpochJson(state: IterableStateReader, number: number): CurrentEpochJson {
  const pogConfig = pog.pogConfig(state);
  const config = rewards.rewardsConfig(state);
  const epoch = pog.epochOf(number + 1, pogConfig);
  const issued = balances.totalIssuance(state) + rewards.pendingEmission(state);
  return {
    epoch,
    firstBlock: epoch * pogConfig.epochLengthBlocks,
    lastBlock: epoch * pogConfig.epochLengthBlocks + pogConfig.epochLengthBlocks - 1,
    scheduledEmission: rewards.epochEmission(config.schedule, system.runtimeConfig(state).slotDurationMs, pogConfig.epochLengthBlocks, epoch).toString(),
    remainingSupply: (config.maxSupply > issued ? config.maxSupply - issued : 0n).toString(),
    lastRewardedEpoch: epoch > 0 && rewards.epochRewards(state, epoch - 1) !== undefined ? epoch - 1 : null,
    payingEpoch: rewards.payoutCursor(state)?.epoch ?? null,
  };
}

export function registerRewardsRpc(server: RpcServer, api: RpcNodeApi): void {
  const ss58 = api.runtimeConfig.ss58Format;

  /** `rewards_epoch(n, at?, startAfter?)`: what epoch n mints, to whom so far, and how far its payout has come; null if it has not ended. */
  server.addMethod("rewards_epoch", {
    handler: (params) => {
      const [n, at, startAfter] = positional(params, 3);
      const epoch = expectNumber(n, "epoch", U32);
      const after = startAfter === undefined || startAfter === null ? undefined : expectNumber(startAfter, "startAfter", U32);
      return epochRewardsJson(stateAtParam(api, at).state, epoch, ss58, after);
    },
  });

  /** `rewards_currentEpoch(at?)`: the epoch being accumulated, its blocks and scheduled emission. */
  server.addMethod("rewards_currentEpoch", {
    handler: (params) => {
      const { hash, state } = stateAtParam(api, positional(params, 1)[0]);
      // stateAtParam has checked that the block is known.
      return currentEpochJson(state, (api.chain.header(hash) as Header).number);
    },
  });
}
