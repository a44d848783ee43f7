import { strict as assert } from "node:assert";
import { nullLogger } from "../../../primitives/logger.ts";
import { TxPool } from "../../../node/txpool/index.ts";
import { FakeValidator, fakeTx } from "./fakeValidator.ts";

describe("TxPool.nextNonce (system_accountNextIndex)", () => {
  it("skips the sender's pooled nonces from the chain's nonce on, up to the first gap, and ignores other senders", () => {
    const pool = new TxPool({}, { validator: new FakeValidator(), logger: nullLogger(), metrics: null });
    for (const nonce of [0, 1, 3]) pool.submit(fakeTx({ sender: "A", nonce }));
    pool.submit(fakeTx({ sender: "B", nonce: 0 }));
    assert.equal(pool.nextNonce("A", 0), 2);
    assert.equal(pool.nextNonce("A", 3), 4);
    assert.equal(pool.nextNonce("B", 0), 1);
    assert.equal(pool.nextNonce("C", 5), 5);
  });
});
