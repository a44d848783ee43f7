/** The server against a plain Substrate client: @polkadot/rpc-provider's WsProvider and HttpProvider. */
import assert from "node:assert/strict";
import { HttpProvider, WsProvider } from "@polkadot/rpc-provider";
import { expectArray, expectNumber } from "../../../rpc/server/index.ts";
import type { SubscriptionSink } from "../../../rpc/server/index.ts";
import { startServer, waitFor } from "./helpers.ts";
import type { Started } from "./helpers.ts";

describe("rpc server with @polkadot/rpc-provider", function () {
  let s: Started;
  const sinks = new Set<SubscriptionSink>();
  let teardowns = 0;

  before(async () => {
    s = await startServer({}, (server) => {
      server.addMethod("system_name", { handler: () => "arkreen-node" });
      server.addMethod("test_double", { handler: (params) => 2 * expectNumber(expectArray(params, 1)[0], "n") });
      server.addSubscription({
        subscribe: "chain_subscribeNewHeads",
        notification: "chain_newHead",
        unsubscribe: "chain_unsubscribeNewHeads",
        start: (_params, sink) => {
          sink.notify({ number: "0x0" }); // the current head, synchronously, as a node does
          sinks.add(sink);
          return () => {
            sinks.delete(sink);
            teardowns++;
          };
        },
      });
      server.addSubscription({
        subscribe: "test_subscribeBroken",
        notification: "test_broken",
        unsubscribe: "test_unsubscribeBroken",
        start: (_params, sink) => {
          sink.notify({ balance: 1n }); // not JSON: ends the subscription with an error
          return () => {};
        },
      });
    });
  });
  after(() => s.server.close());

  it("WsProvider: calls, errors, and subscriptions from the first notification to unsubscribe", async () => {
    const ws = new WsProvider(s.wsUrl, false);
    await ws.connect();
    await ws.isReady;
    try {
      assert.equal(await ws.send("system_name", []), "arkreen-node");
      await assert.rejects(ws.send("test_double", ["x"]), /-32602: Invalid params: n: expected a number, got string/);
      await assert.rejects(ws.send("nope_nothing", []), /-32601: Method not found/);

      const heads: string[] = [];
      const id = await ws.subscribe("chain_newHead", "chain_subscribeNewHeads", [], (err: Error | null, head: { number: string }) => {
        if (!err) heads.push(head.number);
      });
      await waitFor(() => heads.length === 1);
      for (const sink of sinks) sink.notify({ number: "0x1" });
      await waitFor(() => heads.length === 2);
      assert.deepEqual(heads, ["0x0", "0x1"]);
      assert.equal(await ws.unsubscribe("chain_newHead", "chain_unsubscribeNewHeads", id), true);
      assert.equal(teardowns, 1);

      let failure: Error | null = null;
      await ws.subscribe("test_broken", "test_subscribeBroken", [], (err: Error | null) => {
        failure = err;
      });
      await waitFor(() => failure !== null);
      assert.match(String(failure), /-32603: Internal error/);
    } finally {
      await ws.disconnect();
    }
  });

  it("HttpProvider: calls and errors", async () => {
    const http = new HttpProvider(s.url);
    assert.equal(await http.send("test_double", [21]), 42);
    await assert.rejects(http.send("test_double", []), /-32602: Invalid params: expected 1 parameter, got 0/);
  });
});
