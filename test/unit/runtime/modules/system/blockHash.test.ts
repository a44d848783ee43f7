import { strict as assert } from "node:assert";
import { fromHex } from "../../../../../primitives/bytes.ts";
import { InvalidTransaction } from "../../../../../runtime/framework/errors.ts";
import { storagePrefix } from "../../../../../runtime/framework/storage.ts";
import { BLOCK_HASH_COUNT } from "../../../../../runtime/modules/system/hooks.ts";
import { BlockHash } from "../../../../../runtime/modules/system/storage.ts";
import { remarkArgs } from "../../../../../runtime/modules/system/types.ts";
import { TestChain } from "../../../../utils/runtime.ts";

const remark = { module: "system", method: "remark", args: remarkArgs.encode({ remark: fromHex("0x01") }) };

function outdated(chain: TestChain, xt: Uint8Array, at: number): boolean {
  try {
    chain.executive.validateTransaction(chain.state(), xt, at);
    return false;
  } catch (e) {
    if (e instanceof InvalidTransaction && e.type.code === "OUTDATED") return true;
    throw e;
  }
}

describe("system.BlockHash keeps the last BLOCK_HASH_COUNT blocks", function () {
  this.timeout(120_000);

  it("past 4,096 blocks, each block removes the hash that falls out; mortality still follows birth and period", () => {
    const chain = new TestChain();
    const hashes = [chain.head.hash];
    const last = BLOCK_HASH_COUNT + 4;
    while (chain.head.header.number < last) hashes.push(chain.produceBlock([]).hash);
    const state = chain.state();
    // Block n's state holds the hashes of n − 4,096 … n − 1.
    for (let n = 0; n < last - BLOCK_HASH_COUNT; n++) assert.equal(BlockHash.get(state, n), undefined, `block ${n}'s hash removed`);
    for (const n of [last - BLOCK_HASH_COUNT, last - 2, last - 1]) assert.deepEqual(BlockHash.get(state, n), hashes[n], `block ${n}'s hash kept`);
    assert.equal([...state.entries(storagePrefix("system", "BlockHash"))].length, BLOCK_HASH_COUNT);

    // Mortality reads block numbers only: a transaction born at a block whose hash is gone is
    // valid inside its period, one whose period has passed is refused as before.
    const next = last + 1;
    const bornInside = chain.sign("Alice", remark, { nonce: 0, mortality: { birth: last - 10, period: 64 } });
    const bornLongAgo = chain.sign("Alice", remark, { nonce: 0, mortality: { birth: 2, period: 2 * BLOCK_HASH_COUNT } });
    const passed = chain.sign("Alice", remark, { nonce: 0, mortality: { birth: 2, period: 64 } });
    assert.equal(BlockHash.get(state, 2), undefined);
    assert.equal(outdated(chain, bornInside, next), false);
    assert.equal(outdated(chain, bornLongAgo, next), false);
    assert.equal(outdated(chain, passed, next), true);
    const applied = chain.produceBlock([bornLongAgo]).results[0];
    assert.ok(!(applied instanceof InvalidTransaction), "a long-lived mortal transaction is included");
  });
});
