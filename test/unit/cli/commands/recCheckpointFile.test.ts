import { strict as assert } from "node:assert";
import { toHex } from "../../../../primitives/bytes.ts";
import { checkpointFromFile, checkpointToFile } from "../../../../cli/commands/rec.ts";

describe("rec checkpoint files (checkpointFromFile)", () => {
  const file = {
    format: "arkreen-finality-checkpoint",
    genesisHash: toHex(new Uint8Array(32).fill(1)),
    setId: 3,
    authorities: [{ finalityKey: toHex(new Uint8Array(48).fill(2)), weight: "10" }],
    instantAuthority: null,
  };

  it("reads a valid file back as written", () => {
    const checkpoint = checkpointFromFile(file);
    assert.equal(checkpoint.setId, 3);
    assert.deepEqual(checkpointToFile(checkpoint), file);
  });

  it("refuses a missing, non-numeric, negative or fractional setId with a message naming the field", () => {
    for (const setId of [undefined, null, "", "3", [], true, -1, 1.5, Number.NaN, 2 ** 60]) {
      assert.throws(() => checkpointFromFile({ ...file, setId }), /^Error: setId: expected a non-negative integer/, `setId ${String(setId)}`);
    }
  });
});
