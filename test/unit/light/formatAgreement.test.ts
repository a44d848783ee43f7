import { strict as assert } from "node:assert";
import { toHex } from "../../../primitives/bytes.ts";
import { lightFinalitySetCodec, weightOf } from "../../../light/codec.ts";
import { FINALITY_AUTHORITIES_KEY, storageMapKey, storageValueKey } from "../../../light/storageKeys.ts";
import { FinalityAuthorities, Ledger } from "../../../runtime/modules/staking/storage.ts";
import { finalitySetCodec } from "../../../runtime/modules/staking/types.ts";
import { Account } from "../../../runtime/modules/system/storage.ts";
import { BROWSER_PACKAGES, scanImportGraph } from "../client/browserCompat.test.ts";

/** light/ loads, besides the client's browser packages, herumi's BLS in WebAssembly (no Node built-in: the WASM is embedded as bytes). */
const LIGHT_PACKAGES = [...BROWSER_PACKAGES, /^bls-eth-wasm$/];

/** light/ restates a few runtime layouts so that it depends on nothing of the node: they must agree. */
describe("light: agrees with the runtime's layouts, and loads nothing a browser lacks", () => {
  it("storage keys: the finality set's, a map entry's (a balance, a ledger)", () => {
    assert.equal(toHex(FINALITY_AUTHORITIES_KEY), toHex(FinalityAuthorities.key));
    const account = new Uint8Array(32).fill(9);
    assert.equal(toHex(storageMapKey("staking", "Ledger", account)), toHex(Ledger.key(account)));
    assert.equal(toHex(storageMapKey("system", "Account", account)), toHex(Account.key(account)));
    assert.equal(toHex(storageValueKey("staking", "FinalityAuthorities")), toHex(FINALITY_AUTHORITIES_KEY));
  });

  it("decodes the staking module's finality set record as the runtime encodes it", () => {
    const record = { setId: 7, authorities: [{ account: new Uint8Array(32).fill(1), finalityKey: new Uint8Array(48).fill(2), weight: 10n ** 21n }], changedAt: 1234, lastSession: 61 };
    const light = lightFinalitySetCodec.decode(finalitySetCodec.encode(record));
    assert.equal(light.setId, 7);
    assert.equal(light.changedAt, 1234);
    assert.equal(light.lastSession, 61);
    assert.equal(weightOf(light.authorities[0].weight), 10n ** 21n);
    assert.equal(toHex(light.authorities[0].finalityKey), toHex(record.authorities[0].finalityKey));
    assert.throws(() => weightOf(Uint8Array.of(0, 1)), RangeError);
  });

  it("light/index.ts loads no Node built-in, native package (no blst) or Node global", () => {
    const { files, findings } = scanImportGraph("light/index.ts", LIGHT_PACKAGES);
    assert.ok(files.includes("light/bls.ts") && files.includes("primitives/trie/proof.ts"), files.join(", "));
    assert.ok(!files.some((f) => f.startsWith("node/") || f.startsWith("runtime/") || f.startsWith("consensus/")), files.join(", "));
    assert.deepEqual(findings, []);
  });
});
