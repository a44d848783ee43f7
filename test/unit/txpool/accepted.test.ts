import { strict as assert } from "node:assert";
import { nullLogger } from "../../../primitives/logger.ts";
import { TxPool, type ValidTransaction } from "../../../node/txpool/index.ts";
import { FakeValidator, fakeTx } from "./fakeValidator.ts";

describe("TxPool.onAccepted (what the network announces)", () => {
  it("hears of transactions accepted from a local origin, not of gossiped or refused ones", () => {
    const pool = new TxPool({}, { validator: new FakeValidator(), logger: nullLogger(), metrics: null });
    const heard: ValidTransaction[] = [];
    pool.onAccepted((txs) => heard.push(...txs));
    const local = fakeTx({ sender: "A", nonce: 0 });
    pool.submit(local);
    pool.submit(fakeTx({ sender: "B", nonce: 0 }), { origin: "gossip" });
    assert.throws(() => pool.submit(fakeTx({ sender: "C", nonce: 0, badSignature: true })));
    assert.throws(() => pool.submit(local), "a duplicate is refused");
    assert.deepEqual(heard.map((tx) => tx.bytes), [local]);
    assert.equal(pool.status(heard[0].hash)?.type, "ready", "the pool is consistent when listeners hear of it");
  });
});
