import { fromHex, toHex } from "../../../primitives/bytes.ts";
import type { BlockContext } from "../../framework/module.ts";
import { Authorities } from "../aura/storage.ts";
import { mint } from "../balances/currency.ts";
import { TotalIssuance } from "../balances/storage.ts";
import { Devices } from "../devices/storage.ts";
import { DeviceStatus } from "../devices/types.ts";
import { EpochEnergy } from "../pog/storage.ts";
import type { PogConfig } from "../pog/types.ts";
import { getAccount } from "../system/accounts.ts";
import { epochEmission } from "./schedule.ts";
import { Config, DeviceRewards, EpochRewards, ValidatorRewards } from "./storage.ts";
import type { EpochRewardsRecord, RewardsConfig } from "./types.ts";
import { deviceWeight } from "./weight.ts";

type Payout = { who: Uint8Array; amount: bigint } & ({ kind: "validator" } | { kind: "device"; deviceId: number; weight: bigint });

/** The validators' pool, split equally among the Aura authorities (stake-weighted once staking exists). */
function validatorPayouts(ctx: BlockContext, pool: bigint): Payout[] {
  const authorities = Authorities.get(ctx.state);
  if (authorities.length === 0) return [];
  const each = pool / BigInt(authorities.length);
  return authorities.map((who) => ({ who, amount: each, kind: "validator" }));
}

/**
 * The devices' pool, split by weight among every device with verified energy in the epoch
 * (trie order, so every node iterates alike). A device that is not Active at the epoch's end
 * keeps its weight in the denominator but is not paid: its share goes to the treasury, so that
 * suspending someone else's device never raises anyone's reward.
 */
function devicePayouts(ctx: BlockContext, epoch: number, pool: bigint, config: RewardsConfig, pog: PogConfig): { payouts: Payout[]; totalWeight: bigint } {
  const params = {
    energyCapWh: BigInt(config.energyCapWh),
    intervalMs: BigInt(pog.readingIntervalSecs) * 1000n,
    epochMs: BigInt(pog.epochLengthBlocks) * BigInt(ctx.config.slotDurationMs),
  };
  const prefix = EpochEnergy.prefixFor(epoch);
  const weighed: Array<{ deviceId: number; owner: Uint8Array | null; weight: bigint }> = [];
  let totalWeight = 0n;
  for (const [key, raw] of ctx.state.entries(prefix)) {
    const deviceId = EpochEnergy.decodeKey2(key, prefix.length);
    const device = Devices.get(ctx.state, deviceId);
    if (!device) continue;
    const weight = deviceWeight(config.kindBoostPercent.get(device.kind) ?? 0, EpochEnergy.decodeValue(raw), params);
    if (weight === 0n) continue;
    weighed.push({ deviceId, owner: device.status === DeviceStatus.Active ? device.owner : null, weight });
    totalWeight += weight;
  }
  const payouts: Payout[] = [];
  for (const { deviceId, owner, weight } of weighed) {
    if (owner) payouts.push({ who: owner, amount: (pool * weight) / totalWeight, kind: "device", deviceId, weight });
  }
  return { payouts, totalWeight };
}

/**
 * Mints `epoch`'s emission: the schedule's share, capped so that total issuance never exceeds
 * the maximum supply. `validatorSharePercent` of it goes to the validators, the rest to device
 * owners by weight; whatever is not paid (rounding, no devices, inactive devices, rewards that
 * would leave an account below the existential deposit) goes to the treasury, so the `Minted`
 * events always sum to the emission.
 */
export function rewardEpoch(ctx: BlockContext, epoch: number, pog: PogConfig): EpochRewardsRecord {
  const config = Config.get(ctx.state);
  const scheduled = epochEmission(config.schedule, ctx.config.slotDurationMs, pog.epochLengthBlocks, epoch);
  const issuance = TotalIssuance.get(ctx.state);
  const remaining = config.maxSupply > issuance ? config.maxSupply - issuance : 0n;
  const emission = scheduled < remaining ? scheduled : remaining;
  const validatorPool = (emission * BigInt(config.validatorSharePercent)) / 100n;
  const devices = devicePayouts(ctx, epoch, emission - validatorPool, config, pog);
  const payouts = [...validatorPayouts(ctx, validatorPool), ...devices.payouts].filter((p) => p.amount > 0n);

  // Each account's rewards of the epoch, added up: it is paid only if they reach the existential
  // deposit with its balance before them (minting creates no dust account), and credited once.
  const totals = new Map<string, bigint>();
  for (const p of payouts) totals.set(toHex(p.who), (totals.get(toHex(p.who)) ?? 0n) + p.amount);
  const payable = new Set<string>();
  for (const [id, total] of totals) {
    const account = getAccount(ctx.state, fromHex(id));
    if (account.free + account.reserved + total >= ctx.config.existentialDeposit) payable.add(id);
  }

  let toValidators = 0n;
  let toDevices = 0n;
  for (const p of payouts) {
    const id = toHex(p.who);
    if (!payable.has(id)) continue;
    if (p.kind === "validator") {
      toValidators += p.amount;
      ValidatorRewards.set(ctx.state, epoch, p.who, (ValidatorRewards.get(ctx.state, epoch, p.who) ?? 0n) + p.amount);
      ctx.events.deposit("rewards", "Minted", { who: p.who, amount: p.amount, kind: "validator" });
    } else {
      toDevices += p.amount;
      DeviceRewards.set(ctx.state, epoch, p.deviceId, { owner: p.who, amount: p.amount, weight: p.weight });
      ctx.events.deposit("rewards", "Minted", { who: p.who, amount: p.amount, kind: "device", deviceId: p.deviceId });
    }
    const total = totals.get(id);
    if (total !== undefined) {
      mint(ctx.state, p.who, total);
      totals.delete(id);
    }
  }
  const toTreasury = emission - toValidators - toDevices;
  if (toTreasury > 0n) {
    mint(ctx.state, config.treasury, toTreasury);
    ctx.events.deposit("rewards", "Minted", { who: config.treasury, amount: toTreasury, kind: "treasury" });
  }
  const record = { scheduled, emission, toValidators, toDevices, toTreasury, totalWeight: devices.totalWeight, block: ctx.number };
  EpochRewards.set(ctx.state, epoch, record);
  ctx.events.deposit("rewards", "EpochRewarded", { epoch, scheduled, emission, toValidators, toDevices, toTreasury });
  return record;
}
