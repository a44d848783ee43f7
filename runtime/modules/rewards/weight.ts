import type { EpochEnergyRecord, PogConfig } from "../pog/types.ts";
import type { RewardsConfig } from "./types.ts";

/** Integer square root (floor), by Newton's iteration from a power of two above the root. */
export function isqrt(n: bigint): bigint {
  if (n < 0n) throw new RangeError("isqrt of a negative number");
  if (n < 2n) return n;
  let x = 1n << BigInt((n.toString(2).length >> 1) + 1);
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

/**
 * Epoch energy as it counts for rewards: linear up to `capWh`, then 2√(cap × E) − cap. That
 * curve meets the line at the cap with the same slope (no jump that would pay a device to
 * report just above it) and bends away from it: 4 × cap counts as 3 × cap, 100 × cap as
 * 19 × cap, so one huge reading cannot take the pool.
 */
export function normalisedEnergy(energyWh: bigint, capWh: bigint): bigint {
  return energyWh <= capWh ? energyWh : 2n * isqrt(capWh * energyWh) - capWh;
}

/** What the weight of every device in an epoch depends on. */
export interface WeightParams {
  energyCapWh: bigint;
  /** Reading interval and epoch, in ms: uptime = min(intervals × interval, epoch) / epoch. */
  intervalMs: bigint;
  epochMs: bigint;
}

/** The weight parameters of every epoch, from the chain's (genesis) configs. */
export function weightParams(config: RewardsConfig, pog: PogConfig, slotDurationMs: number): WeightParams {
  return {
    energyCapWh: BigInt(config.energyCapWh),
    intervalMs: BigInt(pog.readingIntervalSecs) * 1000n,
    epochMs: BigInt(pog.epochLengthBlocks) * BigInt(slotDurationMs),
  };
}

/**
 * A device's weight: kind boost (percent) × normalised energy × uptime × trust, with uptime kept
 * as a rational whose denominator (the epoch in ms, like the boost's 100) is the same for every
 * device, so it is left out: shares are weight / Σ weight, and common factors cancel. Uptime
 * is capped at 1: a device that catches up on past intervals in one epoch is not paid twice.
 * Trust is 0 if a reading broke a physical bound in the epoch.
 */
export function deviceWeight(kindBoostPercent: number, e: EpochEnergyRecord, p: WeightParams): bigint {
  if (e.violated) return 0n;
  const reportedMs = BigInt(e.intervals) * p.intervalMs;
  const uptime = reportedMs < p.epochMs ? reportedMs : p.epochMs;
  return BigInt(kindBoostPercent) * normalisedEnergy(BigInt(e.energyWh), p.energyCapWh) * uptime;
}
