import assert from "node:assert/strict";
import type { Socket } from "node:net";
import { Registry } from "prom-client";
import { createRpcMetrics } from "../../../rpc/server/index.ts";
import type { RpcServer, SubscriptionSink } from "../../../rpc/server/index.ts";
import { post, rpc, startServer, waitFor, WsClient } from "./helpers.ts";
import type { RpcMessage } from "./helpers.ts";

function registerBasics(server: RpcServer): void {
  server.addMethod("system_name", { handler: () => "arkreen-node" });
  server.addMethod("author_rotateKeys", { handler: () => "0x00", unsafe: true });
  server.addSubscription({
    subscribe: "log_subscribe",
    notification: "log_event",
    unsubscribe: "log_unsubscribe",
    unsafe: true,
    start: () => () => {},
  });
}

describe("rpc server limits and policies", function () {
  describe("max connections", () => {
    it("answers 429 to WebSocket and HTTP beyond maxConnections, and frees slots on close", async () => {
      const s = await startServer({ maxConnections: 2 }, registerBasics);
      const open: WsClient[] = [];
      try {
        open.push(await WsClient.connect(s.wsUrl), await WsClient.connect(s.wsUrl));
        await assert.rejects(WsClient.connect(s.wsUrl), /HTTP 429/);
        const res = await fetch(s.url, { method: "POST", body: rpc("system_name"), headers: { "content-type": "application/json" } });
        assert.equal(res.status, 429);
        assert.equal(await res.text(), "Too many connections. Please try again later.");
        // the connections that hold slots keep working
        assert.equal((await open[0].call("system_name")).result, "arkreen-node");

        await open.shift()?.close();
        // the server sees the close a moment after the client does
        let third: WsClient | null = null;
        for (const deadline = Date.now() + 2000; !third && Date.now() < deadline; ) {
          third = await WsClient.connect(s.wsUrl).catch(() => null);
        }
        assert.ok(third, "a slot frees up when a connection closes");
        open.push(third);
        assert.equal((await third.call("system_name")).result, "arkreen-node");
      } finally {
        for (const c of open) await c.close();
        await s.server.close();
      }
    });
  });

  describe("methods policy", () => {
    async function callUnsafe(opts: { host: string; rpcMethods: "auto" | "safe" | "unsafe" }): Promise<RpcMessage> {
      const s = await startServer(opts, registerBasics);
      try {
        const port = new URL(s.url).port;
        return (await post(`http://127.0.0.1:${port}/`, rpc("author_rotateKeys", []))).json as RpcMessage;
      } finally {
        await s.server.close();
      }
    }

    it("auto allows unsafe methods on a loopback listener", async () => {
      assert.equal((await callUnsafe({ host: "127.0.0.1", rpcMethods: "auto" })).result, "0x00");
    });

    it("auto refuses unsafe methods when listening on all interfaces, as Substrate does", async () => {
      assert.deepEqual((await callUnsafe({ host: "0.0.0.0", rpcMethods: "auto" })).error, {
        code: -32601,
        message: "RPC call is unsafe to be called externally",
      });
    });

    it("safe refuses unsafe methods and subscriptions even on loopback; safe methods still work", async () => {
      assert.equal((await callUnsafe({ host: "127.0.0.1", rpcMethods: "safe" })).error?.code, -32601);
      const s = await startServer({ rpcMethods: "safe" }, registerBasics);
      const client = await WsClient.connect(s.wsUrl);
      try {
        assert.equal((await client.call("log_subscribe", [])).error?.message, "RPC call is unsafe to be called externally");
        assert.equal((await client.call("system_name", [])).result, "arkreen-node");
      } finally {
        await client.close();
        await s.server.close();
      }
    });

    it("unsafe allows unsafe methods on any listener", async () => {
      assert.equal((await callUnsafe({ host: "0.0.0.0", rpcMethods: "unsafe" })).result, "0x00");
    });
  });

  describe("CORS", () => {
    it("with the default policy allows local and polkadot.js origins and refuses others with 403", async () => {
      const s = await startServer({}, registerBasics);
      try {
        for (const origin of ["http://localhost:3000", "http://127.0.0.1:8080", "https://localhost", "https://polkadot.js.org"]) {
          const res = await post(s.url, rpc("system_name"), { origin });
          assert.equal(res.status, 200, origin);
          assert.equal(res.headers.get("access-control-allow-origin"), origin);
        }
        for (const origin of ["https://evil.example", "http://localhost.evil.example", "https://polkadot.js.org.evil", "null"]) {
          assert.equal((await post(s.url, rpc("system_name"), { origin })).status, 403, origin);
        }
        // no Origin header: not a browser, CORS does not apply
        assert.equal((await post(s.url, rpc("system_name"))).status, 200);

        await assert.rejects(WsClient.connect(s.wsUrl, { origin: "https://evil.example" }), /HTTP 403/);
        const allowed = await WsClient.connect(s.wsUrl, { origin: "http://localhost:3000" });
        assert.equal((await allowed.call("system_name")).result, "arkreen-node");
        await allowed.close();
      } finally {
        await s.server.close();
      }
    });

    it("answers preflight requests from allowed origins", async () => {
      const s = await startServer({}, registerBasics);
      try {
        const res = await fetch(s.url, {
          method: "OPTIONS",
          headers: { origin: "http://localhost:3000", "access-control-request-method": "POST", "access-control-request-headers": "content-type" },
        });
        assert.equal(res.status, 204);
        assert.equal(res.headers.get("access-control-allow-origin"), "http://localhost:3000");
        assert.match(res.headers.get("access-control-allow-methods") ?? "", /POST/);
        assert.equal(res.headers.get("access-control-allow-headers"), "content-type");
        const refused = await fetch(s.url, { method: "OPTIONS", headers: { origin: "https://evil.example" } });
        assert.equal(refused.status, 403);
      } finally {
        await s.server.close();
      }
    });

    it("all allows any origin; none refuses every origin", async () => {
      const all = await startServer({ cors: "all" }, registerBasics);
      const none = await startServer({ cors: [] }, registerBasics);
      try {
        const res = await post(all.url, rpc("system_name"), { origin: "https://anything.example" });
        assert.equal(res.status, 200);
        assert.equal(res.headers.get("access-control-allow-origin"), "*");
        assert.equal((await post(none.url, rpc("system_name"), { origin: "http://localhost:3000" })).status, 403);
        assert.equal((await post(none.url, rpc("system_name"))).status, 200);
      } finally {
        await all.server.close();
        await none.server.close();
      }
    });
  });

  describe("backpressure", () => {
    it("pauses reading a WebSocket at maxInflightMessagesPerConnection", async () => {
      let calls = 0;
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      const s = await startServer({ maxInflightMessagesPerConnection: 2 }, (server) => {
        server.addMethod("test_wait", {
          handler: async () => {
            calls++;
            await gate;
            return calls;
          },
        });
      });
      const client = await WsClient.connect(s.wsUrl);
      try {
        client.send(rpc("test_wait", [], 1));
        await waitFor(() => calls === 1);
        client.send(rpc("test_wait", [], 2));
        await waitFor(() => calls === 2);
        client.send(rpc("test_wait", [], 3));
        await new Promise((r) => setTimeout(r, 100));
        assert.equal(calls, 2, "the third message waits while two are in flight");
        release();
        const ids = [(await client.next()).id, (await client.next()).id, (await client.next()).id];
        assert.deepEqual(ids.sort(), [1, 2, 3]);
      } finally {
        await client.close();
        await s.server.close();
      }
    });

    it("drops a WebSocket client that stops reading once maxBufferedBytesPerConnection is queued", async () => {
      const sinks = new Set<SubscriptionSink>();
      let teardowns = 0;
      const s = await startServer({ maxBufferedBytesPerConnection: 64 * 1024 }, (server) => {
        server.addSubscription({
          subscribe: "flood_subscribe",
          notification: "flood_event",
          unsubscribe: "flood_unsubscribe",
          start: (_p, sink) => {
            sinks.add(sink);
            return () => {
              sinks.delete(sink);
              teardowns++;
            };
          },
        });
      });
      const client = await WsClient.connect(s.wsUrl);
      try {
        await client.call("flood_subscribe", []);
        (client.socket as unknown as { _socket: Socket })._socket.pause();
        const chunk = "f".repeat(16 * 1024);
        // Far more than loopback socket buffers hold, so the server's own queue must grow.
        for (let i = 0; i < 4000 && teardowns === 0; i++) {
          for (const sink of sinks) sink.notify(chunk);
          if (i % 100 === 0) await new Promise((r) => setImmediate(r));
        }
        await waitFor(() => teardowns === 1);
      } finally {
        // the paused client never reads the server's close; cut it locally
        client.socket.terminate();
        await s.server.close();
      }
    });
  });

  describe("close()", () => {
    it("ends in-flight HTTP requests and resolves", async () => {
      const s = await startServer({}, (server) => {
        server.addMethod("test_hang", { handler: () => new Promise(() => {}) });
      });
      const pending = post(s.url, rpc("test_hang", []));
      await new Promise((r) => setTimeout(r, 50));
      const started = Date.now();
      await s.server.close();
      assert.ok(Date.now() - started < 1500);
      await assert.rejects(pending);
    });

    it("refuses to listen twice and is idempotent", async () => {
      const s = await startServer({}, registerBasics);
      await assert.rejects(s.server.listen(), (err: Error & { code?: string }) => err.code === "RPC_SERVER_STATE");
      await s.server.close();
      await s.server.close();
    });
  });

  describe("metrics", () => {
    it("counts calls by protocol and method, sessions, and rejections under Substrate's names", async () => {
      const registry = new Registry();
      const s = await startServer({ maxBatchLength: 2 }, registerBasics, createRpcMetrics(registry));
      try {
        await post(s.url, rpc("system_name", []));
        await post(s.url, rpc("system_name", []));
        await post(s.url, rpc("no_such_method", []));
        await post(s.url, JSON.stringify([1, 2, 3]));
        const client = await WsClient.connect(s.wsUrl);
        await client.call("system_name", []);
        await client.close();

        const value = async (name: string, labels: Record<string, string> = {}): Promise<number> => {
          // histograms list their _count/_sum/_bucket samples under the base name, with metricName set
          const samples = (await registry.getMetricsAsJSON()).flatMap((m) =>
            m.values.map((v) => ({ ...v, name: (v as { metricName?: string }).metricName ?? m.name })),
          );
          const sample = samples.find((v) => v.name === name && Object.entries(labels).every(([k, l]) => String(v.labels[k]) === l));
          return sample?.value ?? 0;
        };
        assert.equal(await value("substrate_rpc_calls_started", { protocol: "http", method: "system_name" }), 2);
        assert.equal(await value("substrate_rpc_calls_finished", { protocol: "http", method: "system_name", is_error: "false" }), 2);
        assert.equal(await value("substrate_rpc_calls_finished", { protocol: "http", method: "unknown", is_error: "true" }), 1);
        assert.equal(await value("substrate_rpc_calls_started", { protocol: "ws", method: "system_name" }), 1);
        assert.equal(await value("substrate_rpc_calls_time_count", { protocol: "http", method: "system_name" }), 2);
        assert.equal(await value("arkreen_rpc_rejected_total", { reason: "batch_too_large" }), 1);
        assert.equal(await value("substrate_rpc_sessions_opened"), 1);
        for (const deadline = Date.now() + 2000; (await value("substrate_rpc_sessions_closed")) === 0 && Date.now() < deadline; ) {
          await new Promise((r) => setTimeout(r, 5));
        }
        assert.equal(await value("substrate_rpc_sessions_closed"), 1);
        assert.equal(await value("arkreen_rpc_sessions_open"), 0);
      } finally {
        await s.server.close();
      }
    });
  });
});
