/**
 * JSON-RPC 2.0 processing, shared by HTTP and WebSocket: bytes of one message in, the text of
 * its response out (or nothing, for notifications). Knows the registered methods and
 * subscriptions, the methods policy and the message-level limits; knows nothing of sockets.
 */
import { performance } from "node:perf_hooks";
import type { Logger } from "../../primitives/logger.ts";
import { RpcError, RpcErrorCode, toRpcError } from "../errors.ts";
import type { RpcErrorObject } from "../errors.ts";
import { exceedsJsonDepth } from "./jsonDepth.ts";
import type { RpcMetrics } from "./metrics.ts";
import { expectArray, expectString } from "./params.ts";
import { RpcServerError } from "./serverError.ts";
import type { ConnectionSubscriptions } from "./subscriptions.ts";
import type { RpcCallContext, RpcMethodDef, RpcSubscriptionDef } from "./types.ts";

/** One client connection as the dispatcher sees it. */
export interface RpcSession {
  ctx: RpcCallContext;
  /** WebSocket connections host subscriptions; HTTP requests have none. */
  subscriptions: ConnectionSubscriptions | null;
}

export interface RpcReply {
  body: string;
  /** Call once `body` has been handed to the socket: subscriptions opened by the message start notifying. */
  sent(): void;
}

export interface RpcDispatcherOpts {
  maxBatchLength: number;
  maxResponseBytes: number;
  maxJsonDepth: number;
  /** Whether methods marked unsafe may be called (the resolved `--rpc-methods` policy). */
  allowUnsafe: boolean;
}

export interface RpcDispatcherDeps {
  logger: Logger;
  metrics: RpcMetrics | null;
}

type Entry =
  | { kind: "method"; unsafe: boolean; def: RpcMethodDef }
  | { kind: "subscribe" | "unsubscribe"; unsafe: boolean; def: RpcSubscriptionDef };

type RpcId = string | number | null;

const PARSE_ERROR: RpcErrorObject = { code: RpcErrorCode.ParseError, message: "Parse error" };
const INVALID_REQUEST: RpcErrorObject = { code: RpcErrorCode.InvalidRequest, message: "Invalid request" };
const INTERNAL_ERROR: RpcErrorObject = { code: RpcErrorCode.InternalError, message: "Internal error" };
const METHOD_NOT_FOUND = (): RpcError => new RpcError(RpcErrorCode.MethodNotFound, "Method not found");
// Substrate's refusal of an unsafe method, code and message alike, so clients recognise it.
const UNSAFE_REFUSED = (): RpcError => new RpcError(RpcErrorCode.MethodNotFound, "RPC call is unsafe to be called externally");
const SUBSCRIPTION_OVER_HTTP = (): RpcError =>
  new RpcError(RpcErrorCode.MethodNotFound, "Method not found", "subscriptions are only available over WebSocket");

const utf8Decoder = new TextDecoder("utf-8", { fatal: true });

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isValidId(id: unknown): id is RpcId {
  return id === null || typeof id === "string" || (typeof id === "number" && Number.isFinite(id));
}

function errorBody(id: RpcId, error: RpcErrorObject): string {
  let data = "";
  if (error.data !== undefined) {
    try {
      const json = JSON.stringify(error.data);
      if (json !== undefined) data = `,"data":${json}`;
    } catch {
      // Unserialisable data is dropped; code and message still reach the client.
    }
  }
  return `{"jsonrpc":"2.0","id":${JSON.stringify(id)},"error":{"code":${error.code},"message":${JSON.stringify(error.message)}${data}}}`;
}

/** The response text, or null when the result cannot be JSON (bigint, cycles, functions, runaway depth). */
function resultBody(id: RpcId, result: unknown): string | null {
  try {
    const json = JSON.stringify(result === undefined ? null : result);
    return json === undefined ? null : `{"jsonrpc":"2.0","id":${JSON.stringify(id)},"result":${json}}`;
  } catch {
    return null;
  }
}

function tooBig(code: number, message: string, limit: number): RpcErrorObject {
  return { code, message, data: `Exceeded max limit of ${limit}` };
}

export class RpcDispatcher {
  private readonly opts: RpcDispatcherOpts;
  private readonly deps: RpcDispatcherDeps;
  private readonly entries = new Map<string, Entry>();

  constructor(opts: RpcDispatcherOpts, deps: RpcDispatcherDeps) {
    this.opts = opts;
    this.deps = deps;
    this.addMethod("rpc_methods", { handler: () => ({ methods: this.methodNames() }) });
  }

  addMethod(name: string, def: RpcMethodDef): void {
    this.claim(name);
    this.entries.set(name, { kind: "method", unsafe: def.unsafe === true, def });
  }

  addSubscription(def: RpcSubscriptionDef): void {
    this.claim(def.subscribe);
    this.claim(def.unsubscribe);
    if (def.unsubscribe === def.subscribe) {
      throw new RpcServerError({ code: "RPC_METHOD_EXISTS", method: def.unsubscribe }, `${def.subscribe} cannot also be its own unsubscribe method`);
    }
    const unsafe = def.unsafe === true;
    this.entries.set(def.subscribe, { kind: "subscribe", unsafe, def });
    this.entries.set(def.unsubscribe, { kind: "unsubscribe", unsafe, def });
  }

  /** Every callable name, sorted: methods, subscribe and unsubscribe names, `rpc_methods`. */
  methodNames(): string[] {
    return [...this.entries.keys()].sort();
  }

  /** Processes one message (an HTTP body or a WebSocket frame); null when nothing is to be sent back. */
  async handle(bytes: Uint8Array, session: RpcSession): Promise<RpcReply | null> {
    let text: string;
    try {
      text = utf8Decoder.decode(bytes);
    } catch {
      return this.reply(errorBody(null, { ...PARSE_ERROR, data: "request is not valid UTF-8" }), session, []);
    }
    if (exceedsJsonDepth(text, this.opts.maxJsonDepth)) {
      this.deps.metrics?.rejected.inc({ reason: "json_too_deep" });
      return this.reply(errorBody(null, { ...PARSE_ERROR, data: `JSON nested deeper than ${this.opts.maxJsonDepth} levels` }), session, []);
    }
    let request: unknown;
    try {
      request = JSON.parse(text);
    } catch {
      return this.reply(errorBody(null, PARSE_ERROR), session, []);
    }

    const opened: string[] = [];
    if (!Array.isArray(request)) return this.reply(await this.call(request, session, opened), session, opened);

    if (request.length === 0) return this.reply(errorBody(null, INVALID_REQUEST), session, []);
    if (request.length > this.opts.maxBatchLength) {
      this.deps.metrics?.rejected.inc({ reason: "batch_too_large" });
      return this.reply(errorBody(null, tooBig(RpcErrorCode.BatchTooLarge, "The batch request was too large", this.opts.maxBatchLength)), session, []);
    }
    const answers = await Promise.all(request.map((item) => this.call(item, session, opened)));
    const parts = answers.filter((a): a is string => a !== null);
    if (parts.length === 0) return null;
    const body = `[${parts.join(",")}]`;
    if (Buffer.byteLength(body) > this.opts.maxResponseBytes) {
      // The ids of subscriptions opened by this batch will never reach the client.
      for (const id of opened) session.subscriptions?.cancel(id);
      const error = tooBig(RpcErrorCode.BatchResponseTooLarge, "The batch response was too large", this.opts.maxResponseBytes);
      return this.reply(errorBody(null, error), session, []);
    }
    return this.reply(body, session, opened);
  }

  private reply(body: string | null, session: RpcSession, opened: string[]): RpcReply | null {
    if (body === null) return null;
    return {
      body,
      sent: () => {
        for (const id of opened) session.subscriptions?.activate(id);
      },
    };
  }

  /** One request object; returns its response text, or null for a notification. */
  private async call(request: unknown, session: RpcSession, opened: string[]): Promise<string | null> {
    if (!isObject(request)) return errorBody(null, INVALID_REQUEST);
    const isNotification = !Object.hasOwn(request, "id");
    if (!isNotification && !isValidId(request.id)) return errorBody(null, INVALID_REQUEST);
    const id = isNotification ? null : (request.id as RpcId);
    const { method, params } = request;
    // A malformed request is answered even without an id: the sender cannot be told apart from a caller.
    if (request.jsonrpc !== "2.0" || typeof method !== "string" || (params !== undefined && typeof params !== "object")) {
      return errorBody(id, INVALID_REQUEST);
    }
    const entry = this.entries.get(method);
    // A subscription nobody can learn the id of would only leak.
    if (isNotification && entry?.kind === "subscribe") return null;

    const labels = { protocol: session.ctx.transport, method: entry ? method : "unknown" };
    this.deps.metrics?.callsStarted.inc(labels);
    const started = performance.now();
    let body: string | null;
    let isError = false;
    try {
      const result = await this.execute(entry, params, session, opened);
      body = isNotification ? null : resultBody(id, result);
      if (!isNotification && body === null) {
        this.deps.logger.warn("RPC result is not JSON-serializable", { method });
        body = errorBody(id, INTERNAL_ERROR);
        isError = true;
      }
    } catch (err) {
      body = errorBody(id, this.toErrorObject(err, method));
      isError = true;
    }
    if (body !== null && Buffer.byteLength(body) > this.opts.maxResponseBytes) {
      body = errorBody(id, tooBig(RpcErrorCode.OversizedResponse, "Response is too big", this.opts.maxResponseBytes));
      isError = true;
    }
    this.deps.metrics?.callsFinished.inc({ ...labels, is_error: String(isError) });
    this.deps.metrics?.callsTime.observe(labels, (performance.now() - started) * 1000);
    return isNotification ? null : body;
  }

  private async execute(entry: Entry | undefined, params: unknown, session: RpcSession, opened: string[]): Promise<unknown> {
    if (!entry) throw METHOD_NOT_FOUND();
    if (entry.unsafe && !this.opts.allowUnsafe) throw UNSAFE_REFUSED();
    if (entry.kind === "method") return entry.def.handler(params, session.ctx);
    const subscriptions = session.subscriptions;
    if (!subscriptions) throw SUBSCRIPTION_OVER_HTTP();
    if (entry.kind === "subscribe") {
      const id = await subscriptions.open(entry.def, params, session.ctx);
      opened.push(id);
      return id;
    }
    const [subscriptionId] = expectArray(params, 1, 1);
    return subscriptions.unsubscribe(entry.def, expectString(subscriptionId, "subscription id"));
  }

  private toErrorObject(err: unknown, method: string): RpcErrorObject {
    const error = toRpcError(err);
    // Hidden from the client, so it must not be hidden from the operator.
    if (!(err instanceof RpcError) && error.code === RpcErrorCode.InternalError) {
      this.deps.logger.warn("RPC call failed", { method }, err);
    }
    return error;
  }

  private claim(name: string): void {
    if (this.entries.has(name)) throw new RpcServerError({ code: "RPC_METHOD_EXISTS", method: name }, `RPC method ${name} is already registered`);
  }
}
