import { MessageCodec } from "../../../primitives/codec/index.ts";
import type { CallDefinition } from "../../framework/module.ts";

export interface SystemRemark {
  remark: Uint8Array;
}

const remarkArgs = new MessageCodec<SystemRemark>("SystemRemark");

/** `system.remark(bytes)`: records nothing but its fee; useful to anchor data and for tests. */
export const remark: CallDefinition<SystemRemark> = {
  args: remarkArgs,
  weight: () => 1_000n,
  dispatch: () => {},
};
