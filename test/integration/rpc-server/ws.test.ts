import assert from "node:assert/strict";
import type { RpcServer, SubscriptionSink } from "../../../rpc/server/index.ts";
import { rpc, startServer, waitFor, WsClient } from "./helpers.ts";
import type { RpcMessage, Started } from "./helpers.ts";

/** A source of events that subscriptions attach to, to watch what the server does with them. */
class Ticker {
  readonly sinks = new Set<SubscriptionSink>();
  teardowns = 0;

  emit(value: unknown): void {
    for (const sink of this.sinks) sink.notify(value);
  }
}

function register(ticker: Ticker, gate: { release: () => void; wait: Promise<void> | null }) {
  return (server: RpcServer): void => {
    server.addMethod("test_add", { handler: (params) => (params as number[])[0] + (params as number[])[1] });
    server.addMethod("test_repeat", { handler: (params) => "x".repeat((params as number[])[0]) });
    server.addSubscription({
      subscribe: "tick_subscribe",
      notification: "tick_event",
      unsubscribe: "tick_unsubscribe",
      start: (params, sink) => {
        // Notifies synchronously, before the subscribe response can have been sent.
        sink.notify({ first: params });
        ticker.sinks.add(sink);
        return () => {
          ticker.sinks.delete(sink);
          ticker.teardowns++;
        };
      },
    });
    server.addSubscription({
      subscribe: "slow_subscribe",
      notification: "slow_event",
      unsubscribe: "slow_unsubscribe",
      start: async (_params, sink) => {
        await gate.wait;
        ticker.sinks.add(sink);
        return () => {
          ticker.sinks.delete(sink);
          ticker.teardowns++;
        };
      },
    });
    server.addSubscription({
      subscribe: "once_subscribe",
      notification: "once_event",
      unsubscribe: "once_unsubscribe",
      start: (_params, sink) => {
        sink.notify("only");
        sink.close();
        return () => ticker.teardowns++;
      },
    });
    server.addSubscription({
      subscribe: "fail_subscribe",
      notification: "fail_event",
      unsubscribe: "fail_unsubscribe",
      start: () => {
        throw new Error("cannot start");
      },
    });
  };
}

describe("rpc server over WebSocket", function () {
  let s: Started;
  let ticker: Ticker;
  const gate: { release: () => void; wait: Promise<void> | null } = { release: () => {}, wait: null };
  let client: WsClient;

  beforeEach(async () => {
    ticker = new Ticker();
    s = await startServer({ maxSubscriptionsPerConnection: 3, maxRequestBytes: 4096 }, register(ticker, gate));
    client = await WsClient.connect(s.wsUrl);
  });
  afterEach(async () => {
    await client.close();
    await s.server.close();
  });

  it("answers single calls and batches", async () => {
    assert.deepEqual(await client.call("test_add", [1, 2]), { jsonrpc: "2.0", id: 1, result: 3 });
    client.send(JSON.stringify([{ jsonrpc: "2.0", id: 7, method: "test_add", params: [2, 2] }, { jsonrpc: "2.0", method: "test_add", params: [0, 0] }, { jsonrpc: "2.0", id: 8, method: "nope" }]));
    const batch = await client.next<RpcMessage[]>();
    assert.equal(batch.length, 2);
    assert.equal(batch.find((m) => m.id === 7)?.result, 4);
    assert.equal(batch.find((m) => m.id === 8)?.error?.code, -32601);
    assert.equal((await client.call("rpc_methods", [])).error, undefined);
  });

  it("answers a batch too large for one piece (>32 K characters) as one message, then the next call", async () => {
    // 60 answers of 2,000 characters and one of 40,000: several pieces, one of them a single long answer.
    const length = (i: number): number => (i === 30 ? 40_000 : 2_000);
    client.send(JSON.stringify(Array.from({ length: 61 }, (_, i) => ({ jsonrpc: "2.0", id: i, method: "test_repeat", params: [length(i)] }))));
    const batch = await client.next<RpcMessage[]>();
    assert.equal(batch.length, 61);
    for (const answer of batch) assert.equal(answer.result, "x".repeat(length(answer.id as number)));
    assert.deepEqual(await client.call("test_add", [1, 2]), { jsonrpc: "2.0", id: 1, result: 3 });
  });

  it("sends no frame for notifications, and parse errors with id null", async () => {
    client.send(JSON.stringify({ jsonrpc: "2.0", method: "test_add", params: [1, 1] }));
    client.send("{not json");
    assert.deepEqual(await client.next(), { jsonrpc: "2.0", id: null, error: { code: -32700, message: "Parse error" } });
    assert.equal(client.pending(), 0);
  });

  it("sends the subscribe response before the first notification, then notifications in order", async () => {
    const res = await client.call("tick_subscribe", ["p"]);
    assert.equal(typeof res.result, "string");
    const id = res.result as string;
    assert.deepEqual(await client.next(), { jsonrpc: "2.0", method: "tick_event", params: { subscription: id, result: { first: ["p"] } } });
    ticker.emit(1);
    ticker.emit(2);
    assert.deepEqual((await client.next()).params, { subscription: id, result: 1 });
    assert.deepEqual((await client.next()).params, { subscription: id, result: 2 });
  });

  it("gives each subscription its own id and routes notifications by it", async () => {
    const a = (await client.call("tick_subscribe", [])).result as string;
    await client.next();
    const b = (await client.call("tick_subscribe", [])).result as string;
    await client.next();
    assert.notEqual(a, b);
    ticker.emit("x");
    const got = [await client.next(), await client.next()].map((m) => m.params?.subscription).sort();
    assert.deepEqual(got, [a, b].sort());
  });

  it("unsubscribe returns true, stops notifications and runs the teardown; unknown ids return false", async () => {
    const id = (await client.call("tick_subscribe", [])).result as string;
    await client.next();
    assert.equal((await client.call("tick_unsubscribe", [id])).result, true);
    assert.equal(ticker.teardowns, 1);
    assert.equal(ticker.sinks.size, 0);
    ticker.emit("after");
    assert.equal((await client.call("tick_unsubscribe", [id])).result, false);
    assert.equal((await client.call("tick_unsubscribe", ["nope"])).result, false);
    assert.equal(client.pending(), 0, "no notification after unsubscribe");
    assert.equal((await client.call("tick_unsubscribe", [])).error?.code, -32602);
  });

  it("unsubscribe through another subscription's method returns false", async () => {
    const id = (await client.call("tick_subscribe", [])).result as string;
    await client.next();
    assert.equal((await client.call("once_unsubscribe", [id])).result, false);
    assert.equal(ticker.sinks.size, 1);
  });

  it("runs teardowns when the connection closes", async () => {
    for (let i = 0; i < 2; i++) {
      await client.call("tick_subscribe", []);
      await client.next(); // the first notification
    }
    assert.equal(ticker.sinks.size, 2);
    await client.close();
    await waitFor(() => ticker.teardowns === 2);
    assert.equal(ticker.sinks.size, 0);
  });

  it("runs the teardown of a subscription whose start finishes after the connection closed", async () => {
    let release!: () => void;
    gate.wait = new Promise<void>((r) => (release = r));
    client.send(rpc("slow_subscribe", []));
    await new Promise((r) => setTimeout(r, 20));
    await client.close();
    release();
    await waitFor(() => ticker.teardowns === 1);
    assert.equal(ticker.sinks.size, 0);
    gate.wait = null;
  });

  it("sink.close() ends the subscription after its notifications and runs the teardown", async () => {
    const id = (await client.call("once_subscribe", [])).result as string;
    assert.deepEqual((await client.next()).params, { subscription: id, result: "only" });
    assert.equal(ticker.teardowns, 1);
    assert.equal((await client.call("once_unsubscribe", [id])).result, false);
  });

  it("a start that throws answers the subscribe call with -32603 and opens nothing", async () => {
    assert.deepEqual((await client.call("fail_subscribe", [])).error, { code: -32603, message: "Internal error" });
  });

  it("refuses subscriptions beyond maxSubscriptionsPerConnection with -32006", async () => {
    for (let i = 0; i < 3; i++) {
      assert.equal(typeof (await client.call("tick_subscribe", [])).result, "string");
      await client.next();
    }
    assert.deepEqual((await client.call("tick_subscribe", [])).error, {
      code: -32006,
      message: "Too many subscriptions on the connection",
      data: "Exceeded max limit of 3",
    });
    // the limit is per connection
    const other = await WsClient.connect(s.wsUrl);
    try {
      assert.equal(typeof (await other.call("tick_subscribe", [])).result, "string");
    } finally {
      await other.close();
    }
  });

  it("activates subscriptions opened in a batch only after the batch response", async () => {
    client.send(JSON.stringify([{ jsonrpc: "2.0", id: 1, method: "tick_subscribe", params: ["b"] }, { jsonrpc: "2.0", id: 2, method: "test_add", params: [1, 1] }]));
    const batch = await client.next<RpcMessage[]>();
    const id = batch.find((m) => m.id === 1)?.result;
    assert.equal(typeof id, "string");
    assert.deepEqual((await client.next()).params, { subscription: id, result: { first: ["b"] } });
  });

  it("does not open a subscription for a subscribe notification (no id to answer with)", async () => {
    client.send(JSON.stringify({ jsonrpc: "2.0", method: "tick_subscribe", params: [] }));
    assert.equal((await client.call("test_add", [1, 1])).result, 2);
    assert.equal(ticker.sinks.size, 0);
  });

  it("accepts binary frames holding UTF-8 JSON and answers invalid UTF-8 with -32700", async () => {
    client.send(Buffer.from(rpc("test_add", [5, 5])), true);
    assert.equal((await client.next()).result, 10);
    client.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), true);
    assert.equal((await client.next()).error?.code, -32700);
    assert.equal((await client.call("test_add", [1, 1])).result, 2);
  });

  it("rejects deep nesting as a parse error and keeps the connection", async () => {
    const deep = "[".repeat(2000) + "]".repeat(2000);
    client.send(deep);
    assert.equal((await client.next()).error?.code, -32700);
    assert.equal((await client.call("test_add", [2, 2])).result, 4);
  });

  it("closes the connection with 1009 on a message over maxRequestBytes, and keeps serving others", async () => {
    const closed = new Promise<number>((resolve) => client.socket.once("close", (code) => resolve(code)));
    client.send(rpc("test_add", ["x".repeat(5000), 1]));
    assert.equal(await closed, 1009);
    const other = await WsClient.connect(s.wsUrl);
    try {
      assert.equal((await other.call("test_add", [1, 2])).result, 3);
    } finally {
      await other.close();
    }
  });

  it("close() sends 1001 to clients and tears their subscriptions down", async () => {
    await client.call("tick_subscribe", []);
    const closed = new Promise<number>((resolve) => client.socket.once("close", (code) => resolve(code)));
    await s.server.close();
    assert.equal(await closed, 1001);
    assert.equal(ticker.teardowns, 1);
  });
});
