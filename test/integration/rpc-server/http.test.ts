import assert from "node:assert/strict";
import { request } from "node:http";
import { ArkreenError } from "../../../primitives/errors.ts";
import { RpcError, registerErrorMapping } from "../../../rpc/errors.ts";
import { expectArray, expectHex, expectNumber } from "../../../rpc/server/index.ts";
import type { RpcServer } from "../../../rpc/server/index.ts";
import { HEALTH, post, rpc, startServer } from "./helpers.ts";
import type { RpcMessage, Started } from "./helpers.ts";

class SampleDomainError extends ArkreenError<{ code: "SAMPLE_NOT_FOUND"; item: number }> {}

function register(server: RpcServer): void {
  server.addMethod("test_echo", { handler: (params) => params });
  server.addMethod("test_repeat", { handler: (params) => "é€".repeat((params as number[])[0]) });
  server.addMethod("test_add", {
    handler: (params) => {
      const [a, b] = expectArray(params, 2);
      return expectNumber(a, "a") + expectNumber(b, "b");
    },
  });
  server.addMethod("test_hexLength", { handler: (params) => expectHex(expectArray(params, 1)[0], "data").length });
  server.addMethod("test_void", { handler: () => undefined });
  server.addMethod("test_async", { handler: async () => "later" });
  server.addMethod("test_throws", {
    handler: () => {
      throw new Error("secret database path /var/lib/db");
    },
  });
  server.addMethod("test_rejects", { handler: () => Promise.reject(new TypeError("undefined is not a function")) });
  server.addMethod("test_rpcError", { handler: () => Promise.reject(new RpcError(1010, "Invalid Transaction", { reason: "stale" })) });
  server.addMethod("test_domainError", {
    handler: () => {
      throw new SampleDomainError({ code: "SAMPLE_NOT_FOUND", item: 7 });
    },
  });
  server.addMethod("test_bigint", { handler: () => ({ balance: 10n }) });
  server.addMethod("test_sized", { handler: (params) => "x".repeat(expectNumber(expectArray(params, 1)[0], "size")) });
  server.addSubscription({
    subscribe: "test_subscribe",
    notification: "test_notify",
    unsubscribe: "test_unsubscribe",
    start: () => () => {},
  });
}

describe("rpc server over HTTP", function () {
  let s: Started;

  before(async () => {
    s = await startServer({ maxRequestBytes: 2048, maxResponseBytes: 3000, maxBatchLength: 8 }, register);
  });
  after(() => s.server.close());

  async function call(method: string, params?: unknown): Promise<RpcMessage> {
    return (await post(s.url, rpc(method, params))).json as RpcMessage;
  }

  it("answers a call with its id and result", async () => {
    const res = await post(s.url, rpc("test_add", [2, 3], "abc"));
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /^application\/json/);
    assert.deepEqual(res.json, { jsonrpc: "2.0", id: "abc", result: 5 });
  });

  it("passes params as given: array, object, or absent", async () => {
    assert.deepEqual((await call("test_echo", [1, "a"])).result, [1, "a"]);
    assert.deepEqual((await call("test_echo", { at: "0x00" })).result, { at: "0x00" });
    // absent params reach the handler as undefined, whose result is sent as null
    assert.equal((await call("test_echo")).result, null);
  });

  it("sends null for an undefined result and awaits async handlers", async () => {
    assert.deepEqual(await call("test_void", []), { jsonrpc: "2.0", id: 1, result: null });
    assert.equal((await call("test_async", [])).result, "later");
  });

  it("-32700 with id null for malformed JSON and for invalid UTF-8", async () => {
    assert.deepEqual((await post(s.url, '{"jsonrpc":"2.0","id":1,"method":')).json, {
      jsonrpc: "2.0",
      id: null,
      error: { code: -32700, message: "Parse error" },
    });
    const invalidUtf8 = Buffer.concat([Buffer.from('{"jsonrpc":"2.0","id":1,"method":"test_echo","params":["'), Buffer.from([0xc3, 0x28]), Buffer.from('"]}')]);
    const res = await post(s.url, invalidUtf8);
    assert.equal((res.json as RpcMessage).error?.code, -32700);
    assert.equal((res.json as RpcMessage).id, null);
  });

  it("-32600 for requests that are not JSON-RPC 2.0 request objects", async () => {
    const invalid = [
      '{"id":1,"method":"test_echo"}', // no jsonrpc
      '{"jsonrpc":"1.0","id":1,"method":"test_echo"}',
      '{"jsonrpc":"2.0","id":1,"method":5}',
      '{"jsonrpc":"2.0","id":1,"method":"test_echo","params":"flat"}',
      '{"jsonrpc":"2.0","id":{"x":1},"method":"test_echo"}',
      "42",
      '"text"',
    ];
    for (const body of invalid) {
      const msg = (await post(s.url, body)).json as RpcMessage;
      assert.equal(msg.error?.code, -32600, body);
      assert.equal(msg.error?.message, "Invalid request");
    }
    // the id is echoed when it is a valid one
    assert.equal(((await post(s.url, '{"jsonrpc":"2.0","id":9,"method":5}')).json as RpcMessage).id, 9);
  });

  it("-32601 for unknown methods", async () => {
    assert.deepEqual((await call("nope_nothing", [])).error, { code: -32601, message: "Method not found" });
  });

  it("-32602 with the reason when params helpers refuse", async () => {
    assert.deepEqual((await call("test_add", [1])).error, { code: -32602, message: "Invalid params", data: "expected 2 parameters, got 1" });
    assert.deepEqual((await call("test_add", [1, "2"])).error, { code: -32602, message: "Invalid params", data: "b: expected a number, got string" });
    assert.equal((await call("test_hexLength", ["0xabc"])).error?.code, -32602);
    assert.equal((await call("test_hexLength", ["0xabcd"])).result, 2);
  });

  it("-32603 without detail for thrown errors, rejections and unserialisable results", async () => {
    for (const method of ["test_throws", "test_rejects", "test_bigint"]) {
      const res = await post(s.url, rpc(method, []));
      assert.deepEqual((res.json as RpcMessage).error, { code: -32603, message: "Internal error" }, method);
      assert.doesNotMatch(res.text, /secret|stack|at /);
    }
  });

  it("RpcError passes through and registered domain errors are mapped", async () => {
    assert.deepEqual((await call("test_rpcError", [])).error, { code: 1010, message: "Invalid Transaction", data: { reason: "stale" } });
    assert.equal((await call("test_domainError", [])).error?.code, -32603);
    const unregister = registerErrorMapping(SampleDomainError, (e) => new RpcError(4004, "Not found", e.toObject()));
    try {
      assert.deepEqual((await call("test_domainError", [])).error, { code: 4004, message: "Not found", data: { code: "SAMPLE_NOT_FOUND", item: 7 } });
    } finally {
      unregister();
    }
  });

  it("answers a batch of several pieces (>32 K characters, multi-byte text) with one body of the right length", async () => {
    const server = await startServer({}, register);
    try {
      const text = "é€".repeat(1000); // 2,000 characters, 5,000 bytes
      const res = await post(server.url, JSON.stringify(Array.from({ length: 40 }, (_, i) => ({ jsonrpc: "2.0", id: i, method: "test_repeat", params: [1000] }))));
      assert.equal(res.status, 200);
      assert.equal(Number(res.headers.get("content-length")), Buffer.byteLength(res.text));
      const answers = res.json as RpcMessage[];
      assert.equal(answers.length, 40);
      for (const a of answers) assert.equal(a.result, text);
    } finally {
      await server.server.close();
    }
  });

  it("answers nothing to a notification: 200 with an empty body", async () => {
    const res = await post(s.url, JSON.stringify({ jsonrpc: "2.0", method: "test_echo", params: [] }));
    assert.equal(res.status, 200);
    assert.equal(res.text, "");
  });

  it("answers a batch with one response per call, notifications omitted", async () => {
    const batch = [
      { jsonrpc: "2.0", id: 1, method: "test_add", params: [1, 1] },
      { jsonrpc: "2.0", method: "test_echo", params: ["notification"] },
      { jsonrpc: "2.0", id: 2, method: "nope" },
      { foo: "bar" },
      1,
      { jsonrpc: "2.0", id: 3, method: "test_throws" },
    ];
    const res = await post(s.url, JSON.stringify(batch));
    const answers = res.json as RpcMessage[];
    assert.equal(answers.length, 5);
    const byId = new Map(answers.filter((a) => a.id !== null).map((a) => [a.id, a]));
    assert.equal(byId.get(1)?.result, 2);
    assert.equal(byId.get(2)?.error?.code, -32601);
    assert.equal(byId.get(3)?.error?.code, -32603);
    assert.deepEqual(
      answers.filter((a) => a.id === null).map((a) => a.error?.code),
      [-32600, -32600],
    );
  });

  it("an empty batch is -32600; a batch of notifications answers nothing", async () => {
    assert.deepEqual((await post(s.url, "[]")).json, { jsonrpc: "2.0", id: null, error: { code: -32600, message: "Invalid request" } });
    const res = await post(s.url, JSON.stringify([{ jsonrpc: "2.0", method: "test_echo" }, { jsonrpc: "2.0", method: "test_add", params: [1, 2] }]));
    assert.equal(res.status, 200);
    assert.equal(res.text, "");
  });

  it("refuses a batch longer than maxBatchLength with -32010", async () => {
    const batch = Array.from({ length: 9 }, (_, i) => ({ jsonrpc: "2.0", id: i, method: "test_add", params: [i, i] }));
    assert.deepEqual((await post(s.url, JSON.stringify(batch))).json, {
      jsonrpc: "2.0",
      id: null,
      error: { code: -32010, message: "The batch request was too large", data: "Exceeded max limit of 8" },
    });
  });

  it("replaces responses over maxResponseBytes: -32008 for a call, -32011 for a batch", async () => {
    assert.deepEqual((await call("test_sized", [4000])).error, { code: -32008, message: "Response is too big", data: "Exceeded max limit of 3000" });
    const batch = (n: number): string => JSON.stringify(Array.from({ length: n }, (_, id) => ({ jsonrpc: "2.0", id, method: "test_sized", params: [1200] })));
    // two 1.2 kB answers fit in 3000 bytes, three do not
    assert.equal(((await post(s.url, batch(2))).json as RpcMessage[]).length, 2);
    assert.deepEqual((await post(s.url, batch(3))).json, {
      jsonrpc: "2.0",
      id: null,
      error: { code: -32011, message: "The batch response was too large", data: "Exceeded max limit of 3000" },
    });
  });

  it("refuses a body over maxRequestBytes with 413 and -32007, declared or streamed", async () => {
    const body = rpc("test_echo", ["z".repeat(3000)]);
    const res = await post(s.url, body);
    assert.equal(res.status, 413);
    assert.deepEqual((res.json as RpcMessage).error, { code: -32007, message: "Request is too big", data: "Exceeded max limit of 2048" });

    // chunked, no Content-Length: the limit is enforced while reading
    const { port } = new URL(s.url);
    const streamed = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request({ host: "127.0.0.1", port, method: "POST", path: "/", headers: { "content-type": "application/json" } }, (r) => {
        let text = "";
        r.on("data", (c) => (text += c));
        r.on("end", () => resolve({ status: r.statusCode ?? 0, body: text }));
      });
      req.on("error", reject);
      req.write(body.slice(0, 1500));
      req.write(body.slice(1500));
      req.end();
    });
    assert.equal(streamed.status, 413);
    assert.equal(JSON.parse(streamed.body).error.code, -32007);
    // and the server still serves
    assert.equal((await call("test_add", [1, 2])).result, 3);
  });

  it("rejects 100,000 nested brackets as a parse error without crashing", async () => {
    const server = await startServer({}, register);
    try {
      const deep = "[".repeat(100_000) + "]".repeat(100_000);
      const res = await post(server.url, deep);
      assert.deepEqual((res.json as RpcMessage).error, { code: -32700, message: "Parse error", data: "JSON nested deeper than 128 levels" });
      const unbalanced = await post(server.url, "[".repeat(100_000));
      assert.equal((unbalanced.json as RpcMessage).error?.code, -32700);
      // brackets inside strings are not nesting
      const inString = await post(server.url, rpc("test_echo", ["[".repeat(1000)]));
      assert.equal(((inString.json as RpcMessage).result as string[])[0].length, 1000);
      assert.equal(((await post(server.url, rpc("test_add", [1, 2]))).json as RpcMessage).result, 3);
    } finally {
      await server.server.close();
    }
  });

  it("subscriptions need a WebSocket: -32601 over HTTP", async () => {
    const msg = await call("test_subscribe", []);
    assert.equal(msg.error?.code, -32601);
    assert.equal((await call("test_unsubscribe", ["abc"])).error?.code, -32601);
  });

  it("rpc_methods lists every callable name, sorted", async () => {
    const { methods } = (await call("rpc_methods", [])).result as { methods: string[] };
    assert.deepEqual(methods, [...methods].sort());
    for (const name of ["rpc_methods", "test_add", "test_subscribe", "test_unsubscribe"]) assert.ok(methods.includes(name), name);
    assert.ok(!methods.includes("test_notify"));
    assert.deepEqual(methods, s.server.methods());
  });

  it("GET /health answers the health callback as JSON", async () => {
    const res = await fetch(new URL("/health", s.url));
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /^application\/json/);
    assert.deepEqual(await res.json(), HEALTH);
  });

  it("refuses other HTTP methods with 405 and non-JSON bodies with 415", async () => {
    assert.equal((await fetch(s.url, { method: "PUT", body: "{}" })).status, 405);
    assert.equal((await fetch(s.url)).status, 405);
    const res = await fetch(s.url, { method: "POST", body: rpc("test_add", [1, 2]), headers: { "content-type": "text/plain" } });
    assert.equal(res.status, 415);
  });
});
