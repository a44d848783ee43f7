import type { BlockContext } from "../../framework/module.ts";
import { TotalIssuance } from "../balances/storage.ts";
import type { PogConfig } from "../pog/types.ts";
import { epochEmission } from "./schedule.ts";
import { Config, EpochRewards, PayoutCursor, PendingEmission } from "./storage.ts";
import { PayoutPhase } from "./types.ts";
import { payValidators } from "./validators.ts";
import { rewardsEvents } from "./events.ts";

/**
 * Ends `epoch` in its last block's finalization, after that block's readings were credited: fixes
 * its emission — the schedule's share, capped so that total issuance plus the emission of ended
 * epochs not yet paid out never exceeds the maximum supply — pays the validators' share at once,
 * and queues the device pool, which `payOut` pays over the following blocks.
 */
export function endEpoch(ctx: BlockContext, epoch: number, pog: PogConfig): void {
  const config = Config.get(ctx.state);
  const scheduled = epochEmission(config.schedule, ctx.config.slotDurationMs, pog.epochLengthBlocks, epoch);
  const pending = PendingEmission.get(ctx.state);
  const issued = TotalIssuance.get(ctx.state) + pending;
  const remaining = config.maxSupply > issued ? config.maxSupply - issued : 0n;
  const emission = scheduled < remaining ? scheduled : remaining;
  const validatorPool = (emission * BigInt(config.validatorSharePercent)) / 100n;
  const toValidators = payValidators(ctx, epoch, validatorPool);
  const devicePool = emission - validatorPool;
  EpochRewards.set(ctx.state, epoch, {
    scheduled,
    emission,
    toValidators,
    toDevices: 0n,
    toTreasury: 0n,
    totalWeight: 0n,
    block: ctx.number,
    devicePool,
    // Without a device pool there is nothing to weigh: the payout just pays the treasury.
    phase: devicePool > 0n ? PayoutPhase.Weighing : PayoutPhase.Paying,
    paidDevices: 0,
    completedAt: 0,
  });
  PendingEmission.set(ctx.state, pending + emission - toValidators);
  if (!PayoutCursor.exists(ctx.state)) PayoutCursor.set(ctx.state, { epoch, lastKey: new Uint8Array(0) });
  rewardsEvents.deposit(ctx, "EpochEnded", { epoch, scheduled, emission, toValidators, devicePool });
}
