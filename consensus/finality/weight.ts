import type { VoterSet } from "./types.ts";

export function totalWeight(set: VoterSet): bigint {
  let total = 0n;
  for (const a of set.authorities) total += a.weight;
  return total;
}

/** Strictly more than two thirds of `total`: any two such quorums share more than a third of the weight. */
export function isSupermajority(weight: bigint, total: bigint): boolean {
  return 3n * weight > 2n * total;
}
