import { config as read } from "../../framework/genesisConfig.ts";
import type { ModuleGenesis } from "../../framework/module.ts";
import { Config } from "./storage.ts";

/**
 * Bound on `maxPendingPerDevice`: a device's whole pending list goes into every `control_pending`
 * answer and subscription notification, so it must stay small.
 */
const MAX_PENDING_PER_DEVICE_LIMIT = 256;

/** `control` section: `{ maxCommandLifetimeBlocks, maxPendingPerDevice }`. */
export const controlGenesis: ModuleGenesis = {
  build(state, section) {
    const s = read.object(section, "control");
    Config.set(state, {
      maxCommandLifetimeBlocks: read.uint(s.maxCommandLifetimeBlocks, "control.maxCommandLifetimeBlocks", { min: 1 }),
      maxPendingPerDevice: read.uint(s.maxPendingPerDevice, "control.maxPendingPerDevice", { min: 1, max: MAX_PENDING_PER_DEVICE_LIMIT }),
    });
  },
};

/**
 * Commands live at most 14,400 blocks (a day at 6 s slots, 8 hours at the dev chain's 2 s) — a
 * downlink command is about the grid's near future — and a device holds at most 16 pending ones,
 * enough for a day's schedule of set-points.
 */
export function controlDevSection(): Record<string, unknown> {
  return { maxCommandLifetimeBlocks: 14_400, maxPendingPerDevice: 16 };
}
