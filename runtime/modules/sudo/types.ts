import { MessageCodec, parseProto } from "../../../primitives/codec/index.ts";
import type { SudoSetKeyArgs, SudoSudoArgs } from "./sudo.proto.ts";
import { PROTO_SOURCE } from "./sudo.proto.ts";

export const sudoProto = parseProto(PROTO_SOURCE);

export type { SudoSetKeyArgs, SudoSudoArgs } from "./sudo.proto.ts";

export const sudoArgsCodec = new MessageCodec<SudoSudoArgs>("SudoSudoArgs", sudoProto);
export const setKeyArgsCodec = new MessageCodec<SudoSetKeyArgs>("SudoSetKeyArgs", sudoProto);
