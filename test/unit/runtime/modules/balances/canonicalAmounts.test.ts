import { strict as assert } from "node:assert";
import { codecs } from "../../../../../primitives/codec/index.ts";
import { InvalidTransaction } from "../../../../../runtime/framework/errors.ts";
import { transferArgs } from "../../../../../runtime/modules/balances/types.ts";
import { AKRE, TestChain, publicKeyOf } from "../../../../utils/runtime.ts";

describe("amounts must be minimally encoded", () => {
  it("rejects a tip with a leading zero byte as MALFORMED", () => {
    const chain = new TestChain();
    const xt = codecs.signedExtrinsic.decode(chain.sign("Alice", { module: "system", method: "remark", args: new Uint8Array() }, { nonce: 0, tip: 5n }));
    const padded = codecs.signedExtrinsic.encode({ ...xt, tip: Uint8Array.of(0, 5) });
    const { results } = chain.produceBlock([padded]);
    assert.ok(results[0] instanceof InvalidTransaction && results[0].code === "MALFORMED");
  });

  it("fails a transfer whose value has a leading zero byte with InvalidAmount, moving nothing", () => {
    const chain = new TestChain();
    const bob = publicKeyOf("Bob");
    const before = chain.account(bob).free;
    const call = { module: "balances", method: "transfer", args: transferArgs.encode({ dest: bob, value: Uint8Array.of(0, 1) }) };
    chain.produceBlock([chain.sign("Alice", call, { nonce: 0 })]);
    assert.equal(chain.account(bob).free, before);
    const failed = chain.events().find((e) => e.name === "ExtrinsicFailed");
    assert.deepEqual(failed?.data, { module: "balances", error: "InvalidAmount" });
    assert.ok(chain.account(publicKeyOf("Alice")).free < 1_000_000n * AKRE, "the fee is still paid");
  });
});
