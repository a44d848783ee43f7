import type { CallDefinition } from "../../framework/module.ts";
import { remarkArgs, type SystemRemark } from "./types.ts";

/** `system.remark(bytes)`: records nothing but its fee; useful to anchor data and for tests. */
export const remark: CallDefinition<SystemRemark> = {
  args: remarkArgs,
  weight: () => 1_000n,
  dispatch: () => {},
};
