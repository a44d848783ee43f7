import assert from "node:assert/strict";
import { Agent, request } from "node:http";
import { Registry } from "prom-client";
import { createRpcMetrics } from "../../../rpc/server/index.ts";
import { CallRateLimiter } from "../../../rpc/server/rateLimit.ts";
import { WsRpcClient } from "../../../cli/rpcClient.ts";
import type { RpcServer } from "../../../rpc/server/index.ts";
import { rpc, startServer, WsClient } from "./helpers.ts";
import type { RpcMessage, Started } from "./helpers.ts";

const RATE_LIMITED = { code: -32999, message: "RPC rate limit exceeded" };

function batch(n: number, method = "test_count"): string {
  return JSON.stringify(Array.from({ length: n }, (_, i) => ({ jsonrpc: "2.0", id: i, method, params: [] })));
}

/** POST over `agent` (one keep-alive socket per agent, so each agent is one connection). */
function postOn(agent: Agent, url: string, body: string, headers: Record<string, string> = {}): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: "POST", agent, headers: { "content-type": "application/json", ...headers } }, (res) => {
      let text = "";
      res.setEncoding("utf8").on("data", (chunk: string) => (text += chunk));
      res.on("end", () => resolve(JSON.parse(text)));
    });
    req.on("error", reject);
    req.end(body);
  });
}

function refused(answers: RpcMessage[]): number {
  return answers.filter((a) => a.error?.code === -32999).length;
}

describe("rpc server rate limit", function () {
  let s: Started;
  let runs = 0;
  const agents: Agent[] = [];
  const newAgent = (): Agent => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    agents.push(agent);
    return agent;
  };
  const register = (server: RpcServer): void => {
    server.addMethod("test_count", { handler: () => ++runs });
  };

  afterEach(async () => {
    for (const agent of agents.splice(0)) agent.destroy();
    await s.server.close();
    runs = 0;
  });

  it("counts each call of a batch on an HTTP keep-alive connection and refuses the excess with -32999 without running it", async () => {
    const registry = new Registry();
    s = await startServer({ rateLimitPerMinute: 5 }, register, createRpcMetrics(registry));
    const agent = newAgent();
    const first = (await postOn(agent, s.url, batch(3))) as RpcMessage[];
    assert.equal(refused(first), 0);
    const second = (await postOn(agent, s.url, batch(4))) as RpcMessage[];
    assert.equal(refused(second), 2, "5 calls a minute: the 6th and 7th calls are refused");
    assert.deepEqual(second.find((a) => a.error)?.error, RATE_LIMITED);
    assert.equal(runs, 5, "refused calls never reach the handler");
    const rejected = (await registry.getSingleMetric("arkreen_rpc_rejected_total")?.get())?.values.find((v) => v.labels.reason === "rate_limited");
    assert.equal(rejected?.value, 2, "each refused call is counted");

    // another connection has its own budget
    const other = (await postOn(newAgent(), s.url, batch(5))) as RpcMessage[];
    assert.equal(refused(other), 0);
    assert.equal(runs, 10);
  });

  it("limits WebSocket connections call by call and leaves other connections alone", async () => {
    s = await startServer({ rateLimitPerMinute: 3 }, register);
    const flooder = await WsClient.connect(s.wsUrl);
    const polite = await WsClient.connect(s.wsUrl);
    try {
      for (let i = 0; i < 3; i++) assert.equal(typeof (await flooder.call("test_count")).result, "number");
      // a notification over the limit is not run either; the call after it is answered once it has been handled
      flooder.send(JSON.stringify({ jsonrpc: "2.0", method: "test_count", params: [] }));
      assert.deepEqual((await flooder.call("test_count")).error, RATE_LIMITED);
      assert.equal(runs, 3);
      assert.equal((await polite.call("test_count")).result, 4);
    } finally {
      // the flooder's socket is not read during its backoff, so a closing handshake would wait it out
      flooder.socket.terminate();
      await polite.close();
    }
  });

  it("stops reading a connection whose calls were refused for as long as they take to refill", async () => {
    // 600 a minute: 10 a second, and a new connection starts with 100 calls; so 8 refused calls
    // earn an 800 ms backoff, spread to between 800 and 1,200 ms
    s = await startServer({ rateLimitPerMinute: 600 }, register);
    const flooder = await WsClient.connect(s.wsUrl);
    const polite = await WsClient.connect(s.wsUrl);
    try {
      flooder.send(batch(108));
      assert.equal(refused(await flooder.next<RpcMessage[]>()), 8);
      const sent = performance.now();
      const late = flooder.call("test_count");
      assert.equal(typeof (await polite.call("test_count")).result, "number", "other connections are read meanwhile");
      await late;
      assert.ok(performance.now() - sent >= 750, `the next message waited ${(performance.now() - sent).toFixed(0)} ms`);
    } finally {
      await flooder.close();
      await polite.close();
    }
  });

  it("exempts whitelisted peers, by socket address or, when trusted, by proxy header", async () => {
    s = await startServer({ rateLimitPerMinute: 1, rateLimitWhitelistedIps: ["127.0.0.0/8"] }, register);
    assert.equal(refused((await postOn(newAgent(), s.url, batch(4))) as RpcMessage[]), 0);
    await s.server.close();

    s = await startServer({ rateLimitPerMinute: 1, rateLimitWhitelistedIps: ["10.0.0.0/8"], rateLimitTrustProxyHeaders: true }, register);
    assert.equal(refused((await postOn(newAgent(), s.url, batch(4), { "x-forwarded-for": "10.1.2.3, 127.0.0.1" })) as RpcMessage[]), 0);
    assert.equal(refused((await postOn(newAgent(), s.url, batch(4), { forwarded: 'for="[2001:db8::1]:4711"' })) as RpcMessage[]), 3);
    assert.equal(refused((await postOn(newAgent(), s.url, batch(4))) as RpcMessage[]), 3);
    await s.server.close();

    // without trust, the header is the client's word and changes nothing
    s = await startServer({ rateLimitPerMinute: 1, rateLimitWhitelistedIps: ["10.0.0.0/8"] }, register);
    assert.equal(refused((await postOn(newAgent(), s.url, batch(4), { "x-real-ip": "10.1.2.3" })) as RpcMessage[]), 3);
  });

  it("the CLI's client (device simulate, tx) slows down to the limit: refused calls are retried until they pass", async () => {
    s = await startServer({ rateLimitPerMinute: 1200 }, register); // a new connection has 200 calls, then 20 a second
    const client = await WsRpcClient.connect(s.wsUrl);
    try {
      const started = performance.now();
      const results = await Promise.all(Array.from({ length: 230 }, () => client.call<number>("test_count")));
      assert.equal(new Set(results).size, 230, "every call ran exactly once");
      assert.equal(runs, 230);
      assert.ok(performance.now() - started >= 1000, "the 30 over the budget waited for it to refill");
    } finally {
      client.close();
    }
  });

  it("is off with rateLimitPerMinute null", async () => {
    s = await startServer({ rateLimitPerMinute: null }, register);
    const answers = (await postOn(newAgent(), s.url, batch(1024))) as RpcMessage[];
    assert.equal(refused(answers), 0);
    assert.equal((await postOn(newAgent(), s.url, rpc("test_count")) as RpcMessage).result, 1025);
  });
});

describe("CallRateLimiter", () => {
  it("holds a minute's worth of calls and refills continuously", () => {
    let now = 0;
    const limiter = new CallRateLimiter(60, () => now);
    for (let i = 0; i < 60; i++) assert.ok(limiter.tryTake());
    assert.ok(!limiter.tryTake());
    now += 999;
    assert.ok(!limiter.tryTake(), "one call a second: not yet");
    now += 1;
    assert.ok(limiter.tryTake());
    now += 3_600_000;
    for (let i = 0; i < 60; i++) assert.ok(limiter.tryTake(), "never more than the bucket holds");
    assert.ok(!limiter.tryTake());
  });

  it("starts a new connection with 10 seconds of calls (at least 100) and fills up to a minute's worth", () => {
    let now = 0;
    const limiter = new CallRateLimiter(6000, () => now);
    for (let i = 0; i < 1000; i++) assert.ok(limiter.tryTake(), `call ${i}`);
    assert.ok(!limiter.tryTake());
    now += 120_000;
    for (let i = 0; i < 6000; i++) assert.ok(limiter.tryTake(), "a quiet connection earns the full burst");
    assert.ok(!limiter.tryTake());
    const small = new CallRateLimiter(600, () => 0);
    for (let i = 0; i < 100; i++) assert.ok(small.tryTake());
    assert.ok(!small.tryTake());
  });

  it("asks for a backoff as long as the refused calls take to refill, at most a second, stretched by up to half", () => {
    let random = 0;
    const limiter = new CallRateLimiter(600, () => 0, () => random);
    for (let i = 0; i < 100; i++) limiter.tryTake();
    assert.equal(limiter.backoffMs(), 0);
    for (let i = 0; i < 4; i++) assert.ok(!limiter.tryTake());
    assert.equal(limiter.backoffMs(), 400, "400 ms of refill, times 1");
    assert.equal(limiter.backoffMs(), 0, "reported once");
    random = 0.5;
    for (let i = 0; i < 4; i++) limiter.tryTake();
    assert.equal(limiter.backoffMs(), 500);
    for (let i = 0; i < 50; i++) limiter.tryTake();
    assert.equal(limiter.backoffMs(), 1250, "capped at a second before the stretch");
  });
});
