import { ClientError, RpcCallError } from "./errors.ts";

/** A JSON-RPC 2.0 message from the node: an answer (`id`) or a notification (`params.subscription`). */
export interface JsonRpcMessage {
  id?: number | string | null;
  result?: unknown;
  error?: { code: number; message: string; data?: unknown };
  method?: string;
  params?: { subscription: string | number; result: unknown };
}

/** Parses one message; throws `BAD_RESPONSE` for anything that is not a JSON-RPC object. */
export function parseMessage(context: string, text: string): JsonRpcMessage {
  let msg: unknown;
  try {
    msg = JSON.parse(text);
  } catch {
    throw new ClientError("BAD_RESPONSE", `${context}: the node's answer is not JSON: ${text.slice(0, 80)}`, { context });
  }
  if (typeof msg !== "object" || msg === null || Array.isArray(msg)) {
    throw new ClientError("BAD_RESPONSE", `${context}: the node's answer is not a JSON-RPC object`, { context });
  }
  return msg as JsonRpcMessage;
}

/** An answer's result, or its error as `RpcCallError`. */
export function parseResponse(method: string, text: string): { result: unknown } {
  return resultOf(method, parseMessage(method, text));
}

export function resultOf(method: string, msg: JsonRpcMessage): { result: unknown } {
  if (msg.error) throw new RpcCallError(method, msg.error.code, msg.error.message, msg.error.data);
  if (!("result" in msg)) throw new ClientError("BAD_RESPONSE", `${method}: the answer has neither result nor error`, { method });
  return { result: msg.result };
}
