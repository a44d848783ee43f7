import type { StateReader } from "../../framework/state.ts";
import { CurrentSlot } from "../aura/storage.ts";
import { Config as SystemConfig } from "../system/storage.ts";
import type { PogConfig } from "./types.ts";

/**
 * The runtime has no clock: a block's time is its Aura slot × slot duration, which every
 * importer checks against its own clock (a block at most one slot ahead). The current reading
 * interval follows from it, deterministically.
 */
export function blockTimeMs(state: StateReader): bigint {
  return CurrentSlot.get(state) * BigInt(SystemConfig.get(state).slotDurationMs);
}

export function currentInterval(state: StateReader, config: PogConfig): number {
  return Number(blockTimeMs(state) / (BigInt(config.readingIntervalSecs) * 1000n));
}

export function epochOf(blockNumber: number, config: PogConfig): number {
  return Math.trunc(blockNumber / config.epochLengthBlocks);
}
