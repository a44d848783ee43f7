import type { BlockContext } from "../../framework/module.ts";
import { expireDueCommands, removeSettledCommands } from "./lifecycle.ts";

/**
 * After the block's extrinsics: commands whose window closes with this block can no longer be
 * acknowledged; then the records of commands settled `settledRetentionBlocks` ago are removed.
 */
export function onFinalize(ctx: BlockContext): void {
  expireDueCommands(ctx);
  removeSettledCommands(ctx);
}
