import type { BlockContext } from "../../framework/module.ts";
import { pageExpired } from "./generation.ts";
import { Config, ExpiryHead, ExpiryQueue, ExpiryTail, GenerationDays } from "./storage.ts";
import { currentInterval } from "./time.ts";

/**
 * Pages a block removes at most. Pages are created at one per device per day of readings (24
 * hourly intervals): 1,000,000 devices create 1,000,000 / 86,400 s ≈ 11.6 pages a second, ≈ 70
 * per 6 s block (≈ 23 per 2 s block on the dev chain's slots, but its one-minute intervals make a
 * page 24 minutes, so it keeps up with ~100,000 devices there). 256 is 3.7× the live chain's rate
 * at a million devices, so a backlog — after a stall, or pages created in a burst of late readings —
 * drains at 186 pages a block beyond the steady rate. Each removal is a queue read and two
 * deletes (page, queue entry; the head is written once per block): ~120 µs a page with the state
 * root's update, measured on the 2-core machine (TestChain, full 24-slot pages): ~30 ms a block
 * at the bound, half a percent of a 6 s slot.
 */
export const MAX_EXPIRIES_PER_BLOCK = 256;

/**
 * The `on_initialize` hook: removes up to `MAX_EXPIRIES_PER_BLOCK` pages from the head of the
 * expiry queue, while the head's page is older than the claim window. The queue is in creation
 * order; a page is created at most `acceptanceWindowIntervals` + 24 intervals after its first
 * interval, so a page waits behind the head at most that long after it expired. Nothing depends
 * on the exact moment a page goes: readings older than the acceptance window are refused, and a
 * REC refuses slots older than the claim window, whether their page is still stored or not.
 */
export function onInitialize(ctx: BlockContext): void {
  let head = ExpiryHead.get(ctx.state);
  const tail = ExpiryTail.get(ctx.state);
  if (head >= tail) return;
  const config = Config.get(ctx.state);
  const now = currentInterval(ctx.state, config);
  const start = head;
  while (head < tail && head - start < MAX_EXPIRIES_PER_BLOCK) {
    const entry = ExpiryQueue.get(ctx.state, head);
    if (entry === undefined) throw new Error(`pog: expiry queue entry ${head} missing`);
    if (!pageExpired(entry.day, now, config)) break;
    GenerationDays.remove(ctx.state, entry.deviceId, entry.day);
    ExpiryQueue.remove(ctx.state, head);
    head++;
  }
  if (head !== start) ExpiryHead.set(ctx.state, head);
}
