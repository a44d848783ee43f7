import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { toHex } from "../../../primitives/bytes.ts";
import { blsKeypairFromSeed, blsSign } from "../../../primitives/blsKeys.ts";
import { readingCodec, readingHash, readingSigningRoot, type Reading } from "../../../runtime/modules/pog/types.ts";

/** docs/readings.md's worked example (a generator and a battery with an import channel) is what the runtime computes. */
describe("docs/readings.md: the worked example holds", () => {
  const doc = readFileSync(new URL("../../../docs/readings.md", import.meta.url), "utf8");
  const genesis = new Uint8Array(32).fill(0x11);
  const cases: Array<[string, Reading]> = [
    ["generator", { deviceId: 3, interval: 29_924_778, cumulativeWh: 1_234_567, energyWh: 412, peakW: 3_120 }],
    ["battery", { deviceId: 7, interval: 29_924_778, cumulativeWh: 803_220, energyWh: 0, peakW: 0, cumulativeImportWh: 912_410, importWh: 2_750 }],
  ];
  for (const [what, reading] of cases) {
    it(`the ${what}'s encoding, hash and signing root`, () => {
      for (const value of [readingCodec.encode(reading), readingHash(reading), readingSigningRoot(genesis, reading)]) assert.ok(doc.includes(toHex(value)), toHex(value));
    });
  }
  it("the battery's key and signature", () => {
    const key = blsKeypairFromSeed(new Uint8Array(32).fill(0x42));
    assert.ok(doc.includes(toHex(key.publicKey)));
    assert.ok(doc.includes(toHex(blsSign(key.secretKey, readingSigningRoot(genesis, cases[1][1])))));
  });
});
