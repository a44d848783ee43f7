import assert from "node:assert/strict";
import { balanceOf } from "../../../client/client.ts";
import { ClientError } from "../../../client/errors.ts";

describe("client balanceOf (system_account's answer decoded)", () => {
  it("parses the decimal-string nonce into a number that compares equal to one", () => {
    const b = balanceOf({ nonce: "7", free: "1000000000000000000000", reserved: "0" });
    assert.equal(b.nonce, 7);
    assert.equal(typeof b.nonce, "number");
    assert.equal(b.free, 10n ** 21n);
    assert.equal(b.reserved, 0n);
    assert.equal(balanceOf({ nonce: "0", free: "0", reserved: "5" }).nonce, 0);
  });

  it("refuses a nonce that is not a decimal safe integer with BAD_RESPONSE", () => {
    for (const nonce of ["", "-1", "07", "1.5", "0x10", "9007199254740993", 3 as unknown as string]) {
      assert.throws(() => balanceOf({ nonce, free: "0", reserved: "0" }), (e) => e instanceof ClientError && e.code === "BAD_RESPONSE", String(nonce));
    }
    assert.throws(() => balanceOf({ nonce: "1", free: "x", reserved: "0" }), (e) => e instanceof ClientError && e.code === "BAD_RESPONSE");
  });
});
