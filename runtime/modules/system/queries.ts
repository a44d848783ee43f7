import type { EventRecord } from "../../../primitives/codec/index.ts";
import type { RuntimeConfig } from "../../config.ts";
import type { StateReader } from "../../framework/state.ts";
import { BlockNumber, Config, Events } from "./storage.ts";

/** The number of the block whose state this is. */
export function blockNumber(state: StateReader): number {
  return BlockNumber.get(state);
}

export function runtimeConfig(state: StateReader): RuntimeConfig {
  return Config.get(state);
}

/** The events of the block whose state this is, in the order they were deposited (decode each with `decodeEvent`). */
export function events(state: StateReader): EventRecord[] {
  return Events.get(state);
}

/** The storage key of the block's events (`codecs.eventList`), for clients reading raw storage. */
export const EVENTS_STORAGE_KEY: Uint8Array = Events.key;
