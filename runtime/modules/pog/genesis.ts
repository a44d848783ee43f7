import { config as read } from "../../framework/genesisConfig.ts";
import type { ModuleGenesis } from "../../framework/module.ts";
import { Config } from "./storage.ts";

/** `pog` section: `{ readingIntervalSecs, acceptanceWindowIntervals, tolerancePercent, maxReadingsPerBlock, epochLengthBlocks }`. */
export const pogGenesis: ModuleGenesis = {
  build(state, section) {
    const s = read.object(section, "pog");
    Config.set(state, {
      readingIntervalSecs: read.uint(s.readingIntervalSecs, "pog.readingIntervalSecs", { min: 1 }),
      acceptanceWindowIntervals: read.uint(s.acceptanceWindowIntervals, "pog.acceptanceWindowIntervals"),
      tolerancePercent: read.uint(s.tolerancePercent, "pog.tolerancePercent", { max: 1000 }),
      maxReadingsPerBlock: read.uint(s.maxReadingsPerBlock, "pog.maxReadingsPerBlock", { min: 1 }),
      epochLengthBlocks: read.uint(s.epochLengthBlocks, "pog.epochLengthBlocks", { min: 1 }),
    });
  },
};

/** Dev chain: one-minute intervals so that a developer sees generation credited within minutes. */
export function pogDevSection(): Record<string, unknown> {
  return { readingIntervalSecs: 60, acceptanceWindowIntervals: 60, tolerancePercent: 10, maxReadingsPerBlock: 10_000, epochLengthBlocks: 30 };
}

/** Live chains: hourly intervals (docs/design.md, "Proof of generation"), a day of acceptance window, hourly epochs at 6 s blocks. */
export function pogLiveSection(): Record<string, unknown> {
  return { readingIntervalSecs: 3600, acceptanceWindowIntervals: 24, tolerancePercent: 10, maxReadingsPerBlock: 10_000, epochLengthBlocks: 600 };
}
