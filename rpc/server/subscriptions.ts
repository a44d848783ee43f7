/**
 * The subscriptions of one WebSocket connection.
 *
 * Life of a subscription: `open` calls the definition's `start` (state "starting"), after
 * which the id is "pending" until the dispatcher has handed the subscribe response to the
 * socket and calls `activate`; only then are notifications sent, those made meanwhile first,
 * in order. If the response never goes out (the batch it was in was too big), `cancel`
 * ends it. Unsubscribe, `sink.close()` and connection close all end in `end`, which runs
 * the teardown exactly once, even when `start` has not returned yet.
 */
import { randomBytes } from "node:crypto";
import type { Logger } from "../../primitives/logger.ts";
import { RpcError, RpcErrorCode } from "../errors.ts";
import type { RpcErrorObject } from "../errors.ts";
import type { RpcMetrics } from "./metrics.ts";
import type { RpcCallContext, RpcSubscriptionDef, SubscriptionSink } from "./types.ts";

interface Subscription {
  readonly id: string;
  readonly def: RpcSubscriptionDef;
  phase: "starting" | "pending" | "active" | "closed";
  /** Notifications made before the subscribe response went out. */
  held: unknown[];
  teardown: (() => void) | null;
  /** `sink.close()` was called before activation: end right after flushing `held`. */
  closeRequested: boolean;
}

export interface ConnectionSubscriptionsOpts {
  maxSubscriptions: number;
  maxNotificationBytes: number;
}

export interface ConnectionSubscriptionsDeps {
  /** Hands a text frame to the socket (in order). */
  send: (text: string) => void;
  logger: Logger;
  metrics: RpcMetrics | null;
}

export class ConnectionSubscriptions {
  private readonly opts: ConnectionSubscriptionsOpts;
  private readonly deps: ConnectionSubscriptionsDeps;
  private readonly subs = new Map<string, Subscription>();
  private connectionClosed = false;

  constructor(opts: ConnectionSubscriptionsOpts, deps: ConnectionSubscriptionsDeps) {
    this.opts = opts;
    this.deps = deps;
  }

  get size(): number {
    return this.subs.size;
  }

  /** Starts a subscription and returns its id, to be passed to `activate` once the response with it is sent. */
  async open(def: RpcSubscriptionDef, params: unknown, ctx: RpcCallContext): Promise<string> {
    // A message still being processed after its connection closed: its answer goes nowhere.
    if (this.connectionClosed) throw new RpcError(RpcErrorCode.InternalError, "Internal error");
    if (this.subs.size >= this.opts.maxSubscriptions) {
      this.deps.metrics?.rejected.inc({ reason: "too_many_subscriptions" });
      throw new RpcError(RpcErrorCode.TooManySubscriptions, "Too many subscriptions on the connection", `Exceeded max limit of ${this.opts.maxSubscriptions}`);
    }
    const sub: Subscription = { id: this.newId(), def, phase: "starting", held: [], teardown: null, closeRequested: false };
    this.subs.set(sub.id, sub);
    const sink: SubscriptionSink = {
      notify: (result) => this.notify(sub, result),
      close: () => {
        if (sub.phase === "active") this.end(sub);
        else sub.closeRequested = true;
      },
    };
    let teardown: () => void;
    try {
      teardown = await def.start(params, sink, ctx);
    } catch (err) {
      this.subs.delete(sub.id);
      sub.phase = "closed";
      throw err;
    }
    sub.teardown = teardown;
    // The connection closed while `start` ran: nobody will ever activate or unsubscribe.
    if (sub.phase === "closed") this.runTeardown(sub);
    else sub.phase = "pending";
    return sub.id;
  }

  /** The subscribe response carrying `id` has been handed to the socket: release held notifications. */
  activate(id: string): void {
    const sub = this.subs.get(id);
    if (!sub || sub.phase !== "pending") return;
    sub.phase = "active";
    const held = sub.held;
    sub.held = [];
    for (const result of held) {
      if (sub.phase !== "active") break;
      this.sendNotification(sub, result);
    }
    if (sub.closeRequested) this.end(sub);
  }

  /** The subscribe response carrying `id` will never reach the client. */
  cancel(id: string): void {
    const sub = this.subs.get(id);
    if (sub) this.end(sub);
  }

  /** Ends the subscription `id` if it was opened through `def`; false when there is no such subscription. */
  unsubscribe(def: RpcSubscriptionDef, id: string): boolean {
    const sub = this.subs.get(id);
    if (!sub || sub.def !== def) return false;
    this.end(sub);
    return true;
  }

  /** The connection is gone: end every subscription, including those still starting. */
  closeAll(): void {
    this.connectionClosed = true;
    for (const sub of [...this.subs.values()]) this.end(sub);
  }

  private newId(): string {
    // Substrate's ids are random strings too (16 alphanumerics); randomness keeps a client
    // from guessing another's ids, and ids are only looked up within this connection anyway.
    for (;;) {
      const id = randomBytes(8).toString("hex");
      if (!this.subs.has(id)) return id;
    }
  }

  private notify(sub: Subscription, result: unknown): void {
    if (sub.phase === "closed" || this.connectionClosed) return;
    if (sub.phase === "active") this.sendNotification(sub, result);
    else sub.held.push(result);
  }

  private sendNotification(sub: Subscription, result: unknown): void {
    let body: string | undefined;
    let failure: RpcErrorObject | null = null;
    try {
      const json = JSON.stringify(result === undefined ? null : result);
      if (json === undefined) throw new TypeError(`notification result of type ${typeof result} is not JSON`);
      body = `{"jsonrpc":"2.0","method":${JSON.stringify(sub.def.notification)},"params":{"subscription":"${sub.id}","result":${json}}}`;
      if (Buffer.byteLength(body) > this.opts.maxNotificationBytes) {
        body = undefined;
        failure = { code: RpcErrorCode.OversizedResponse, message: "Response is too big", data: `Exceeded max limit of ${this.opts.maxNotificationBytes}` };
        this.deps.logger.warn("Subscription notification over the response size limit", { notification: sub.def.notification });
      }
    } catch (err) {
      failure = { code: RpcErrorCode.InternalError, message: "Internal error" };
      this.deps.logger.warn("Subscription notification could not be serialized", { notification: sub.def.notification }, err);
    }
    if (body !== undefined) {
      this.deps.send(body);
      return;
    }
    // The client cannot be told what it missed, so it is told that the subscription ended,
    // in the `params.error` shape Substrate clients (polkadot.js) surface as an error.
    this.deps.send(
      `{"jsonrpc":"2.0","method":${JSON.stringify(sub.def.notification)},"params":{"subscription":"${sub.id}","error":${JSON.stringify(failure)}}}`,
    );
    this.end(sub);
  }

  private end(sub: Subscription): void {
    if (sub.phase === "closed") return;
    sub.phase = "closed";
    sub.held = [];
    this.subs.delete(sub.id);
    this.runTeardown(sub);
  }

  private runTeardown(sub: Subscription): void {
    const teardown = sub.teardown;
    sub.teardown = null;
    if (!teardown) return;
    try {
      teardown();
    } catch (err) {
      this.deps.logger.warn("Subscription teardown failed", { subscription: sub.def.subscribe }, err);
    }
  }
}
