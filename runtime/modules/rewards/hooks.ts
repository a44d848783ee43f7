import type { BlockContext } from "../../framework/module.ts";
import { Config as PogConfig } from "../pog/storage.ts";
import { epochOf } from "../pog/time.ts";
import { rewardEpoch } from "./distribute.ts";

/**
 * Rewards an epoch in its last block's finalization, after that block's readings were credited:
 * epoch e is blocks e × L to e × L + L − 1 (L = `pog.epochLengthBlocks`).
 */
export function onFinalize(ctx: BlockContext): void {
  const pog = PogConfig.get(ctx.state);
  if ((ctx.number + 1) % pog.epochLengthBlocks !== 0) return;
  rewardEpoch(ctx, epochOf(ctx.number, pog), pog);
}
