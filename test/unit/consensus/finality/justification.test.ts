import assert from "node:assert/strict";
import { blsSign } from "../../../../primitives/blsKeys.ts";
import { VoteStage, voteSigningRoot, type FinalityJustification, type FinalityVote, type SignedFinalityVote } from "../../../../primitives/finality/vote.ts";
import { decodeSigners, encodeSigners } from "../../../../primitives/finality/signerBitfield.ts";
import { JustificationError } from "../../../../consensus/finality/errors.ts";
import { buildJustification, verifyJustification } from "../../../../consensus/finality/justification.ts";
import type { VoterSet } from "../../../../consensus/finality/types.ts";
import { GENESIS, validatorKey, voterSet } from "./harness.ts";

const SET = voterSet(4);
const TARGET = { hash: new Uint8Array(32).fill(0xab), number: 7 };
const PRECOMMIT: FinalityVote = { setId: 0, round: 3, stage: VoteStage.Precommit, targetHash: TARGET.hash, targetNumber: TARGET.number };

function precommit(signer: number, vote: FinalityVote = PRECOMMIT): SignedFinalityVote {
  return { vote, signer, signature: blsSign(validatorKey(signer).secretKey, voteSigningRoot(GENESIS.hash, vote)) };
}

function code(fn: () => void): string {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof JustificationError, String(error));
    return error.code;
  }
  return "VALID";
}

describe("finality justification", () => {
  const three = buildJustification([0, 1, 3].map((i) => precommit(i)), 4);

  it("three of four equal-weight precommits prove the target final", () => {
    assert.deepEqual(three.signers, Uint8Array.of(0b1011));
    assert.equal(three.round, 3);
    assert.equal(code(() => verifyJustification(three, SET, GENESIS.hash)), "VALID");
  });

  it("rejects a bitfield naming a validator that did not sign, one of the wrong length, and bits past the set", () => {
    const withoutSigner: FinalityJustification = { ...three, signers: Uint8Array.of(0b0111) };
    assert.equal(code(() => verifyJustification(withoutSigner, SET, GENESIS.hash)), "JUSTIFICATION_BAD_SIGNATURE");
    const longer: FinalityJustification = { ...three, signers: Uint8Array.of(0b1011, 0) };
    assert.equal(code(() => verifyJustification(longer, SET, GENESIS.hash)), "JUSTIFICATION_BAD_BITFIELD");
    const pastSet: FinalityJustification = { ...three, signers: Uint8Array.of(0b1_1011) };
    assert.equal(code(() => verifyJustification(pastSet, SET, GENESIS.hash)), "JUSTIFICATION_BAD_BITFIELD");
    const empty: FinalityJustification = { ...three, signers: Uint8Array.of(0) };
    assert.equal(code(() => verifyJustification(empty, SET, GENESIS.hash)), "JUSTIFICATION_BAD_BITFIELD");
  });

  it("rejects two of four (exactly a half, not over two thirds), and weighs by stake, not by head count", () => {
    const two = buildJustification([0, 1].map((i) => precommit(i)), 4);
    assert.equal(code(() => verifyJustification(two, SET, GENESIS.hash)), "JUSTIFICATION_INSUFFICIENT_WEIGHT");
    // Validator 3 holds most of the stake: the other three together are not enough, 0 and 3 are.
    const staked: VoterSet = { setId: 0, authorities: SET.authorities.map((a, i) => ({ ...a, weight: i === 3 ? 700n : 100n })) };
    assert.equal(code(() => verifyJustification(buildJustification([0, 1, 2].map((i) => precommit(i)), 4), staked, GENESIS.hash)), "JUSTIFICATION_INSUFFICIENT_WEIGHT");
    assert.equal(code(() => verifyJustification(buildJustification([0, 3].map((i) => precommit(i)), 4), staked, GENESIS.hash)), "VALID");
  });

  it("rejects exactly two thirds of the weight", () => {
    const six = voterSet(6);
    const keys = (n: number): SignedFinalityVote[] => Array.from({ length: n }, (_, i) => precommit(i));
    assert.equal(code(() => verifyJustification(buildJustification(keys(4), 6), six, GENESIS.hash)), "JUSTIFICATION_INSUFFICIENT_WEIGHT");
    assert.equal(code(() => verifyJustification(buildJustification(keys(5), 6), six, GENESIS.hash)), "VALID");
  });

  it("rejects a bad aggregate: corrupted, of another round, target or chain, or a prevote's", () => {
    const corrupted = three.signature.slice();
    corrupted[40] ^= 1;
    assert.equal(code(() => verifyJustification({ ...three, signature: corrupted }, SET, GENESIS.hash)), "JUSTIFICATION_BAD_SIGNATURE");
    assert.equal(code(() => verifyJustification({ ...three, signature: corrupted.subarray(0, 95) }, SET, GENESIS.hash)), "JUSTIFICATION_BAD_SIGNATURE");
    assert.equal(code(() => verifyJustification({ ...three, round: 4 }, SET, GENESIS.hash)), "JUSTIFICATION_BAD_SIGNATURE");
    assert.equal(code(() => verifyJustification({ ...three, targetNumber: 8 }, SET, GENESIS.hash)), "JUSTIFICATION_BAD_SIGNATURE");
    assert.equal(code(() => verifyJustification(three, SET, new Uint8Array(32))), "JUSTIFICATION_BAD_SIGNATURE");
    const prevotes = buildJustification([0, 1, 3].map((i) => precommit(i, { ...PRECOMMIT, stage: VoteStage.Prevote })), 4);
    assert.equal(code(() => verifyJustification(prevotes, SET, GENESIS.hash)), "JUSTIFICATION_BAD_SIGNATURE");
  });

  it("rejects a justification of another authority set", () => {
    assert.equal(code(() => verifyJustification(three, { ...SET, setId: 1 }, GENESIS.hash)), "JUSTIFICATION_WRONG_SET");
  });

  it("signer bitfields have one encoding per signer set", () => {
    assert.deepEqual(encodeSigners([0, 9], 10), Uint8Array.of(0b1, 0b10));
    assert.deepEqual(decodeSigners(Uint8Array.of(0b1, 0b10), 10), [0, 9]);
    assert.equal(decodeSigners(Uint8Array.of(0b1, 0b100), 10), null);
    assert.equal(decodeSigners(Uint8Array.of(0b1), 10), null);
    assert.throws(() => encodeSigners([10], 10), RangeError);
  });
});
