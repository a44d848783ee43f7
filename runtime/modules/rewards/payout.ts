import type { BlockContext } from "../../framework/module.ts";
import type { IterableStateReader } from "../../framework/state.ts";
import { mint } from "../balances/currency.ts";
import { Devices } from "../devices/storage.ts";
import { DeviceStatus, type DeviceRecord } from "../devices/types.ts";
import { EpochEnergy } from "../pog/storage.ts";
import type { PogConfig } from "../pog/types.ts";
import { mintReward } from "./mintReward.ts";
import { Config, DeviceRewards, EpochRewards, PayoutCursor, PendingEmission } from "./storage.ts";
import { PayoutPhase, type EpochRewardsRecord, type RewardsConfig } from "./types.ts";
import { deviceWeight, weightParams, type WeightParams } from "./weight.ts";
import { rewardsEvents } from "./events.ts";

type Entry = [key: Uint8Array, value: Uint8Array];

/** Up to `max` entries under `prefix` above `after` (from the first if empty), and whether none is left beyond them. */
function nextEntries(state: IterableStateReader, prefix: Uint8Array, after: Uint8Array, max: number): { entries: Entry[]; exhausted: boolean } {
  const it = state.entries(prefix, after.length > 0 ? after : undefined);
  const entries: Entry[] = [];
  while (entries.length < max) {
    const next = it.next();
    if (next.done) return { entries, exhausted: true };
    entries.push(next.value);
  }
  return { entries, exhausted: it.next().done === true };
}

/** A device's weight in the epoch from its `EpochEnergy` entry; null for a device no longer registered. */
function weigh(ctx: BlockContext, entry: Entry, prefixLength: number, config: RewardsConfig, params: WeightParams): { deviceId: number; device: DeviceRecord; weight: bigint } | null {
  const deviceId = EpochEnergy.decodeKey2(entry[0], prefixLength);
  const device = Devices.get(ctx.state, deviceId);
  if (!device) return null;
  return { deviceId, device, weight: deviceWeight(config.kindBoostPercent.get(device.kind) ?? 0, EpochEnergy.decodeValue(entry[1]), params) };
}

/**
 * Pays each device of a chunk its share, `devicePool × weight / totalWeight` (rounded down), to its
 * owner at this time, if the device is Active at this time and the reward can open the owner's
 * account, and removes the chunk's `EpochEnergy` entries, paid or not: an ended epoch's energy is
 * needed only until it is paid, so the map holds the epochs being credited or paid, not history.
 * Returns what it minted.
 */
function payChunk(ctx: BlockContext, epoch: number, record: EpochRewardsRecord, entries: Entry[], prefixLength: number, config: RewardsConfig, params: WeightParams): bigint {
  let minted = 0n;
  for (const entry of entries) {
    ctx.state.delete(entry[0]);
    if (record.totalWeight === 0n) continue;
    const weighed = weigh(ctx, entry, prefixLength, config, params);
    if (!weighed || weighed.weight === 0n || weighed.device.status !== DeviceStatus.Active) continue;
    const { deviceId, device, weight } = weighed;
    const amount = (record.devicePool * weight) / record.totalWeight;
    if (amount === 0n || !mintReward(ctx, device.owner, amount)) continue;
    DeviceRewards.set(ctx.state, epoch, deviceId, { owner: device.owner, amount, weight });
    rewardsEvents.deposit(ctx, "Minted", { epoch, who: device.owner, amount, kind: "device", deviceId });
    record.toDevices += amount;
    record.paidDevices++;
    minted += amount;
  }
  return minted;
}

/**
 * Completes `epoch`'s payout: the treasury receives everything not paid — rounding, the shares of
 * devices not Active or too small to open an account, the whole device pool if no device had
 * weight — so that the epoch's `Minted` events sum to its emission. The next ended epoch, if any,
 * becomes the payout under way.
 */
function complete(ctx: BlockContext, epoch: number, record: EpochRewardsRecord, config: RewardsConfig): void {
  const toTreasury = record.emission - record.toValidators - record.toDevices;
  if (toTreasury > 0n) {
    mint(ctx.state, config.treasury, toTreasury);
    rewardsEvents.deposit(ctx, "Minted", { epoch, who: config.treasury, amount: toTreasury, kind: "treasury" });
  }
  EpochRewards.set(ctx.state, epoch, { ...record, toTreasury, phase: PayoutPhase.Complete, completedAt: ctx.number });
  PendingEmission.set(ctx.state, PendingEmission.get(ctx.state) - toTreasury);
  const { scheduled, emission, toValidators, toDevices, paidDevices } = record;
  rewardsEvents.deposit(ctx, "EpochRewarded", { epoch, scheduled, emission, toValidators, toDevices, toTreasury, paidDevices });
  if (EpochRewards.contains(ctx.state, epoch + 1)) PayoutCursor.set(ctx.state, { epoch: epoch + 1, lastKey: new Uint8Array(0) });
  else PayoutCursor.kill(ctx.state);
}

/**
 * Works through the queued device payouts, oldest epoch first, in two passes over the epoch's
 * `pog.EpochEnergy` entries (trie order, resumed after the cursor's key): weighing sums every
 * device's weight into `totalWeight`, then paying pays each device its share and removes its
 * entry. Entries of an ended epoch never change until paid, so both passes see the same devices
 * and weights, and the shares never add up to more than the pool. A block visits at most
 * `maxDevicePayoutsPerBlock` entries, counting a completion as one: its work is bounded whatever
 * the number of devices. (Paying visits the entries even when no device has weight, to remove them.)
 */
export function payOut(ctx: BlockContext, pog: PogConfig): void {
  if (!PayoutCursor.exists(ctx.state)) return;
  const config = Config.get(ctx.state);
  const params = weightParams(config, pog, ctx.config.slotDurationMs);
  let budget = config.maxDevicePayoutsPerBlock;
  while (budget > 0 && PayoutCursor.exists(ctx.state)) {
    const { epoch, lastKey } = PayoutCursor.get(ctx.state);
    const record = EpochRewards.get(ctx.state, epoch) as EpochRewardsRecord;
    const prefix = EpochEnergy.prefixFor(epoch);
    const { entries, exhausted } = nextEntries(ctx.state, prefix, lastKey, budget);
    budget -= entries.length;
    const last = entries.length > 0 ? entries[entries.length - 1][0] : lastKey;
    if (record.phase === PayoutPhase.Weighing) {
      for (const entry of entries) record.totalWeight += weigh(ctx, entry, prefix.length, config, params)?.weight ?? 0n;
      if (exhausted) record.phase = PayoutPhase.Paying;
      EpochRewards.set(ctx.state, epoch, record);
      PayoutCursor.set(ctx.state, { epoch, lastKey: exhausted ? new Uint8Array(0) : last });
      continue;
    }
    PendingEmission.set(ctx.state, PendingEmission.get(ctx.state) - payChunk(ctx, epoch, record, entries, prefix.length, config, params));
    if (exhausted && budget > 0) {
      budget--;
      complete(ctx, epoch, record, config);
    } else {
      EpochRewards.set(ctx.state, epoch, record);
      PayoutCursor.set(ctx.state, { epoch, lastKey: last });
    }
  }
}
