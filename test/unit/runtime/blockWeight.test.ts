import { strict as assert } from "node:assert";
import { devChainSpec } from "../../../genesis/presets.ts";
import { InvalidTransaction } from "../../../runtime/framework/errors.ts";
import { TRANSFER_WEIGHT, TestChain, publicKeyOf, remarkCall, transferCall } from "../../utils/runtime.ts";

function specWithMaxWeight(maxBlockWeight: number) {
  const spec = devChainSpec();
  if (!("runtimeGenesis" in spec.genesis)) throw new Error("expected a runtime genesis");
  spec.genesis.runtimeGenesis.config.system.maxBlockWeight = maxBlockWeight;
  return spec;
}

describe("block weight limit", () => {
  it("stops filling a block at maxBlockWeight: the extrinsic that would exceed it is BLOCK_FULL (it fits a later block)", () => {
    const chain = new TestChain(specWithMaxWeight(Number(TRANSFER_WEIGHT) * 2));
    const bob = publicKeyOf("Bob");
    const xts = [0, 1, 2].map((nonce) => chain.sign("Alice", transferCall(bob, 1_000_000_000_000_000n), { nonce }));
    const { block, results } = chain.produceBlock(xts);
    assert.equal(block.extrinsics.length, 2);
    assert.ok(results[2] instanceof InvalidTransaction && results[2].code === "BLOCK_FULL");
  });

  it("refuses at validation a call heavier than a whole block", () => {
    const chain = new TestChain(specWithMaxWeight(999));
    const xt = chain.sign("Alice", remarkCall(new Uint8Array(1)), { nonce: 0 });
    assert.throws(
      () => chain.executive.validateTransaction(chain.state(), xt, 1),
      (e: unknown) => e instanceof InvalidTransaction && e.code === "EXHAUSTS_RESOURCES",
    );
  });
});
