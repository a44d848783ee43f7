import assert from "node:assert/strict";
import { createOriginMatcher } from "../../../rpc/server/cors.ts";
import { jsonShapeProblem } from "../../../rpc/server/jsonDepth.ts";
import { allowsUnsafe, DEFAULT_CORS, isLoopbackAddress, parseCors, parseRpcMethods, RpcServer } from "../../../rpc/server/index.ts";
import { nullLogger } from "../../../primitives/logger.ts";

describe("rpc server options", () => {
  it("parseCors reads all, none and comma lists", () => {
    assert.equal(parseCors("all"), "all");
    assert.deepEqual(parseCors("none"), []);
    assert.deepEqual(parseCors("http://a.example, https://b.example:8443"), ["http://a.example", "https://b.example:8443"]);
    assert.throws(() => parseCors(" , "), (err: Error & { code?: string }) => err.code === "RPC_INVALID_OPTION");
  });

  it("parseRpcMethods accepts auto, safe and unsafe only", () => {
    for (const v of ["auto", "safe", "unsafe"]) assert.equal(parseRpcMethods(v), v);
    assert.throws(() => parseRpcMethods("Unsafe"), (err: Error & { code?: string }) => err.code === "RPC_INVALID_OPTION");
  });

  it("auto allows unsafe methods only on loopback listeners", () => {
    for (const host of ["127.0.0.1", "127.1.2.3", "::1", "localhost", "::ffff:127.0.0.1"]) {
      assert.ok(isLoopbackAddress(host), host);
      assert.ok(allowsUnsafe("auto", host), host);
    }
    for (const host of ["0.0.0.0", "::", "10.0.0.1", "192.168.1.5", "::ffff:10.0.0.1", "128.0.0.1"]) {
      assert.ok(!isLoopbackAddress(host), host);
      assert.ok(!allowsUnsafe("auto", host), host);
    }
    assert.ok(allowsUnsafe("unsafe", "0.0.0.0"));
    assert.ok(!allowsUnsafe("safe", "127.0.0.1"));
  });

  it("origin patterns match scheme and host exactly, `:*` any port", () => {
    const allowed = createOriginMatcher(DEFAULT_CORS);
    assert.ok(allowed("http://localhost:9000"));
    assert.ok(allowed("http://localhost"));
    assert.ok(allowed("HTTP://LOCALHOST:1"));
    assert.ok(allowed("https://polkadot.js.org"));
    assert.ok(!allowed("https://polkadot.js.org:8443"));
    assert.ok(!allowed("ftp://localhost:21"));
    assert.ok(!allowed("http://localhost.evil.example"));
    assert.ok(!allowed("not a url"));
    assert.ok(!allowed("null"));
    assert.ok(createOriginMatcher(["null"])("null"));
    assert.ok(createOriginMatcher(["https://app.example:8443"])("https://app.example:8443"));
    assert.ok(!createOriginMatcher(["https://app.example:8443"])("https://app.example"));
    assert.ok(createOriginMatcher("all")("https://anything.example"));
    assert.ok(!createOriginMatcher([])("http://localhost:1"));
  });

  it("jsonShapeProblem counts brackets outside strings only", () => {
    const exceedsJsonDepth = (text: string, maxDepth: number): boolean => jsonShapeProblem(text, { maxDepth, maxBatchLength: 1e9, maxValues: 1e9 }) === "depth";
    assert.ok(!exceedsJsonDepth("[[[]]]", 3));
    assert.ok(exceedsJsonDepth("[[[[]]]]", 3));
    assert.ok(exceedsJsonDepth('{"a":{"b":[{}]}}', 3));
    // an escaped quote does not end a string; an escaped backslash before a quote does
    assert.ok(!exceedsJsonDepth('["[[[[[[", "\\"[[[[["]', 1));
    assert.ok(exceedsJsonDepth('["\\\\", [[[]]]]', 3));
    assert.ok(!exceedsJsonDepth('["\\\\", [[]]]', 3));
    assert.ok(!exceedsJsonDepth('["unterminated [[[[[[', 1));
    assert.ok(exceedsJsonDepth("[".repeat(100_000), 128));
  });

  it("jsonShapeProblem counts a batch's calls and the message's values outside strings", () => {
    const limits = { maxDepth: 128, maxBatchLength: 2, maxValues: 5 };
    assert.equal(jsonShapeProblem("[{},{}]", limits), null);
    assert.equal(jsonShapeProblem(" [{},{},{}]", limits), "batch");
    assert.equal(jsonShapeProblem('{"params":[[1,2,3,4,5]]}', limits), "values");
    assert.equal(jsonShapeProblem('{"params":["1,2,3,4,5,6,7,8"]}', limits), null, "commas in strings do not count");
    assert.equal(jsonShapeProblem(`[${Array(3_000_000).fill("0").join(",")}]`, { maxDepth: 128, maxBatchLength: 1e9, maxValues: 100_000 }), "values");
  });

  it("refuses a method name registered twice", () => {
    const server = new RpcServer({ port: 0 }, { logger: nullLogger(), metrics: null, health: () => ({}) });
    server.addMethod("a_b", { handler: () => 1 });
    const taken = (err: Error & { code?: string }): boolean => err.code === "RPC_METHOD_EXISTS";
    assert.throws(() => server.addMethod("a_b", { handler: () => 2 }), taken);
    assert.throws(() => server.addMethod("rpc_methods", { handler: () => 2 }), taken);
    assert.throws(() => server.addSubscription({ subscribe: "x_sub", notification: "x", unsubscribe: "a_b", start: () => () => {} }), taken);
    assert.throws(() => server.addSubscription({ subscribe: "y_sub", notification: "y", unsubscribe: "y_sub", start: () => () => {} }), taken);
    assert.deepEqual(server.methods(), ["a_b", "rpc_methods"]);
  });
});
