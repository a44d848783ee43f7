import { loadProtoFile, MessageCodec } from "../../../primitives/codec/index.ts";
import type { SudoSetKeyArgs, SudoSudoArgs } from "./sudo.proto.ts";

export const sudoProto = loadProtoFile(new URL("./sudo.proto", import.meta.url));

export type { SudoSetKeyArgs, SudoSudoArgs } from "./sudo.proto.ts";

export const sudoArgsCodec = new MessageCodec<SudoSudoArgs>("SudoSudoArgs", sudoProto);
export const setKeyArgsCodec = new MessageCodec<SudoSetKeyArgs>("SudoSetKeyArgs", sudoProto);
