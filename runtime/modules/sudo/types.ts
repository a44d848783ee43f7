import { loadProtoFile, MessageCodec, type Call } from "../../../primitives/codec/index.ts";

export const sudoProto = loadProtoFile(new URL("./sudo.proto", import.meta.url));

export interface SudoSudoArgs {
  /** Null only when the encoding omits it (rejected as `MalformedCall`). */
  call: Call | null;
}

export interface SudoSetKeyArgs {
  newKey: Uint8Array;
}

export const sudoArgsCodec = new MessageCodec<SudoSudoArgs>("SudoSudoArgs", sudoProto);
export const setKeyArgsCodec = new MessageCodec<SudoSetKeyArgs>("SudoSetKeyArgs", sudoProto);
