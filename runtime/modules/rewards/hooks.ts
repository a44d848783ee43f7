import type { BlockContext } from "../../framework/module.ts";
import { Config as PogConfig } from "../pog/storage.ts";
import { epochOf } from "../pog/time.ts";
import { endEpoch } from "./epochEnd.ts";
import { removeOldEpochs } from "./history.ts";
import { payOut } from "./payout.ts";

/** Before the block's extrinsics and readings: a bounded chunk of the removal of epochs older than the history (history.ts). */
export function onInitialize(ctx: BlockContext): void {
  removeOldEpochs(ctx);
}

/**
 * In every block's finalization, a bounded chunk of the queued device payouts; in the last block
 * of an epoch (epoch e is blocks e × L to e × L + L − 1, L = `pog.epochLengthBlocks`), after
 * that block's readings were credited, the epoch's end: its emission, its validators' pay, and
 * its device payout queued for the following blocks.
 */
export function onFinalize(ctx: BlockContext): void {
  const pog = PogConfig.get(ctx.state);
  payOut(ctx, pog);
  if ((ctx.number + 1) % pog.epochLengthBlocks === 0) endEpoch(ctx, epochOf(ctx.number, pog), pog);
}
