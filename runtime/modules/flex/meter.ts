import type { StateReader } from "../../framework/state.ts";
import { creditedEnergies, GENERATION_PAGE_INTERVALS as PAGE, generationPageMayBeRemoved, pogConfig } from "../pog/queries.ts";
import { currentInterval } from "../pog/time.ts";
import type { MeteredInterval, MeterRange } from "./baseline.ts";
import { ProfileView, unitOf } from "./profileCodec.ts";
import { BaselineProfiles } from "./storage.ts";

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

/**
 * A device's credited energies served from its baseline profile (profile.ts) where the profile
 * holds the day, and from `chain` (pog's pages) where it does not: the same readings either way,
 * because a folded day is a copy of pages that could no longer change. A unit (a chunk of a day)
 * is served from the profile only if the profile has its day and none of its pages may have been
 * removed by pog's expiry (the profile keeps a day until it is older than the lookback, a page
 * only until the claim window: where the page may be gone, the page decides). The import meter of
 * a profiled reading reads 1 when the device had reported an import channel, 0 otherwise: the only
 * thing baselines ask of it (settle.ts, `assess`). Each (device, chunk) record is read and decoded
 * once per meter — a meter lives for one settlement chunk or one query, as `chainMeter`.
 */
export function profileMeter(state: StateReader, time: ChainTime, chain: MeterRange): MeterRange {
  const pog = pogConfig(state);
  const D = time.intervalsPerDay;
  const records = new Map<string, ProfileView | null>();
  const record = (deviceId: number, chunk: number): ProfileView | null => {
    const key = `${deviceId}:${chunk}`;
    let view = records.get(key);
    if (view === undefined) {
      const raw = state.get(BaselineProfiles.key(deviceId, chunk));
      view = raw === undefined ? null : new ProfileView(raw);
      records.set(key, view);
    }
    return view;
  };
  return (deviceId, from, to) => {
    const out: MeteredInterval[] = [];
    let t = from;
    while (t <= to) {
      const unit = unitOf(t, D);
      const hi = Math.min(to, unit.to);
      const view = record(deviceId, unit.chunk);
      const entry = view?.day(unit.day);
      if (view === null || entry === undefined || generationPageMayBeRemoved(Math.trunc(unit.from / PAGE), time.now, pog)) {
        for (const r of chain(deviceId, t, hi)) out.push(r);
      } else {
        for (let i = t - unit.from; i <= hi - unit.from; i++) {
          if ((entry.present & (1 << i)) === 0) continue;
          out.push({ interval: unit.from + i, energyWh: view.energyWh(entry, i), importWh: view.importWh(entry, i), cumulativeImportWh: (entry.importChannel >> i) & 1 });
        }
      }
      t = hi + 1;
    }
    return out;
  };
}
