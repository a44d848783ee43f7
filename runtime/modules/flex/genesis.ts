import { config as read } from "../../framework/genesisConfig.ts";
import type { ModuleGenesis } from "../../framework/module.ts";
import { Config } from "./storage.ts";

/**
 * Baselines search at most 30 days back: pog keeps a device's credited readings for its claim
 * window (at least 30 days) and removes older pages, so a longer search would find nothing more
 * on a chain old enough — and would find more on a young one, where a rule must not depend on age.
 */
const MAX_LOOKBACK_DAYS = 30;

/**
 * `maxSettlementsPerBlock`: targets settled per block, all events together. A settled device
 * costs its baseline (one day page per lookback day: ~20 reads), its enrolment, device, response
 * and day-list reads, its settlement record and day-list writes and, when paid, two account
 * writes — measured by `npm run bench -- vpp` (docs/vpp.md). At the ≤ 100 µs per device the
 * target allows, 200 devices are ≤ 20 ms of a 2–6 s slot, as much again when the trie commits
 * the writes: an event over 100,000 devices settles in 500 blocks instead of one block no
 * machine could import in a slot. Each block also pays its share of the program's budget in
 * member order, so a block never waits on a later one.
 *
 * `maxDeliveriesPerBlock`: commands enqueued per block (a control command: six writes and an
 * event, what `control.submit` costs, ≈ 0.1 ms): 200 is ≈ 20 ms a block, and 100,000 devices are
 * told within 500 blocks, which is why an event may start at most `maxLeadIntervals` ahead and
 * should be created that much before it starts for a large fleet.
 */
const DEFAULT_MAX_PER_BLOCK = 200;

/** `flex` section (optional: an absent section takes `flexDevSection()`, so older specs stay valid). */
export const flexGenesis: ModuleGenesis = {
  build(state, section) {
    const s = read.object(section === undefined ? flexDevSection() : section, "flex");
    Config.set(state, {
      maxSettlementsPerBlock: read.uint(s.maxSettlementsPerBlock, "flex.maxSettlementsPerBlock", { min: 1, max: 10_000 }),
      maxDeliveriesPerBlock: read.uint(s.maxDeliveriesPerBlock, "flex.maxDeliveriesPerBlock", { min: 1, max: 10_000 }),
      maxListedTargets: read.uint(s.maxListedTargets, "flex.maxListedTargets", { min: 1, max: 1024 }),
      maxActiveEventsPerProgram: read.uint(s.maxActiveEventsPerProgram, "flex.maxActiveEventsPerProgram", { min: 1, max: 256 }),
      maxOpenEvents: read.uint(s.maxOpenEvents, "flex.maxOpenEvents", { min: 1, max: 4096 }),
      maxLeadIntervals: read.uint(s.maxLeadIntervals, "flex.maxLeadIntervals", { min: 1 }),
      baselineDays: read.uint(s.baselineDays, "flex.baselineDays", { min: 1, max: MAX_LOOKBACK_DAYS }),
      baselineLookbackDays: read.uint(s.baselineLookbackDays, "flex.baselineLookbackDays", { min: 1, max: MAX_LOOKBACK_DAYS }),
      adjustmentIntervals: read.uint(s.adjustmentIntervals, "flex.adjustmentIntervals", { max: 48 }),
      adjustmentCapPermille: read.uint(s.adjustmentCapPermille, "flex.adjustmentCapPermille", { max: 1000 }),
    });
  },
};

/**
 * 10-in-10 over the last 20 days (CAISO searches 45; pog keeps 30), the same-day adjustment over
 * 3 intervals capped at ±20 % (CAISO's default cap); events up to a week ahead at the dev chain's
 * one-minute intervals.
 */
export function flexDevSection(): Record<string, unknown> {
  return {
    maxSettlementsPerBlock: DEFAULT_MAX_PER_BLOCK,
    maxDeliveriesPerBlock: DEFAULT_MAX_PER_BLOCK,
    maxListedTargets: 64,
    maxActiveEventsPerProgram: 16,
    maxOpenEvents: 1024,
    maxLeadIntervals: 7 * 1440,
    baselineDays: 10,
    baselineLookbackDays: 20,
    adjustmentIntervals: 3,
    adjustmentCapPermille: 200,
  };
}

/** Live chains (hourly intervals): a week ahead, the adjustment over the 3 hours before the hour preceding the event. */
export function flexLiveSection(): Record<string, unknown> {
  return { ...flexDevSection(), maxLeadIntervals: 7 * 24 };
}
