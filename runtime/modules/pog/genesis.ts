import { config as read, GenesisConfigError } from "../../framework/genesisConfig.ts";
import type { ModuleGenesis } from "../../framework/module.ts";
import { Config } from "./storage.ts";

/**
 * `pog` section: `{ readingIntervalSecs, acceptanceWindowIntervals, claimWindowIntervals,
 * tolerancePercent, maxReadingsPerBlock, epochLengthBlocks }`. The claim window must be at least
 * the acceptance window: a page is removed once older than the claim window, and a reading for
 * one of its intervals must then already be refused as too old, or the slot could be credited twice.
 */
export const pogGenesis: ModuleGenesis = {
  build(state, section) {
    const s = read.object(section, "pog");
    const acceptanceWindowIntervals = read.uint(s.acceptanceWindowIntervals, "pog.acceptanceWindowIntervals");
    const claimWindowIntervals = read.uint(s.claimWindowIntervals, "pog.claimWindowIntervals");
    if (claimWindowIntervals < acceptanceWindowIntervals) {
      throw new GenesisConfigError("pog.claimWindowIntervals", `must be at least pog.acceptanceWindowIntervals (${acceptanceWindowIntervals}), got ${claimWindowIntervals}`);
    }
    Config.set(state, {
      readingIntervalSecs: read.uint(s.readingIntervalSecs, "pog.readingIntervalSecs", { min: 1 }),
      acceptanceWindowIntervals,
      claimWindowIntervals,
      tolerancePercent: read.uint(s.tolerancePercent, "pog.tolerancePercent", { max: 1000 }),
      maxReadingsPerBlock: read.uint(s.maxReadingsPerBlock, "pog.maxReadingsPerBlock", { min: 1 }),
      epochLengthBlocks: read.uint(s.epochLengthBlocks, "pog.epochLengthBlocks", { min: 1 }),
    });
  },
};

/**
 * Dev chain: one-minute intervals so that a developer sees generation credited within minutes;
 * three days of claim window (4,320 intervals: also the forecast service's longest history).
 */
export function pogDevSection(): Record<string, unknown> {
  return { readingIntervalSecs: 60, acceptanceWindowIntervals: 60, claimWindowIntervals: 4320, tolerancePercent: 10, maxReadingsPerBlock: 10_000, epochLengthBlocks: 30 };
}

/**
 * Live chains: hourly intervals (docs/design.md, "Proof of generation"), a day of acceptance
 * window, 30 days of claim window (720 intervals: a REC must be requested within a month of the
 * generation, like a certificate scheme's issuance deadline), hourly epochs at 6 s blocks.
 */
export function pogLiveSection(): Record<string, unknown> {
  return { readingIntervalSecs: 3600, acceptanceWindowIntervals: 24, claimWindowIntervals: 720, tolerancePercent: 10, maxReadingsPerBlock: 10_000, epochLengthBlocks: 600 };
}
