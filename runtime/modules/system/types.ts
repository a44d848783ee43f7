import { MessageCodec } from "../../../primitives/codec/index.ts";
import type { SystemRemark } from "../../../primitives/codec/index.ts";

// The call arguments' shapes, generated from primitives/codec/arkreen.proto (arkreen.proto.ts).
export type { SystemRemark } from "../../../primitives/codec/index.ts";

export const remarkArgs = new MessageCodec<SystemRemark>("SystemRemark");
