import { strict as assert } from "node:assert";
import { bigintToBytes, bytesEqual } from "../../../primitives/bytes.ts";
import { devKeypair } from "../../../primitives/keys/devAccounts.ts";
import { nullLogger } from "../../../primitives/logger.ts";
import { signExtrinsic } from "../../../runtime/extrinsicSigning.ts";
import { signAuthoringPop, signFinalityPop, devFinalityKeypair } from "../../../runtime/modules/staking/keys.ts";
import { amountArgsCodec, validateArgsCodec } from "../../../runtime/modules/staking/types.ts";
import { FinalityProofError, FinalityProver } from "../../../node/finality/finalityProver.ts";
import { SetChangeRecorder } from "../../../node/finality/setChangeRecorder.ts";
import { SetChangeRepository } from "../../../node/finality/setChangeRepository.ts";
import { finalitySetAt } from "../../../node/finality/voterSets.ts";
import { finalityProofCodec, LightVerifyError, verifyFinalityProof, type Checkpoint } from "../../../light/index.ts";
import { auraPreDigest } from "../../../primitives/digest.ts";
import { orderedTrieRoot } from "../../../primitives/trie/trie.ts";
import { sealHeader } from "../../../consensus/aura/seal.ts";
import { slotAt } from "../../../consensus/aura/slots.ts";
import { applyStateChanges } from "../../../node/chain/chain.ts";
import { aura } from "../../../runtime/api.ts";
import type { Block } from "../../../primitives/codec/index.ts";
import { buildGenesisBlock, openValidator, shortSessionSpec, type Validator, VALIDATORS, VoteHub, waitFor } from "./harness.ts";

/** Sessions of 4 blocks: a bond changed in session s changes the finality set after block 4(s + 2) − 1. */
const SESSION_BLOCKS = 4;

const genesis = buildGenesisBlock(shortSessionSpec(SESSION_BLOCKS));

const AKRE = 10n ** 18n;

function bondCall(name: string, method: "bond" | "bondExtra", nonce: number, amount: bigint): Uint8Array {
  return signExtrinsic(genesis.hash, devKeypair(name).secretSeed, { module: "staking", method, args: amountArgsCodec.encode({ value: bigintToBytes(amount) }) }, { nonce });
}

/** `staking.validate` with `name`'s dev session keys and their proofs of possession: a new validator candidate. */
function validateCall(name: string, nonce: number): Uint8Array {
  const stash = devKeypair(name);
  const finality = devFinalityKeypair(name);
  const args = validateArgsCodec.encode({
    authoringKey: stash.publicKey,
    finalityKey: finality.publicKey,
    finalityKeyProof: signFinalityPop(finality, genesis.hash, stash.publicKey),
    authoringKeyProof: signAuthoringPop(stash, genesis.hash, stash.publicKey),
  });
  return signExtrinsic(genesis.hash, stash.secretSeed, { module: "staking", method: "validate", args }, { nonce });
}

/** Eve joins without running a finality service: she authors in her slots, the four others finalize (her stake is small). */
const AUTHORS = [...VALIDATORS, "Eve"];

describe("finality proofs: four validators, then a fifth that joins, hand over between authority sets on LevelDB chains", function () {
  this.timeout(120_000);
  const validators: Validator[] = [];
  let records: SetChangeRepository;
  let recorder: SetChangeRecorder;
  let prover: FinalityProver;
  let genesisCheckpoint: Checkpoint;

  /** Slots start 1,000 slots in the past, so the Aura verifier accepts the blocks at once. */
  let slot = slotAt(Date.now(), 1000) - 1000n;

  /**
   * The next block, sealed by the slot's author in the parent state's Aura order (elections
   * reorder the authorities by stake, so the order is read, not assumed).
   */
  function build(extrinsics: Uint8Array[]): Block {
    const { chain, executive } = validators[0];
    const parent = chain.best;
    const state = chain.stateAt(parent.hash);
    const authorities = aura.authorities(state);
    const s = ++slot;
    const owner = authorities[Number(s % BigInt(authorities.length))];
    const name = AUTHORS.find((n) => bytesEqual(devKeypair(n).publicKey, owner));
    assert.ok(name, "the slot's author is a dev validator");
    const digest = [auraPreDigest(s)];
    const ctx = executive.initializeBlock(state, { number: parent.number + 1, parentHash: parent.hash, digest });
    extrinsics.forEach((xt, i) => executive.applyExtrinsic(ctx, xt, i));
    const { root } = applyStateChanges(state, executive.finalizeBlock(ctx));
    const header = sealHeader({ parentHash: parent.hash, number: parent.number + 1, stateRoot: root, extrinsicsRoot: orderedTrieRoot(extrinsics), digest }, devKeypair(name).secretSeed);
    return { header, extrinsics };
  }

  /** Authors one block (with `extrinsics`), imports it everywhere and waits until every validator finalized it. */
  async function produceFinalized(extrinsics: Uint8Array[] = []): Promise<void> {
    const block = build(extrinsics);
    for (const v of validators) await v.chain.importBlock(block, "network");
    await waitFor(() => validators.every((v) => v.chain.finalized.number === block.header.number), 20_000, `every validator finalizes #${block.header.number}`);
  }

  before(async () => {
    const hub = new VoteHub();
    for (const name of VALIDATORS) validators.push(await openValidator(genesis, name, hub));
    records = new SetChangeRepository(validators[0].db);
    recorder = new SetChangeRecorder({}, { chain: validators[0].chain, records, logger: nullLogger() });
    await recorder.start();
    prover = new FinalityProver({}, { chain: validators[0].chain, records, recorder });
    for (const v of validators) await v.service.start();
    const set0 = finalitySetAt(validators[0].chain, genesis.hash);
    assert.ok(set0 !== null);
    genesisCheckpoint = { genesisHash: genesis.hash, setId: 0, authorities: set0.authorities.map((a) => ({ finalityKey: a.finalityKey, weight: a.weight })), instantAuthority: null };
    // Alice bonds more in session 0, Bob in session 2, and Eve joins in session 4 (bond, then
    // validate): sets 1, 2 and 3 take over after blocks 7, 15 and 23.
    const extrinsics: Record<number, Uint8Array[]> = {
      1: [bondCall("Alice", "bondExtra", 0, AKRE)],
      9: [bondCall("Bob", "bondExtra", 0, 2n * AKRE)],
      17: [bondCall("Eve", "bond", 0, 20_000n * AKRE), validateCall("Eve", 1)],
    };
    for (let n = 1; n <= 30; n++) {
      const xts = extrinsics[n] ?? [];
      await produceFinalized(xts);
    }
    await recorder.idle();
  });

  after(async () => {
    await recorder.stop();
    for (const v of validators) await v.service.stop();
    for (const v of validators) await v.close();
  });

  it("records each hand-over, and proves finality from genesis through all three with light/", async () => {
    const current = finalitySetAt(validators[0].chain, validators[0].chain.finalized.hash);
    assert.equal(current?.setId, 3, "three set changes happened");
    assert.equal(current.authorities.length, 5, "Eve joined the set");
    assert.equal(records.getSync(0)?.nextSetId, 1);
    assert.equal(records.getSync(1)?.nextSetId, 2);
    assert.equal(records.getSync(2)?.nextSetId, 3);
    assert.equal(records.getSync(3), undefined);
    const proof = await prover.prove(0);
    const result = verifyFinalityProof(genesisCheckpoint, proof);
    assert.equal(result.complete, true);
    assert.equal(result.fragments, 4);
    assert.equal(result.setId, 3);
    assert.ok(bytesEqual(result.hash, validators[0].chain.finalized.hash), "the proof ends at the finalized head");
    assert.deepEqual(result.authorities.map((a) => a.weight), current.authorities.map((a) => a.weight));
  });

  it("proves from a later set, continues a proof cut by the size bound, and refuses an unknown set", async () => {
    const handover = records.getSync(0);
    assert.ok(handover);
    const set1 = finalitySetAt(validators[0].chain, validators[0].chain.hashAt(handover.number) as Uint8Array);
    assert.equal(set1?.setId, 1);
    const checkpoint1: Checkpoint = { ...genesisCheckpoint, setId: 1, authorities: set1.authorities.map((a) => ({ finalityKey: a.finalityKey, weight: a.weight })) };
    const fromSet1 = await prover.prove(1);
    assert.equal(verifyFinalityProof(checkpoint1, fromSet1).setId, 3);
    // From the genesis checkpoint, set 1's proof names a set the verifier has not reached.
    assert.throws(() => verifyFinalityProof(genesisCheckpoint, fromSet1), (e: unknown) => e instanceof LightVerifyError && e.code === "JUSTIFICATION_WRONG_SET");
    const small = new FinalityProver({ maxBytes: handover.fragment.length + 64 }, { chain: validators[0].chain, records, recorder });
    const part = verifyFinalityProof(genesisCheckpoint, await small.prove(0));
    assert.equal(part.complete, false);
    assert.equal(part.setId, 1);
    const rest = verifyFinalityProof({ ...genesisCheckpoint, setId: part.setId, authorities: part.authorities }, await prover.prove(part.setId));
    assert.equal(rest.complete, true);
    assert.ok(bytesEqual(rest.hash, validators[0].chain.finalized.hash));
    await assert.rejects(() => prover.prove(4), (e: unknown) => e instanceof FinalityProofError && e.code === "UNKNOWN_SET");
    await assert.rejects(() => new FinalityProver({ maxBytes: 100 }, { chain: validators[0].chain, records, recorder }).prove(0), (e: unknown) => e instanceof FinalityProofError && e.code === "FRAGMENT_TOO_LARGE");
  });

  it("refuses a node's proof whose hand-over carries another block's set proof", async () => {
    const proof = finalityProofCodec.decode(await prover.prove(0));
    proof.fragments[0].setProof = proof.fragments[1].setProof;
    assert.throws(() => verifyFinalityProof(genesisCheckpoint, finalityProofCodec.encode(proof)), (e: unknown) => e instanceof LightVerifyError && e.code === "SET_PROOF_INVALID");
  });

  it("a recorder started on a database that has none catches up from the finalized chain", async () => {
    // Wipe the records by scanning into a fresh repository on the same chain: same bytes, same hand-overs.
    const fresh = new SetChangeRepository(validators[1].db);
    assert.equal(fresh.scannedUpTo(), 0);
    const late = new SetChangeRecorder({}, { chain: validators[1].chain, records: fresh, logger: nullLogger() });
    await late.start();
    await late.stop();
    assert.equal(fresh.scannedUpTo(), validators[1].chain.finalized.number);
    assert.equal(fresh.getSync(0)?.nextSetId, 1);
    assert.equal(fresh.getSync(1)?.nextSetId, 2);
    assert.equal(fresh.getSync(2)?.nextSetId, 3);
    const freshProver = new FinalityProver({}, { chain: validators[1].chain, records: fresh, recorder: null });
    assert.equal(verifyFinalityProof(genesisCheckpoint, await freshProver.prove(0)).setId, 3);
    // A hand-over the node never recorded (its state pruned before it was examined) is reported, not skipped.
    await fresh.batch([fresh.delOp(1)]);
    await assert.rejects(() => freshProver.prove(0), (e: unknown) => e instanceof FinalityProofError && e.code === "MISSING_SET_CHANGE");
  });
});
