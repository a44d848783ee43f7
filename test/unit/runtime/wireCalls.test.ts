import assert from "node:assert/strict";
import { callNames, findCall } from "../../../runtime/api.ts";
import { CALL_ARGS } from "../../../runtime/wire.ts";

describe("runtime/wire.ts: the clients' table of calls", () => {
  it("names every call of the runtime, each with the argument message its dispatch decodes", () => {
    assert.deepEqual(Object.keys(CALL_ARGS).sort(), [...callNames()].sort());
    for (const name of callNames()) {
      const [module, method] = name.split(".");
      const runtimeCodec = findCall(module, method)?.args;
      assert.ok(runtimeCodec, name);
      assert.equal(CALL_ARGS[name as keyof typeof CALL_ARGS].type.fullName, runtimeCodec.type.fullName, name);
      // The same schema text: a field added on one side only would show here.
      assert.deepEqual(CALL_ARGS[name as keyof typeof CALL_ARGS].type.toJSON(), runtimeCodec.type.toJSON(), name);
    }
  });
});
