import assert from "node:assert/strict";
import { devKeypair } from "../../../primitives/keys/devAccounts.ts";
import { INSTANT_FINALITY_ENGINE, signInstantJustification, verifyInstantJustification } from "../../../consensus/instantFinality.ts";

describe("instant finality justification", () => {
  const alice = devKeypair("Alice");
  const genesisHash = new Uint8Array(32).fill(0x47);
  const blockHash = new Uint8Array(32).fill(0xb1);
  const justification = signInstantJustification(alice.secretSeed, genesisHash, blockHash);

  it("verifies for the block it was made for, under the instant-finality engine id", () => {
    assert.deepEqual(justification.engine, INSTANT_FINALITY_ENGINE);
    assert.equal(verifyInstantJustification(alice.publicKey, genesisHash, blockHash, justification), true);
  });

  it("fails for another block, another chain or another authority", () => {
    const other = new Uint8Array(32).fill(0xb2);
    assert.equal(verifyInstantJustification(alice.publicKey, genesisHash, other, justification), false);
    assert.equal(verifyInstantJustification(alice.publicKey, other, blockHash, justification), false);
    assert.equal(verifyInstantJustification(devKeypair("Bob").publicKey, genesisHash, blockHash, justification), false);
  });

  it("fails for a corrupted or truncated signature", () => {
    const data = justification.data.slice();
    data[0] ^= 1;
    assert.equal(verifyInstantJustification(alice.publicKey, genesisHash, blockHash, { ...justification, data }), false);
    const truncated = { ...justification, data: justification.data.subarray(0, 63) };
    assert.equal(verifyInstantJustification(alice.publicKey, genesisHash, blockHash, truncated), false);
  });
});
