import { config as read } from "../../framework/genesisConfig.ts";
import type { ModuleGenesis } from "../../framework/module.ts";
import { Config } from "./storage.ts";

/**
 * Bound on `maxPendingPerDevice`: a device's whole pending list goes into every `control_pending`
 * answer and subscription notification, so it must stay small.
 */
const MAX_PENDING_PER_DEVICE_LIMIT = 256;

/**
 * Blocks a settled command's record stays in state when the chain spec does not say: 100,800, a
 * week at 6 s slots (2.3 days at the dev chain's 2 s). A command is about the grid's next hours;
 * its record is read by the submitter and the device's gateway to learn how it ended, which they
 * do within minutes, and by whoever audits a curtailment afterwards, for whom a week of state
 * (and a state proof of the record with its BLS receipt) is ample — the events of its blocks
 * keep the whole story for good. State then holds at most a week of commands: it grows with the
 * rate of commands, not with the chain's age.
 */
export const DEFAULT_SETTLED_RETENTION_BLOCKS = 100_800;

/** `control` section: `{ maxCommandLifetimeBlocks, maxPendingPerDevice, settledRetentionBlocks? }`. */
export const controlGenesis: ModuleGenesis = {
  build(state, section) {
    const s = read.object(section, "control");
    Config.set(state, {
      maxCommandLifetimeBlocks: read.uint(s.maxCommandLifetimeBlocks, "control.maxCommandLifetimeBlocks", { min: 1 }),
      maxPendingPerDevice: read.uint(s.maxPendingPerDevice, "control.maxPendingPerDevice", { min: 1, max: MAX_PENDING_PER_DEVICE_LIMIT }),
      settledRetentionBlocks:
        s.settledRetentionBlocks === undefined ? DEFAULT_SETTLED_RETENTION_BLOCKS : read.uint(s.settledRetentionBlocks, "control.settledRetentionBlocks", { min: 1 }),
    });
  },
};

/**
 * Commands live at most 14,400 blocks (a day at 6 s slots, 8 hours at the dev chain's 2 s) — a
 * downlink command is about the grid's near future — and a device holds at most 16 pending ones,
 * enough for a day's schedule of set-points; settled commands are kept a week of 6 s blocks.
 */
export function controlDevSection(): Record<string, unknown> {
  return { maxCommandLifetimeBlocks: 14_400, maxPendingPerDevice: 16, settledRetentionBlocks: DEFAULT_SETTLED_RETENTION_BLOCKS };
}
