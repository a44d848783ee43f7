import { DispatchError } from "../../framework/errors.ts";

export type SudoErrorCode =
  | "RequireSudo" // the signer is not the sudo key
  | "UnknownCall" // the wrapped call names no call of this runtime
  | "NestedSudo" // a sudo call wrapped in sudo.sudo (root cannot be the sudo key)
  | "MalformedCall" // the wrapped call is missing or its arguments do not decode
  | "InvalidAccount"; // a new key that is not a 32-byte account id

export class SudoError extends DispatchError {
  constructor(code: SudoErrorCode, data: Record<string, unknown> = {}) {
    super({ code, module: "sudo", ...data });
  }
}
