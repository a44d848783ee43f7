import type { StateReader } from "../../framework/state.ts";
import { CurrentSlot } from "../aura/storage.ts";
import { Config as SystemConfig } from "../system/storage.ts";
import type { PogConfig } from "./types.ts";

/**
 * The runtime has no clock: a block's time is its Aura slot × slot duration, which every
 * importer checks against its own clock (a block at most one slot ahead). The current reading
 * interval follows from it, deterministically.
 */
export function currentInterval(state: StateReader, config: PogConfig): number {
  return intervalAtSlot(state, config, CurrentSlot.get(state));
}

/** The reading interval that a block of `slot` falls in: the readings it may credit ended before it. */
export function intervalAtSlot(state: StateReader, config: PogConfig, slot: bigint): number {
  return Number((slot * BigInt(SystemConfig.get(state).slotDurationMs)) / (BigInt(config.readingIntervalSecs) * 1000n));
}

export function epochOf(blockNumber: number, config: PogConfig): number {
  return Math.trunc(blockNumber / config.epochLengthBlocks);
}
