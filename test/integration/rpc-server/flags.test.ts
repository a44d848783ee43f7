import assert from "node:assert/strict";
import { createIpMatcher, proxiedAddress } from "../../../rpc/server/clientAddress.ts";
import { defaultRpcServerOpts, parseCount, parseIpBlock, parseMiB, parseRateLimit, parseSeconds, validateRpcServerOpts } from "../../../rpc/server/index.ts";

/** Asserts `fn` throws RPC_INVALID_OPTION naming `option`, with a message matching `message`. */
function refuses(fn: () => unknown, option: string, message: RegExp): void {
  assert.throws(fn, (err: Error & { code?: string; type?: { option?: string } }) => {
    assert.equal(err.code, "RPC_INVALID_OPTION");
    assert.equal(err.type?.option, option);
    assert.match(err.message, message);
    return true;
  });
}

describe("rpc server flags and option validation", () => {
  it("parses sizes in whole MiB and counts as positive integers", () => {
    assert.equal(parseMiB("rpc-max-request-size", "15"), 15 * 1024 * 1024);
    for (const bad of ["0", "1.5", "-1", "15MB", "", "512"]) {
      refuses(() => parseMiB("rpc-max-request-size", bad), "rpc-max-request-size", /--rpc-max-request-size must be a whole number of MiB from 1 to 511/);
    }
    assert.equal(parseCount("rpc-max-batch-request-len", " 64 "), 64);
    for (const bad of ["0", "abc", "1e3", "2000000"]) refuses(() => parseCount("rpc-max-batch-request-len", bad), "rpc-max-batch-request-len", /integer from 1/);
  });

  it("parses the rate limit as calls per minute or off", () => {
    assert.equal(parseRateLimit("600"), 600);
    assert.equal(parseRateLimit("off"), null);
    for (const bad of ["0", "none", "10/s"]) refuses(() => parseRateLimit(bad), "rpc-rate-limit", /calls per minute .* or off/);
  });

  it("parses timeouts in seconds, fractions allowed, into milliseconds", () => {
    assert.equal(parseSeconds("rpc-headers-timeout", "10"), 10_000);
    assert.equal(parseSeconds("rpc-headers-timeout", "0.25"), 250);
    for (const bad of ["0", "0.0001", "-1", "ten", "90000"]) refuses(() => parseSeconds("rpc-headers-timeout", bad), "rpc-headers-timeout", /number of seconds/);
  });

  it("accumulates whitelisted IPs and CIDR blocks and refuses anything else", () => {
    assert.deepEqual(parseIpBlock("::1/128", parseIpBlock("10.0.0.0/8")), ["10.0.0.0/8", "::1/128"]);
    for (const bad of ["10.0.0.0/33", "10.0.0/8", "host.example", "::1/129", "10.0.0.0/8/1"]) {
      refuses(() => parseIpBlock(bad), "rpc-rate-limit-whitelisted-ips", /not an IP address or CIDR block/);
    }
  });

  it("matches peer addresses against CIDR blocks, IPv4-mapped IPv6 included", () => {
    const matches = createIpMatcher(["10.0.0.0/8", "192.168.1.7", "2001:db8::/32"]);
    for (const a of ["10.1.2.3", "::ffff:10.9.9.9", "192.168.1.7", "2001:db8::1", "[2001:db8::2]"]) assert.ok(matches(a), a);
    for (const a of ["11.0.0.1", "192.168.1.8", "2001:db9::1", "", "not an ip"]) assert.ok(!matches(a), a);
    assert.ok(!createIpMatcher([])("127.0.0.1"));
  });

  it("reads the client address a reverse proxy reports: Forwarded, then X-Forwarded-For, then X-Real-IP", () => {
    assert.equal(proxiedAddress({ forwarded: "for=192.0.2.60;proto=http, for=10.0.0.1", "x-forwarded-for": "10.0.0.2" }), "192.0.2.60");
    assert.equal(proxiedAddress({ forwarded: 'for="[2001:db8:cafe::17]:4711"' }), "2001:db8:cafe::17");
    assert.equal(proxiedAddress({ forwarded: "for=192.0.2.60:8080" }), "192.0.2.60");
    assert.equal(proxiedAddress({ "x-forwarded-for": " 203.0.113.9, 10.0.0.1" }), "203.0.113.9");
    assert.equal(proxiedAddress({ "x-real-ip": "::ffff:203.0.113.9" }), "203.0.113.9");
    assert.equal(proxiedAddress({ forwarded: "for=unknown", "x-real-ip": "203.0.113.10" }), "203.0.113.10");
    assert.equal(proxiedAddress({ "x-forwarded-for": "garbage" }), null);
    assert.equal(proxiedAddress({}), null);
  });

  it("validates options: positive integer limits, headers timeout within the request timeout", () => {
    validateRpcServerOpts({ ...defaultRpcServerOpts });
    validateRpcServerOpts({ ...defaultRpcServerOpts, rateLimitPerMinute: null });
    refuses(() => validateRpcServerOpts({ ...defaultRpcServerOpts, maxConnections: 0 }), "maxConnections", /positive integer/);
    refuses(() => validateRpcServerOpts({ ...defaultRpcServerOpts, maxBatchLength: 1.5 }), "maxBatchLength", /positive integer/);
    refuses(() => validateRpcServerOpts({ ...defaultRpcServerOpts, rateLimitPerMinute: -5 }), "rateLimitPerMinute", /positive integer/);
    refuses(() => validateRpcServerOpts({ ...defaultRpcServerOpts, headersTimeoutMs: 20_000, requestTimeoutMs: 10_000 }), "headersTimeoutMs", /cannot exceed the request timeout/);
  });
});
