import type { StateReader } from "../../framework/state.ts";
import { creditedEnergies, GENERATION_PAGE_INTERVALS as PAGE, pogConfig } from "../pog/queries.ts";
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

/**
 * A device's credited energies over a range, from pog's query API: one read per day page the range
 * touches, each page decoded only for its energies (pog's `creditedEnergies`, not the reading
 * hashes), and each (device, page) read at most once per meter — the baseline's adjustment window
 * and event intervals, and a range straddling two pages, share reads. A meter lives for one
 * settlement chunk (or one query): the state it reads does not change its pages meanwhile
 * (settlement writes only flex's records), so what it remembers stays true.
 */
export function chainMeter(state: StateReader): MeterRange {
  const pages = new Map<string, ReturnType<typeof creditedEnergies>>();
  return (deviceId, from, to) => {
    if (to < from) return [];
    const firstPage = Math.trunc(from / PAGE);
    const lastPage = Math.trunc(to / PAGE);
    const out: ReturnType<typeof creditedEnergies> = [];
    for (let p = firstPage; p <= lastPage; p++) {
      const key = `${deviceId}:${p}`;
      let page = pages.get(key);
      if (page === undefined) {
        page = creditedEnergies(state, deviceId, p * PAGE, p * PAGE + PAGE - 1);
        pages.set(key, page);
      }
      for (const r of page) if (r.interval >= from && r.interval <= to) out.push(r);
    }
    return out;
  };
}
