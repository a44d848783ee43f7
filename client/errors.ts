/** Why a client operation failed; `ClientError.code` is one of these. */
export type ClientErrorCode =
  /** The node answered the call with a JSON-RPC error (`rpcCode`, e.g. 1010 invalid transaction). */
  | "RPC_ERROR"
  /** The connection could not be opened, or closed before the answer came and was not reopened in time. */
  | "CONNECTION_FAILED"
  /** The call got no answer within the client's `timeoutMs`. */
  | "TIMEOUT"
  /** The node's answer was not JSON-RPC, or not the shape the method returns. */
  | "BAD_RESPONSE"
  /** The caller passed something the client refuses before sending (bad hex, an unknown call, …). */
  | "BAD_INPUT"
  /** Subscriptions need a WebSocket connection; this client talks HTTP. */
  | "NOT_SUPPORTED"
  /** A watched extrinsic ended `invalid`, `dropped`, `usurped` or `finalityTimeout`. */
  | "TX_NOT_INCLUDED"
  /** The extrinsic was included but its call failed (`system.ExtrinsicFailed`). */
  | "TX_FAILED"
  /** The client was closed. */
  | "CLOSED";

/** Every error the client throws: a string `code`, a message, and structured `data`. */
export class ClientError extends Error {
  readonly code: ClientErrorCode;
  readonly data: Record<string, unknown>;

  constructor(code: ClientErrorCode, message: string, data: Record<string, unknown> = {}) {
    super(message);
    this.name = "ClientError";
    this.code = code;
    this.data = data;
  }
}

/** A JSON-RPC error answer: `rpcCode` is the node's number (docs/rpc.md, "Errors"), `rpcData` its detail. */
export class RpcCallError extends ClientError {
  readonly rpcCode: number;
  readonly rpcMessage: string;
  readonly rpcData: unknown;

  constructor(method: string, rpcCode: number, rpcMessage: string, rpcData?: unknown) {
    const detail = rpcData === undefined ? "" : `: ${typeof rpcData === "string" ? rpcData : JSON.stringify(rpcData)}`;
    super("RPC_ERROR", `${method}: ${rpcCode}: ${rpcMessage}${detail}`, { method, rpcCode, rpcMessage, rpcData });
    this.name = "RpcCallError";
    this.rpcCode = rpcCode;
    this.rpcMessage = rpcMessage;
    this.rpcData = rpcData;
  }
}
