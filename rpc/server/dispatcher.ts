/**
 * JSON-RPC 2.0 processing, shared by HTTP and WebSocket: bytes of one message in, the text of
 * its response out (or nothing, for notifications). Knows the registered methods and
 * subscriptions, the methods policy and the message-level limits; knows nothing of sockets.
 */
import { performance } from "node:perf_hooks";
import type { Logger } from "../../primitives/logger.ts";
import { RpcError, RpcErrorCode, toRpcError } from "../errors.ts";
import type { RpcErrorObject } from "../errors.ts";
import { jsonShapeProblem } from "./jsonDepth.ts";
import type { CallMetrics, RpcMetrics } from "./metrics.ts";
import { expectArray, expectString } from "./params.ts";
import type { CallRateLimiter } from "./rateLimit.ts";
import type { FairScheduler } from "./scheduler.ts";
import { RpcServerError } from "./serverError.ts";
import type { ConnectionSubscriptions } from "./subscriptions.ts";
import type { RpcCallContext, RpcMethodDef, RpcSubscriptionDef } from "./types.ts";

/** One client connection as the dispatcher sees it. */
export interface RpcSession {
  ctx: RpcCallContext;
  /** The connection the message came on (the socket): whose share of the event loop it uses. */
  connection: object;
  /** WebSocket connections host subscriptions; HTTP requests have none. */
  subscriptions: ConnectionSubscriptions | null;
  /** The connection's call budget (`--rpc-rate-limit`); null when unlimited or whitelisted. */
  rateLimit: CallRateLimiter | null;
}

export interface RpcReply {
  /** JSON text, or a batch's answer as consecutive pieces of one JSON text (see `batchBody`). */
  body: string | readonly string[];
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
  scheduler: FairScheduler;
}

type Entry =
  | { kind: "method"; unsafe: boolean; def: RpcMethodDef }
  | { kind: "subscribe" | "unsubscribe"; unsafe: boolean; def: RpcSubscriptionDef };

type RpcId = string | number | null;
/** A call's response text (null for a notification), or its promise when the handler is asynchronous. */
type Answer = string | null | Promise<string | null>;

interface CallInFlight {
  id: RpcId;
  isNotification: boolean;
  method: string;
  metrics: CallMetrics | undefined;
  started: number;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === "object" && value !== null && typeof (value as { then?: unknown }).then === "function";
}

const PARSE_ERROR: RpcErrorObject = { code: RpcErrorCode.ParseError, message: "Parse error" };
const INVALID_REQUEST: RpcErrorObject = { code: RpcErrorCode.InvalidRequest, message: "Invalid request" };
const INTERNAL_ERROR: RpcErrorObject = { code: RpcErrorCode.InternalError, message: "Internal error" };
// Substrate's answer to a call over the rate limit, code and message alike.
const RATE_LIMITED: RpcErrorObject = { code: RpcErrorCode.RateLimited, message: "RPC rate limit exceeded" };
/** `errorBody(id, RATE_LIMITED)` after the id, built once: a batch flood is refused a million calls a minute. */
const RATE_LIMITED_TAIL = errorBody(null, RATE_LIMITED).slice(`{"jsonrpc":"2.0","id":null`.length);
const METHOD_NOT_FOUND = (): RpcError => new RpcError(RpcErrorCode.MethodNotFound, "Method not found");
// Substrate's refusal of an unsafe method, code and message alike, so clients recognise it.
const UNSAFE_REFUSED = (): RpcError => new RpcError(RpcErrorCode.MethodNotFound, "RPC call is unsafe to be called externally");
const SUBSCRIPTION_OVER_HTTP = (): RpcError =>
  new RpcError(RpcErrorCode.MethodNotFound, "Method not found", "subscriptions are only available over WebSocket");

const utf8Decoder = new TextDecoder("utf-8", { fatal: true });

/**
 * Scheduler units (see scheduler.ts; one unit is about one cheap call, 2–5 µs): parsing costs one
 * per KiB (JSON.parse runs at roughly 200 MB/s), and a batch runs in chunks of 32 calls, about
 * 0.1 ms each, so a flood of maximum-length batches hands the event loop back every 0.1 ms
 * instead of holding it for a whole batch (~4 ms for 1,024 calls, and one batch per connection).
 */
const PARSE_BYTES_PER_UNIT = 1024;
const BATCH_CHUNK = 32;
/**
 * Messages over 16 KiB (batches of a few hundred calls and more; single calls are a few hundred
 * bytes) are bulk work: a few at a time (FairScheduler.bulk), each waiting as raw bytes, which the
 * garbage collector never scans, rather than as thousands of parsed objects.
 */
const BULK_BYTES = 16 * 1024;
/**
 * Array elements and object members one message may hold, nested ones included, counted before
 * parsing (jsonDepth.ts). The largest real messages hold a few thousand: 1,000 readings as JSON
 * objects (~7,000), a 1,024-call batch (~6,000 with its params), 1,000 storage keys. 100,000
 * parse in ~5 ms. Without it, a 6 MB body of 3,000,000 numbers (`chain_getBlockHash` with a list)
 * was parsed (120–250 ms) before any method saw it, and refused only after 13 s of lookups.
 */
const MAX_JSON_VALUES = 100_000;

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

/**
 * Characters per piece of a batch's answer: below V8's large-object threshold (128 KiB). Joined
 * into one string, a maximum-length batch of headers (~600 KB) is allocated in the large-object
 * space, old generation from birth, which only a full mark-compact (a pause of 6–14 ms for every
 * client, measured under the batch flood) frees. Pieces of 32 K characters are young-generation
 * garbage that cheap scavenges collect; the transports write them one after the other (HTTP: one
 * body; WebSocket: fragments of one message).
 */
const BATCH_PIECE_CHARS = 32 * 1024;

/** `[part,part,…]` as pieces of at most about `BATCH_PIECE_CHARS` characters (a larger single answer is one piece). */
function batchBody(parts: readonly string[]): string[] {
  const pieces: string[] = [];
  let piece = "[";
  parts.forEach((part, i) => {
    const next = i === 0 ? part : "," + part;
    if (piece.length > 0 && piece.length + next.length > BATCH_PIECE_CHARS) {
      pieces.push(piece);
      piece = "";
    }
    piece += next;
  });
  pieces.push(piece + "]");
  return pieces;
}

/** UTF-8 length of a reply body. */
export function bodyBytes(body: string | readonly string[]): number {
  if (typeof body === "string") return Buffer.byteLength(body);
  let bytes = 0;
  for (const piece of body) bytes += Buffer.byteLength(piece);
  return bytes;
}

function tooBig(code: number, message: string, limit: number): RpcErrorObject {
  return { code, message, data: `Exceeded max limit of ${limit}` };
}

export class RpcDispatcher {
  private readonly opts: RpcDispatcherOpts;
  private readonly deps: RpcDispatcherDeps;
  private readonly entries = new Map<string, Entry>();
  /** Calls refused by the rate limit since the metric was last updated (once per message, not per call). */
  private rateLimited = 0;

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
    try {
      return await (bytes.length > BULK_BYTES ? this.deps.scheduler.bulk((release) => this.process(bytes, session, release)) : this.process(bytes, session));
    } finally {
      if (this.rateLimited > 0) this.deps.metrics?.rejected.inc({ reason: "rate_limited" }, this.rateLimited);
      this.rateLimited = 0;
    }
  }

  /** `releaseBulk`: gives a bulk place back once a single call is dispatched (see FairScheduler.bulk). */
  private async process(bytes: Uint8Array, session: RpcSession, releaseBulk?: () => void): Promise<RpcReply | null> {
    const parsing = this.deps.scheduler.turn(session.connection, 1 + Math.floor(bytes.length / PARSE_BYTES_PER_UNIT));
    if (parsing) await parsing;
    let text: string;
    try {
      text = utf8Decoder.decode(bytes);
    } catch {
      return this.reply(errorBody(null, { ...PARSE_ERROR, data: "request is not valid UTF-8" }), session, []);
    }
    const problem = jsonShapeProblem(text, { maxDepth: this.opts.maxJsonDepth, maxBatchLength: this.opts.maxBatchLength, maxValues: MAX_JSON_VALUES });
    if (problem !== null) return this.reply(errorBody(null, this.refuseShape(problem)), session, []);
    let request: unknown;
    try {
      request = JSON.parse(text);
    } catch {
      return this.reply(errorBody(null, PARSE_ERROR), session, []);
    }

    const opened: string[] = [];
    if (!Array.isArray(request)) {
      const answer = this.call(request, session, opened);
      if (!(answer instanceof Promise)) return this.reply(answer, session, opened);
      releaseBulk?.();
      return this.reply(await answer, session, opened);
    }

    if (request.length === 0) return this.reply(errorBody(null, INVALID_REQUEST), session, []);
    const answers = await this.runBatch(request, session, opened);
    const parts = answers.filter((a): a is string => a !== null);
    if (parts.length === 0) return null;
    const body = batchBody(parts);
    if (bodyBytes(body) > this.opts.maxResponseBytes) {
      // The ids of subscriptions opened by this batch will never reach the client.
      for (const id of opened) session.subscriptions?.cancel(id);
      const error = tooBig(RpcErrorCode.BatchResponseTooLarge, "The batch response was too large", this.opts.maxResponseBytes);
      return this.reply(errorBody(null, error), session, []);
    }
    return this.reply(body, session, opened);
  }

  /** The error for a message refused before parsing (jsonShapeProblem), counted in the metrics. */
  private refuseShape(problem: "depth" | "batch" | "values"): RpcErrorObject {
    switch (problem) {
      case "depth":
        this.deps.metrics?.rejected.inc({ reason: "json_too_deep" });
        return { ...PARSE_ERROR, data: `JSON nested deeper than ${this.opts.maxJsonDepth} levels` };
      case "batch":
        this.deps.metrics?.rejected.inc({ reason: "batch_too_large" });
        return tooBig(RpcErrorCode.BatchTooLarge, "The batch request was too large", this.opts.maxBatchLength);
      case "values":
        this.deps.metrics?.rejected.inc({ reason: "request_too_big" });
        return { code: RpcErrorCode.OversizedRequest, message: "Request is too big", data: `more than ${MAX_JSON_VALUES} JSON values (array elements and object members)` };
    }
  }

  /** The batch's calls, a chunk per scheduler turn. */
  private async runBatch(request: unknown[], session: RpcSession, opened: string[]): Promise<(string | null)[]> {
    const answers: Answer[] = [];
    let pending = false;
    for (let i = 0; i < request.length; i += BATCH_CHUNK) {
      const end = Math.min(i + BATCH_CHUNK, request.length);
      const turn = this.deps.scheduler.turn(session.connection, end - i);
      if (turn) await turn;
      for (let j = i; j < end; j++) {
        const answer = this.call(request[j], session, opened);
        pending ||= answer instanceof Promise;
        answers.push(answer);
      }
    }
    // Synchronous handlers answer synchronously: no promise per call unless a handler returned one.
    return pending ? Promise.all(answers) : (answers as (string | null)[]);
  }

  private reply(body: string | readonly string[] | null, session: RpcSession, opened: string[]): RpcReply | null {
    if (body === null) return null;
    return {
      body,
      sent: () => {
        for (const id of opened) session.subscriptions?.activate(id);
      },
    };
  }

  /**
   * One request object: its response text, or null for a notification. A promise only when the
   * handler returned one: a flood of calls to synchronous methods allocates no promise per call.
   */
  private call(request: unknown, session: RpcSession, opened: string[]): Answer {
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
    if (session.rateLimit && !session.rateLimit.tryTake()) {
      this.rateLimited++;
      return isNotification ? null : `{"jsonrpc":"2.0","id":${JSON.stringify(id)}${RATE_LIMITED_TAIL}`;
    }

    const metrics = this.deps.metrics?.forCall(session.ctx.transport, entry ? method : "unknown");
    metrics?.started.inc();
    const call: CallInFlight = { id, isNotification, method, metrics, started: performance.now() };
    let result: unknown;
    try {
      result = this.execute(entry, params, session, opened);
    } catch (err) {
      return this.answer(call, true, err);
    }
    if (isThenable(result)) {
      return Promise.resolve(result).then(
        (value) => this.answer(call, false, value),
        (err: unknown) => this.answer(call, true, err),
      );
    }
    return this.answer(call, false, result);
  }

  /** The response text of a finished call (`failed`: `outcome` is what it threw), with its metrics. */
  private answer(call: CallInFlight, failed: boolean, outcome: unknown): string | null {
    const { id, isNotification, method, metrics } = call;
    let body: string | null;
    let isError = failed;
    if (failed) {
      body = errorBody(id, this.toErrorObject(outcome, method));
    } else {
      body = isNotification ? null : resultBody(id, outcome);
      if (!isNotification && body === null) {
        this.deps.logger.warn("RPC result is not JSON-serializable", { method });
        body = errorBody(id, INTERNAL_ERROR);
        isError = true;
      }
    }
    if (body !== null && Buffer.byteLength(body) > this.opts.maxResponseBytes) {
      body = errorBody(id, tooBig(RpcErrorCode.OversizedResponse, "Response is too big", this.opts.maxResponseBytes));
      isError = true;
    }
    if (metrics) {
      (isError ? metrics.finishedError : metrics.finishedOk).inc();
      metrics.time.observe((performance.now() - call.started) * 1000);
    }
    return isNotification ? null : body;
  }

  /** Runs the call: its result, or a promise of it when the handler (or subscription start) is asynchronous. */
  private execute(entry: Entry | undefined, params: unknown, session: RpcSession, opened: string[]): unknown {
    if (!entry) throw METHOD_NOT_FOUND();
    if (entry.unsafe && !this.opts.allowUnsafe) throw UNSAFE_REFUSED();
    if (entry.kind === "method") return entry.def.handler(params, session.ctx);
    const subscriptions = session.subscriptions;
    if (!subscriptions) throw SUBSCRIPTION_OVER_HTTP();
    if (entry.kind === "subscribe") {
      return subscriptions.open(entry.def, params, session.ctx).then((id) => {
        opened.push(id);
        return id;
      });
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
