import type { BlockContext } from "../../framework/module.ts";
import { BlockHash, BlockNumber, Events, ExtrinsicCount, ParentHash } from "./storage.ts";

export function onInitialize(ctx: BlockContext): void {
  BlockNumber.set(ctx.state, ctx.number);
  ParentHash.set(ctx.state, ctx.parentHash);
  BlockHash.set(ctx.state, ctx.number - 1, ctx.parentHash);
  ExtrinsicCount.set(ctx.state, 0);
}

/** Runs after every other module's `onFinalize`, so that their events are stored too. */
export function storeEvents(ctx: BlockContext): void {
  Events.set(ctx.state, ctx.events.records);
}
