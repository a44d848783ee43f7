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
 * `maxSettlementsPerBlock`: targets settled per block, all events together. The target is
 * ≤ 100 µs of block execution per settled device; measured (`npm run bench -- vpp`, docs/vpp.md,
 * 2-core workplace machine, 10,000 and 100,000 devices) a device costs 6.5 trie reads since the
 * baselines read the devices' profiles (profile.ts) instead of a pog page per lookback day (16.5
 * before): ≈ 135–225 µs of main-thread CPU depending on the machine's load, 250–330 µs wall
 * under load (≈ 280–360 µs CPU before). 100 devices per block are ≈ 15–35 ms of execution and
 * ≈ 7–15 ms of trie commit, a few percent of a 2–6 s slot: an event over 100,000 devices
 * settles in 1,000 blocks (≈ 1.7 h at 6 s) and no block is heavy, instead of one block no
 * machine could import in a slot. Each block pays its share of the program's budget in member order, so a
 * short budget is spent in that order whatever the block boundaries.
 *
 * `maxDeliveriesPerBlock`: commands enqueued per block (a control command: six writes and an
 * event, what `control.submit` costs, ≈ 0.1 ms): 200 are ≈ 20 ms a block, and 100,000 devices are
 * told within 500 blocks, which is why an event may start up to `maxLeadIntervals` ahead and
 * should be created that much before it starts for a large fleet.
 */
const DEFAULT_MAX_SETTLEMENTS_PER_BLOCK = 100;

/**
 * Blocks a settled event's records (the event, its responses and settlements) and a closed
 * program's (the program, its member list) stay in state when the chain spec does not say:
 * 100,800, a week at 6 s slots, as control keeps settled commands (its
 * `DEFAULT_SETTLED_RETENTION_BLOCKS`). Operators and owners read an event's settlements within
 * hours; a week leaves time for disputes and audits, with state proofs of the records; the
 * events of the blocks keep the whole story for good. Flex's state then grows with the rate of
 * events, not with the chain's age.
 */
export const DEFAULT_SETTLED_RETENTION_BLOCKS = 100_800;
const DEFAULT_MAX_DELIVERIES_PER_BLOCK = 200;

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
      settledRetentionBlocks:
        s.settledRetentionBlocks === undefined ? DEFAULT_SETTLED_RETENTION_BLOCKS : read.uint(s.settledRetentionBlocks, "flex.settledRetentionBlocks", { min: 1 }),
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
    maxSettlementsPerBlock: DEFAULT_MAX_SETTLEMENTS_PER_BLOCK,
    maxDeliveriesPerBlock: DEFAULT_MAX_DELIVERIES_PER_BLOCK,
    maxListedTargets: 64,
    maxActiveEventsPerProgram: 16,
    maxOpenEvents: 1024,
    maxLeadIntervals: 7 * 1440,
    baselineDays: 10,
    baselineLookbackDays: 20,
    adjustmentIntervals: 3,
    adjustmentCapPermille: 200,
    settledRetentionBlocks: DEFAULT_SETTLED_RETENTION_BLOCKS,
  };
}

/** Live chains (hourly intervals): a week ahead, the adjustment over the 3 hours before the hour preceding the event. */
export function flexLiveSection(): Record<string, unknown> {
  return { ...flexDevSection(), maxLeadIntervals: 7 * 24 };
}
