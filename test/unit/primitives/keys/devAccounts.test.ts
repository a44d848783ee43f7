import assert from "node:assert/strict";
import { toHex } from "../../../../primitives/bytes.ts";
import { DEV_ACCOUNT_NAMES, devKeypair, isDevAccountName } from "../../../../primitives/keys/devAccounts.ts";
import { SecretUriError } from "../../../../primitives/keys/errors.ts";
import { encodeAddress } from "../../../../primitives/keys/ss58.ts";
import { keypairFromSuri } from "../../../../primitives/keys/suri.ts";

describe("dev accounts", () => {
  it("are //Alice … //Ferdie, as Substrate derives them", () => {
    assert.deepEqual(DEV_ACCOUNT_NAMES, ["Alice", "Bob", "Charlie", "Dave", "Eve", "Ferdie"]);
    assert.equal(encodeAddress(devKeypair("Alice").publicKey), "5FA9nQDVg267DEd8m1ZypXLBnvN7SFxYwV7ndqSYGiN9TTpu");
    assert.equal(toHex(devKeypair("Bob").publicKey), "0xd17c2d7823ebf260fd138f2d7e27d114c0145d968b5ff5006125f2414fadae69");
    for (const name of DEV_ACCOUNT_NAMES) assert.deepEqual(devKeypair(name), keypairFromSuri(`//${name}`));
  });

  it("are six distinct accounts", () => {
    const keys = new Set(DEV_ACCOUNT_NAMES.map((name) => toHex(devKeypair(name).publicKey)));
    assert.equal(keys.size, 6);
  });

  it("are derived once and shared", () => {
    assert.equal(devKeypair("Dave"), devKeypair("Dave"));
  });

  it("reject unknown names with a typed error", () => {
    assert.equal(isDevAccountName("Alice"), true);
    assert.equal(isDevAccountName("alice"), false);
    assert.throws(() => devKeypair("Mallory"), (error: unknown) => error instanceof SecretUriError && error.code === "UNKNOWN_DEV_ACCOUNT");
  });
});
