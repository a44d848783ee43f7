import { ArkreenError } from "../../primitives/errors.ts";

/** Mistakes in configuring or wiring the RPC server (never sent to clients). */
export type RpcServerErrorType =
  | { code: "RPC_INVALID_OPTION"; option: string; value: string }
  | { code: "RPC_METHOD_EXISTS"; method: string }
  | { code: "RPC_SERVER_STATE"; state: string; action: string };

export class RpcServerError extends ArkreenError<RpcServerErrorType> {}
