import { MessageCodec } from "../../../primitives/codec/index.ts";
import type { BalancesTransfer } from "../../../primitives/codec/index.ts";

// The call arguments' shapes, generated from primitives/codec/arkreen.proto (arkreen.proto.ts).
export type { BalancesTransfer } from "../../../primitives/codec/index.ts";

/** `transfer` and `transferKeepAlive`: the destination account and a minimal big-endian amount. */
export const transferArgs = new MessageCodec<BalancesTransfer>("BalancesTransfer");
