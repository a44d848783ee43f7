import type { ScheduleEntry } from "./types.ts";

/** A 365-day year in milliseconds: the schedule counts years in blocks, not in calendar time. */
const MS_PER_YEAR = 365n * 86_400_000n;

/**
 * Blocks in a scheduled year. The schedule follows block positions (block n is position n,
 * genesis is 0), so missed slots stretch a year in wall time rather than skip its emission,
 * and every node computes the same figure without a clock.
 */
export function blocksPerYear(slotDurationMs: number): bigint {
  return MS_PER_YEAR / BigInt(slotDurationMs);
}

/** The annual emission of `year` (1-based): the last schedule entry that has begun. */
export function annualEmission(schedule: readonly ScheduleEntry[], year: bigint): bigint {
  let annual = 0n;
  for (const entry of schedule) if (BigInt(entry.fromYear) <= year) annual = entry.annualEmission;
  return annual;
}

/**
 * Emission scheduled for the chain's first `positions` block positions: every whole year's
 * annual emission, plus the current year's pro rata (rounded down).
 */
export function cumulativeEmission(schedule: readonly ScheduleEntry[], perYear: bigint, positions: bigint): bigint {
  const wholeYears = positions / perYear;
  let total = 0n;
  schedule.forEach((entry, i) => {
    const first = BigInt(entry.fromYear);
    const last = i + 1 < schedule.length ? BigInt(schedule[i + 1].fromYear) - 1n : wholeYears;
    const end = last < wholeYears ? last : wholeYears;
    if (end >= first) total += (end - first + 1n) * entry.annualEmission;
  });
  return total + (annualEmission(schedule, wholeYears + 1n) * (positions % perYear)) / perYear;
}

/**
 * The emission of `epoch` (blocks epoch × L to epoch × L + L − 1): the difference of the
 * cumulative schedule at its ends. In a year of whole epochs that is annual × L / blocksPerYear,
 * rounded down or up by one base unit so that the epochs of a year add up to exactly its annual
 * emission; an epoch that spans a year boundary takes each year's rate for its blocks in it.
 */
export function epochEmission(schedule: readonly ScheduleEntry[], slotDurationMs: number, epochLengthBlocks: number, epoch: number): bigint {
  const perYear = blocksPerYear(slotDurationMs);
  const length = BigInt(epochLengthBlocks);
  const start = BigInt(epoch) * length;
  return cumulativeEmission(schedule, perYear, start + length) - cumulativeEmission(schedule, perYear, start);
}
