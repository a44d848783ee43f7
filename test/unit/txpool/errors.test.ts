import assert from "node:assert/strict";
import { TX_POOL_RPC_CODES, TxPoolError } from "../../../node/txpool/errors.ts";

describe("TxPoolError", () => {
  it("maps every code to Substrate's author_* JSON-RPC error code", () => {
    assert.deepEqual(TX_POOL_RPC_CODES, {
      INVALID: 1010,
      UNKNOWN: 1011,
      TEMPORARILY_BANNED: 1012,
      ALREADY_IMPORTED: 1013,
      PRIORITY_TOO_LOW: 1014,
      CYCLE_DETECTED: 1015,
      IMMEDIATELY_DROPPED: 1016,
    });
    assert.equal(new TxPoolError({ code: "CYCLE_DETECTED" }).rpcCode, 1015);
  });

  it("reads like Substrate's messages and carries structured data", () => {
    const badProof = TxPoolError.invalid("BAD_PROOF");
    assert.equal(badProof.message, "Transaction has a bad signature");
    assert.equal(badProof.rpcCode, 1010);
    assert.deepEqual(badProof.toObject(), { code: "INVALID", reason: "BAD_PROOF" });
    assert.equal(TxPoolError.invalid("PAYMENT").message, "Inability to pay some fees (e.g. account balance too low)");
    assert.equal(TxPoolError.invalid("STALE", "nonce 1, account nonce 3").message, "Transaction is outdated: nonce 1, account nonce 3");
    const low = new TxPoolError({ code: "PRIORITY_TOO_LOW", old: 10n, new: 5n });
    assert.equal(low.message, "Priority is too low: (10 vs 5)");
    assert.deepEqual(low.toObject(), { code: "PRIORITY_TOO_LOW", old: "10", new: "5" });
  });
});
