/**
 * The JSON-RPC server of an in-process dev node (real namespaces, real HTTP) on bad input: random
 * JSON, request objects with wrong members, every real method with random params (wrong types,
 * huge and non-finite numbers, long strings, nesting around the depth limit), batches, raw text
 * and invalid UTF-8. Every answer is well-formed JSON-RPC — one response per call that is not a
 * notification, each with an error code from the documented set and never -32603 (an internal
 * error is a handler that crashed) — and the node keeps serving and producing blocks.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { toHex } from "../../primitives/bytes.ts";
import { devKeypair } from "../../primitives/keys/devAccounts.ts";
import { encodeAddress } from "../../primitives/keys/ss58.ts";
import { RpcErrorCode } from "../../rpc/errors.ts";
import { FINALITY_PROOF_CODE } from "../../rpc/namespaces/finality.ts";
import { UNKNOWN_DEVICE_CODE } from "../../rpc/namespaces/forecast.ts";
import { HISTORY_REMOVED_CODE } from "../../rpc/namespaces/history.ts";
import { UNKNOWN_BLOCK_CODE } from "../../rpc/namespaces/params.ts";
import { REC_PROOF_CODE } from "../../rpc/namespaces/recs.ts";
import { STATE_PRUNED_CODE } from "../../rpc/namespaces/state.ts";
import { httpRpc, startDevNode, waitFor, type TestNode } from "../../harness/devNode.ts";
import { fuzzParams, fuzzTimeout } from "./params.ts";

/** docs/rpc.md ("Errors") and docs/rpc-server.md: the server's codes, the pool's 1010–1016, the node's 4003–4021. */
const DOCUMENTED_CODES = new Set<number>([
  ...Object.values(RpcErrorCode),
  ...[1010, 1011, 1012, 1013, 1014, 1015, 1016],
  ...[UNKNOWN_BLOCK_CODE, STATE_PRUNED_CODE, HISTORY_REMOVED_CODE, UNKNOWN_DEVICE_CODE, FINALITY_PROOF_CODE, REC_PROOF_CODE],
]);
/** The server's `maxJsonDepth` default. */
const MAX_JSON_DEPTH = 128;

interface Answer {
  status: number;
  contentType: string | null;
  text: string;
}

async function post(url: string, body: string | Uint8Array): Promise<Answer> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body });
  return { status: res.status, contentType: res.headers.get("content-type"), text: await res.text() };
}

function nested(depth: number, leaf: unknown): unknown {
  let v = leaf;
  for (let i = 0; i < depth; i++) v = i % 2 === 0 ? [v] : { a: v };
  return v;
}

/** Nesting depth of a JSON value (arrays and objects), as the server's pre-parse check counts it. */
function depthOf(v: unknown): number {
  if (typeof v !== "object" || v === null) return 0;
  const children = Array.isArray(v) ? v : Object.values(v);
  return 1 + children.reduce<number>((max, c) => Math.max(max, depthOf(c)), 0);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The dispatcher's rule: a well-formed request without an `id` member is a notification and gets no answer. */
function isNotification(entry: unknown): boolean {
  return isObject(entry) && !Object.hasOwn(entry, "id") && entry.jsonrpc === "2.0" && typeof entry.method === "string" && (entry.params === undefined || typeof entry.params === "object");
}

function assertResponse(r: unknown): void {
  assert.ok(isObject(r), `response is not an object: ${JSON.stringify(r)}`);
  assert.equal(r.jsonrpc, "2.0");
  assert.ok(Object.hasOwn(r, "id"), "response has an id");
  assert.notEqual(Object.hasOwn(r, "result"), Object.hasOwn(r, "error"), "exactly one of result and error");
  if (Object.hasOwn(r, "error")) {
    const e = r.error as Record<string, unknown>;
    assert.ok(Number.isInteger(e.code) && typeof e.message === "string", `malformed error ${JSON.stringify(e)}`);
    assert.notEqual(e.code, RpcErrorCode.InternalError, `internal error for a request (a handler crashed): ${JSON.stringify(r)}`);
    assert.ok(DOCUMENTED_CODES.has(e.code as number), `undocumented error code ${String(e.code)}`);
  }
}

/** Checks an answer to a JSON body: `parsed` is what the client sent after JSON.parse, when it parses. */
function assertAnswer(answer: Answer, sent: { parsed: unknown } | null): void {
  assert.equal(answer.status, 200, `HTTP ${answer.status}: ${answer.text.slice(0, 200)}`);
  assert.match(answer.contentType ?? "", /^application\/json/);
  if (sent !== null && depthOf(sent.parsed) > MAX_JSON_DEPTH) {
    // Refused before parsing, so before anyone could tell a notification from a call.
    const r = JSON.parse(answer.text) as { id: unknown; error: { code: number } };
    assertResponse(r);
    assert.deepEqual([r.id, r.error.code], [null, RpcErrorCode.ParseError]);
    return;
  }
  const entries = sent === null ? null : Array.isArray(sent.parsed) && sent.parsed.length > 0 ? sent.parsed : [sent.parsed];
  const answered = entries === null ? null : entries.filter((e) => !isNotification(e)).length;
  if (answer.text === "") {
    assert.equal(answered, 0, "an empty answer to a request that is not only notifications");
    return;
  }
  const body = JSON.parse(answer.text) as unknown;
  const responses = Array.isArray(body) ? body : [body];
  for (const r of responses) assertResponse(r);
  if (answered !== null && !(Array.isArray(sent!.parsed) && responses.length === 1 && (responses[0] as { id: unknown }).id === null)) {
    // One response per call; a batch refused as a whole (too large, response too big) is one error.
    assert.equal(responses.length, answered, `${answered} calls, ${responses.length} responses`);
  }
}

describe("fuzz: JSON-RPC server", function () {
  this.timeout(fuzzTimeout(40_000));
  let t: TestNode;
  let methods: string[];
  let genesisHash: string;

  before(async () => {
    t = await startDevNode({ slotDurationMs: 500 });
    methods = ((await httpRpc(t.httpUrl, "rpc_methods")).result as { methods: string[] }).methods;
    genesisHash = (await httpRpc(t.httpUrl, "chain_getBlockHash", [0])).result as string;
  });
  after(async () => {
    await t?.stop();
  });

  /** Parameter values that are wrong for most methods and right for some. */
  function value(): fc.Arbitrary<unknown> {
    const hex = fc.uint8Array({ maxLength: 40 }).map(toHex);
    return fc.oneof(
      fc.constantFrom(1e308, -1e308, 2 ** 64, 2 ** 53, 2 ** 53 + 2, 2 ** 32, 2 ** 32 - 1, -1, -0, 0, 0.5, 1, null, true, false, "", "0x", "0x0", "0xzz", [], {}),
      fc.constantFrom(genesisHash, toHex(new Uint8Array(32)), encodeAddress(devKeypair("Alice").publicKey, 42), toHex(devKeypair("Bob").publicKey), "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"),
      hex,
      fc.integer(),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.string({ maxLength: 30 }),
      fc.constantFrom("a".repeat(100_000), "0x" + "ff".repeat(70_000)),
      fc.integer({ min: MAX_JSON_DEPTH - 6, max: MAX_JSON_DEPTH + 6 }).map((d) => nested(d, 1)),
      fc.jsonValue({ maxDepth: 3 }),
      fc.record({ deviceId: fc.integer(), interval: fc.integer(), cumulativeWh: fc.integer(), energyWh: fc.integer(), peakW: fc.integer(), signature: hex }),
    );
  }

  function request(): fc.Arbitrary<Record<string, unknown>> {
    const method = fc.oneof({ weight: 16, arbitrary: fc.constantFrom(...methods) }, { weight: 1, arbitrary: fc.string({ maxLength: 20 }) }, { weight: 1, arbitrary: fc.constantFrom(1, null, [], {}) });
    const params = fc.oneof(
      { weight: 12, arbitrary: fc.array(value(), { maxLength: 5 }) },
      { weight: 1, arbitrary: fc.dictionary(fc.string({ maxLength: 8 }), value(), { maxKeys: 3 }) },
      { weight: 1, arbitrary: value() },
    );
    const id = fc.oneof({ weight: 12, arbitrary: fc.nat() }, { weight: 1, arbitrary: fc.string({ maxLength: 8 }) }, { weight: 1, arbitrary: fc.constantFrom(null, 1.5, [], {}, true) });
    return fc
      .record(
        { jsonrpc: fc.oneof({ weight: 19, arbitrary: fc.constant("2.0") }, { weight: 1, arbitrary: fc.constantFrom("1.0", 2, null) }), id, method, params },
        { requiredKeys: ["jsonrpc", "method"] },
      )
      .map((r) => r as Record<string, unknown>);
  }

  it("answers every JSON body with well-formed responses and documented codes", async () => {
    const body = fc.oneof(
      { weight: 6, arbitrary: request() },
      { weight: 2, arbitrary: fc.array(fc.oneof({ weight: 4, arbitrary: request() }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) }), { maxLength: 6 }) },
      { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
    );
    await fc.assert(
      fc.asyncProperty(body, async (parsed) => {
        assertAnswer(await post(t.httpUrl, JSON.stringify(parsed)), { parsed });
      }),
      fuzzParams(300),
    );
  });

  it("answers raw text — numbers past every range, broken JSON, deep nesting, invalid UTF-8 — with a JSON-RPC error", async () => {
    const template = fc.tuple(fc.constantFrom(...methods), fc.constantFrom("1e400", "-1e400", "123456789012345678901234567890", "0.000000000000000000001e-400", '"\\ud800"', "1E+308"));
    const raw = fc.oneof(
      template.map(([m, n]) => `{"jsonrpc":"2.0","id":1,"method":"${m}","params":[${n},${n}]}`),
      fc.tuple(fc.constantFrom(...methods), fc.integer({ min: MAX_JSON_DEPTH - 4, max: MAX_JSON_DEPTH + 4 })).map(([m, d]) => `{"jsonrpc":"2.0","id":1,"method":"${m}","params":${"[".repeat(d)}${"]".repeat(d)}}`),
      fc.constantFrom(`${"[".repeat(100_000)}`, '{"jsonrpc":"2.0","id":1,"method":', "", " ", "null", "[]", "[[]]", '"\\u0000"'),
      fc.tuple(request(), fc.nat()).map(([r, cut]) => {
        const text = JSON.stringify(r);
        return text.slice(0, cut % text.length);
      }),
      fc.string({ maxLength: 40 }),
      fc.uint8Array({ minLength: 1, maxLength: 40 }).map((b) => Uint8Array.of(0x7b, 0x22, 0xff, 0xfe, ...b)),
    );
    await fc.assert(
      fc.asyncProperty(raw, async (text) => {
        let parsed: { parsed: unknown } | null = null;
        if (typeof text === "string") {
          try {
            parsed = { parsed: JSON.parse(text) as unknown };
          } catch {
            parsed = null;
          }
        }
        assertAnswer(await post(t.httpUrl, text), parsed);
      }),
      fuzzParams(150),
    );
  });

  it("refuses a body over the request limit with HTTP 413 and -32007, then still serves", async () => {
    const big = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "system_name", params: ["x".repeat(16 * 1024 * 1024)] });
    const answer = await post(t.httpUrl, big);
    assert.equal(answer.status, 413);
    assert.equal((JSON.parse(answer.text) as { error: { code: number } }).error.code, RpcErrorCode.OversizedRequest);
  });

  it("still answers a normal call and produces blocks afterwards", async () => {
    assert.equal((await httpRpc(t.httpUrl, "system_name")).result, "test-node");
    const best = async () => parseInt(((await httpRpc(t.httpUrl, "chain_getHeader")).result as { number: string }).number, 16);
    const start = await best();
    await waitFor(async () => (await best()) > start, 5_000, "a new block");
  });
});
