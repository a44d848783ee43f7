import type { BlockContext } from "../../framework/module.ts";
import { expireDueCommands } from "./lifecycle.ts";

/** After the block's extrinsics: commands whose window closes with this block can no longer be acknowledged. */
export function onFinalize(ctx: BlockContext): void {
  expireDueCommands(ctx);
}
