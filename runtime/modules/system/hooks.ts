import type { BlockContext } from "../../framework/module.ts";
import { BlockHash, BlockNumber, Events, ExtrinsicCount, ParentHash } from "./storage.ts";

/**
 * Past block hashes `BlockHash` keeps: Substrate's `BlockHashCount` (4,096; 6.8 hours at 6 s
 * slots, 2.3 hours at the dev chain's 2 s). Nothing in the runtime reads them: an extrinsic's
 * mortality is checked against block *numbers* only (`birth` ≤ n ≤ birth + period − 1, executive.ts),
 * and the signed payload binds the genesis hash, not the birth block's hash, so no period,
 * however long, needs an old hash. They are kept for clients and proofs that look up a recent
 * block's hash in state (a state proof of `BlockHash(n)` against a later header), which is what
 * Substrate keeps them for beyond mortality; 4,096 entries of ~84 bytes are ≈ 340 KB, where
 * keeping every block's would be ≈ 440 MB a year at 6 s blocks. If the signed payload ever binds
 * the birth block's hash (Substrate's `CheckMortality`), the longest mortal period must be capped
 * at this count.
 */
export const BLOCK_HASH_COUNT = 4096;

/**
 * Stores the parent's number, hash and a zero extrinsic count, records the parent's hash in
 * `BlockHash`, and removes the hash that falls out of the last `BLOCK_HASH_COUNT` (one delete a
 * block: the map stays at `BLOCK_HASH_COUNT` entries whatever the chain's age).
 */
export function onInitialize(ctx: BlockContext): void {
  BlockNumber.set(ctx.state, ctx.number);
  ParentHash.set(ctx.state, ctx.parentHash);
  BlockHash.set(ctx.state, ctx.number - 1, ctx.parentHash);
  if (ctx.number - 1 >= BLOCK_HASH_COUNT) BlockHash.remove(ctx.state, ctx.number - 1 - BLOCK_HASH_COUNT);
  ExtrinsicCount.set(ctx.state, 0);
}

/** Runs after every other module's `onFinalize`, so that their events are stored too. */
export function storeEvents(ctx: BlockContext): void {
  Events.set(ctx.state, ctx.events.records);
}
