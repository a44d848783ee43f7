import type { StateReader } from "../../framework/state.ts";
import { creditedReadings, pogConfig } from "../pog/queries.ts";
import { currentInterval } from "../pog/time.ts";
import type { MeterRange } from "./baseline.ts";

/**
 * What flex reads of the chain's verified readings, in one place: pog's query API only (never
 * its storage, whose layout is pog's business), so that a change there is one edit here.
 */
export interface ChainTime {
  /** The reading interval the current block falls in. */
  now: number;
  readingIntervalSecs: number;
  /** A reading of interval i is accepted while the current interval is at most i + this. */
  acceptanceWindowIntervals: number;
  /** 86400 / readingIntervalSecs, rounded down (at least 1): a baseline's "day". */
  intervalsPerDay: number;
}

export function chainTime(state: StateReader): ChainTime {
  const config = pogConfig(state);
  return {
    now: currentInterval(state, config),
    readingIntervalSecs: config.readingIntervalSecs,
    acceptanceWindowIntervals: config.acceptanceWindowIntervals,
    intervalsPerDay: Math.max(1, Math.trunc(86_400 / config.readingIntervalSecs)),
  };
}

/** A device's credited readings over a range, from pog's query API (one read per day page the range touches). */
export function chainMeter(state: StateReader): MeterRange {
  return (deviceId, from, to) => creditedReadings(state, deviceId, from, to);
}
