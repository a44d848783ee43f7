import type { Header } from "../../primitives/codec/index.ts";
import { encodeAddress } from "../../primitives/keys/ss58.ts";
import type { CurrentEpoch as CurrentEpochJson, EpochRewards as EpochRewardsJson, RewardRecipient as RecipientJson } from "../../client/types.ts";
import { balances, pog, rewards, system, type IterableStateReader } from "../../runtime/api.ts";

export type { CurrentEpochJson, EpochRewardsJson };
import type { RpcNodeApi } from "../nodeApi.ts";
import type { RpcServer } from "../server/index.ts";
import { expectNumber } from "../server/params.ts";
import { historyRemoved } from "./history.ts";
import { positional, stateAtParam } from "./params.ts";

/**
 * Device recipients per `rewards_epoch` page: an epoch pays every device that generated, up to
 * millions; 1,000 keep a response near 250 KiB. Pages are in storage order (by the hash of the
 * device id); the next starts after the last id returned, where the epoch's entries are entered
 * directly, so a page costs its own size however many devices the epoch paid.
 */
export const MAX_DEVICE_RECIPIENTS = 1000;

const U32 = { integer: true, min: 0, max: 0xffffffff };

const PHASE_NAMES: Record<rewards.PayoutPhaseValue, EpochRewardsJson["phase"]> = {
  [rewards.PayoutPhase.Weighing]: "weighing",
  [rewards.PayoutPhase.Paying]: "paying",
  [rewards.PayoutPhase.Complete]: "complete",
};

/**
 * What `epoch` mints and to whom so far, or null if it has not ended in `state`. An epoch older
 * than the history the runtime keeps (`rewards.historyEpochs`) is error 4005, with the blocks whose
 * `rewards.Minted` events record its payments, never a silent null or a partial recipient list.
 */
export function epochRewardsJson(state: IterableStateReader, epoch: number, ss58Format: number, startAfter?: number): EpochRewardsJson | null {
  if (rewards.epochRemoved(state, epoch)) {
    const { historyEpochs } = rewards.rewardsConfig(state);
    const length = pog.pogConfig(state).epochLengthBlocks;
    // Its validators were paid in its last block, its devices and the treasury in the blocks after.
    throw historyRemoved(`epoch ${epoch}'s rewards (state keeps the last ${historyEpochs} ended epochs); its payments are the rewards.Minted events from block ${(epoch + 1) * length - 1} on`, {
      epoch,
      historyEpochs,
      mintedEventsFromBlock: (epoch + 1) * length - 1,
    });
  }
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
