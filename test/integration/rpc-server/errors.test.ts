import assert from "node:assert/strict";
import { ArkreenError } from "../../../primitives/errors.ts";
import { RpcError, RpcErrorCode, invalidParams, registerErrorMapping, toRpcError } from "../../../rpc/errors.ts";
import { expectArray, expectBoolean, expectHex, expectNumber, expectObject, expectString, optional } from "../../../rpc/server/index.ts";

type PoolErrorType = { code: "POOL_STALE"; nonce: bigint } | { code: "POOL_FULL" };
class PoolError extends ArkreenError<PoolErrorType> {}
class PoolFullError extends PoolError {}

function invalidParamsReason(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof RpcError);
    assert.equal(err.code, RpcErrorCode.InvalidParams);
    assert.equal(err.message, "Invalid params");
    return err.data as string;
  }
  assert.fail("expected an Invalid params error");
}

describe("rpc errors", () => {
  describe("toRpcError", () => {
    it("passes RpcError through with its data", () => {
      assert.deepEqual(toRpcError(new RpcError(1014, "Priority is too low", { tip: "5" })), { code: 1014, message: "Priority is too low", data: { tip: "5" } });
      assert.deepEqual(toRpcError(invalidParams("x: bad")), { code: -32602, message: "Invalid params", data: "x: bad" });
    });

    it("hides anything unmapped as -32603 Internal error", () => {
      for (const err of [new Error("db corrupted at /secret"), new TypeError("x is undefined"), "a string", null, 42, new PoolError({ code: "POOL_FULL" })]) {
        assert.deepEqual(toRpcError(err), { code: -32603, message: "Internal error" });
      }
    });

    it("maps registered error classes, subclasses included, the nearest class winning", () => {
      const offBase = registerErrorMapping(PoolError, (e) => new RpcError(1010, "Invalid Transaction", e.toObject()));
      try {
        assert.deepEqual(toRpcError(new PoolError({ code: "POOL_STALE", nonce: 3n })), {
          code: 1010,
          message: "Invalid Transaction",
          data: { code: "POOL_STALE", nonce: "3" },
        });
        assert.equal(toRpcError(new PoolFullError({ code: "POOL_FULL" })).code, 1010);
        const offSub = registerErrorMapping(PoolFullError, () => new RpcError(1016, "Immediately Dropped"));
        assert.equal(toRpcError(new PoolFullError({ code: "POOL_FULL" })).code, 1016);
        assert.equal(toRpcError(new PoolError({ code: "POOL_FULL" })).code, 1010);
        offSub();
      } finally {
        offBase();
      }
      assert.equal(toRpcError(new PoolError({ code: "POOL_FULL" })).code, -32603);
    });

    it("maps through predicates, and a failing mapping is an internal error", () => {
      const isFull = (e: unknown): e is PoolError => e instanceof PoolError && e.code === "POOL_FULL";
      const off = registerErrorMapping(isFull, () => new RpcError(1013, "Pool full"));
      const offThrowing = registerErrorMapping(
        (e: unknown): e is Error => e instanceof Error && e.message === "boom",
        () => {
          throw new Error("mapping bug");
        },
      );
      try {
        assert.equal(toRpcError(new PoolError({ code: "POOL_FULL" })).code, 1013);
        assert.equal(toRpcError(new PoolError({ code: "POOL_STALE", nonce: 1n })).code, -32603);
        assert.equal(toRpcError(new Error("boom")).code, -32603);
      } finally {
        off();
        offThrowing();
      }
    });
  });

  describe("param helpers", () => {
    it("expectArray takes absent params as [] and checks the count", () => {
      assert.deepEqual(expectArray(undefined, 0, 1), []);
      assert.deepEqual(expectArray(null, 0), []);
      assert.deepEqual(expectArray(["a", 1], 1, 2), ["a", 1]);
      assert.equal(invalidParamsReason(() => expectArray([], 1, 2)), "expected 1 to 2 parameters, got 0");
      assert.equal(invalidParamsReason(() => expectArray([1, 2], 1)), "expected 1 parameter, got 2");
      assert.equal(invalidParamsReason(() => expectArray({ a: 1 }, 1)), "expected positional parameters (an array), got an object");
    });

    it("expectHex decodes 0x hex and checks its byte length", () => {
      assert.deepEqual(expectHex("0x0aff", "key"), new Uint8Array([10, 255]));
      assert.deepEqual(expectHex("0x", "key"), new Uint8Array());
      assert.equal(expectHex("0x" + "00".repeat(32), "hash", { length: 32 }).length, 32);
      assert.equal(invalidParamsReason(() => expectHex("0x00", "hash", { length: 32 })), "hash: expected 32 bytes, got 1");
      assert.equal(invalidParamsReason(() => expectHex("0x0000", "key", { maxLength: 1 })), "key: longer than 1 bytes");
      for (const bad of ["abcd", "0xabc", "0xzz", 12, null]) {
        assert.equal(invalidParamsReason(() => expectHex(bad, "key")), "key: expected a 0x-prefixed hex string of whole bytes");
      }
    });

    it("expectNumber, expectString, expectBoolean, expectObject check types and bounds", () => {
      assert.equal(expectNumber(5, "n", { integer: true, min: 0, max: 10 }), 5);
      assert.equal(invalidParamsReason(() => expectNumber(1.5, "n", { integer: true })), "n: expected an integer, got 1.5");
      assert.equal(invalidParamsReason(() => expectNumber(-1, "n", { min: 0 })), "n: must be at least 0, got -1");
      assert.equal(invalidParamsReason(() => expectNumber(11, "n", { max: 10 })), "n: must be at most 10, got 11");
      assert.equal(invalidParamsReason(() => expectNumber("5", "n")), "n: expected a number, got string");
      assert.equal(expectString("ab", "s", { maxLength: 2 }), "ab");
      assert.equal(invalidParamsReason(() => expectString("abc", "s", { maxLength: 2 })), "s: longer than 2 characters");
      assert.equal(invalidParamsReason(() => expectString([], "s")), "s: expected a string, got an array");
      assert.equal(expectBoolean(false, "b"), false);
      assert.equal(invalidParamsReason(() => expectBoolean(0, "b")), "b: expected a boolean, got number");
      assert.deepEqual(expectObject({ a: 1 }, "o"), { a: 1 });
      assert.equal(invalidParamsReason(() => expectObject([1], "o")), "o: expected an object, got an array");
      assert.equal(invalidParamsReason(() => expectObject(null, "o")), "o: expected an object, got null");
    });

    it("optional skips undefined and null and parses anything else", () => {
      const parse = (v: unknown): number => expectNumber(v, "at");
      assert.equal(optional(undefined, parse), undefined);
      assert.equal(optional(null, parse), undefined);
      assert.equal(optional(7, parse), 7);
      assert.equal(invalidParamsReason(() => optional("7", parse)), "at: expected a number, got string");
    });
  });
});
