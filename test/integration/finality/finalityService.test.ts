import { strict as assert } from "node:assert";
import { blsSign } from "../../../primitives/blsKeys.ts";
import { bytesEqual, toHex } from "../../../primitives/bytes.ts";
import { codecs, type Block, type Justification } from "../../../primitives/codec/index.ts";
import {
  equivocationProofCodec,
  finalityJustificationCodec,
  isEquivocation,
  signedFinalityVoteCodec,
  VoteStage,
  voteSigningRoot,
  type FinalityVote,
  type SignedFinalityVote,
} from "../../../primitives/finality/vote.ts";
import { devKeypair } from "../../../primitives/keys/devAccounts.ts";
import { BLS_FINALITY_ENGINE, verifyJustification } from "../../../consensus/finality/index.ts";
import { signInstantJustification } from "../../../consensus/instantFinality.ts";
import { headerHash } from "../../../node/chain/chain.ts";
import { VoteRepository } from "../../../node/db/voteRepository.ts";
import { ApplyJustificationError } from "../../../node/finality/errors.ts";
import { applyJustification, usesFinalityGadget } from "../../../node/finality/finalityService.ts";
import { encodeVoteMessage } from "../../../node/finality/voteGossip.ts";
import { finalitySetAt } from "../../../node/finality/voterSets.ts";
import { reportEquivocationArgsCodec } from "../../../runtime/modules/staking/types.ts";
import { devFinalityKeypair } from "../../../runtime/modules/staking/keys.ts";
import { Offences } from "../../../runtime/modules/staking/storage.ts";
import { fastDevSpec } from "../../../harness/devNode.ts";
import { BlockAuthor, buildGenesisBlock, localSpec, openNode, openValidator, VALIDATORS, verifier, VoteHub, waitFor, type ChainNode, type Validator } from "./harness.ts";

const genesis = buildGenesisBlock(localSpec());
const gossiped = (vote: SignedFinalityVote): Uint8Array => encodeVoteMessage(vote, Date.now());

/** Counts the same-message signature checks of the verifier every validator of the harness shares. */
function countSignatureChecks(): { count: number; restore(): void } {
  const original = verifier.verifySameMessage;
  const counter = {
    count: 0,
    restore: () => {
      verifier.verifySameMessage = original;
    },
  };
  verifier.verifySameMessage = (...args) => {
    counter.count++;
    return original.apply(verifier, args);
  };
  return counter;
}

describe("finality service: four validators on LevelDB chains", function () {
  this.timeout(30_000);
  let validators: Validator[] = [];
  let others: ChainNode[] = [];
  let blocks: Block[] = [];
  let author: BlockAuthor;

  /** Authors `count` blocks on the first validator's chain and imports each into every chain. */
  async function produce(count: number, extrinsics: () => Uint8Array[] = () => []): Promise<Block[]> {
    const made: Block[] = [];
    for (let i = 0; i < count; i++) {
      const block = author.build(validators[0].chain, validators[0].executive, extrinsics());
      for (const v of validators) await v.chain.importBlock(block, "network");
      made.push(block);
      blocks.push(block);
    }
    return made;
  }

  before(async () => {
    const hub = new VoteHub();
    validators = [];
    for (const name of VALIDATORS) validators.push(await openValidator(genesis, name, hub));
    for (const v of validators) await v.service.start();
    author = new BlockAuthor(VALIDATORS);
    blocks = [];
    others = [];
  });

  after(async () => {
    for (const v of validators) await v.service.stop();
    for (const n of [...validators, ...others]) await n.close();
  });

  it("runs the gadget on the local chain, not on the single-authority dev chain", async () => {
    assert.equal(usesFinalityGadget(validators[0].chain), true);
    const dev = await openNode(buildGenesisBlock(fastDevSpec(1000)));
    others.push(dev);
    assert.equal(usesFinalityGadget(dev.chain), false);
  });

  it("all finalize the same blocks, each storing a BLS justification that verifies against the staking set", async () => {
    await produce(4);
    const tip = headerHash(blocks[3].header);
    await waitFor(() => validators.every((v) => v.chain.finalized.number === 4), 15_000, "every validator finalizes #4");
    const set = finalitySetAt(validators[0].chain, genesis.hash);
    assert.ok(set !== null && set.authorities.length === 4);
    for (const v of validators) {
      assert.equal(toHex(v.chain.finalized.hash), toHex(tip), `${v.name} finalized the same block`);
      const stored = v.chain.justification(tip);
      assert.ok(stored && bytesEqual(stored.engine, BLS_FINALITY_ENGINE), `${v.name} stored a BLS justification`);
      const j = finalityJustificationCodec.decode(stored.data);
      assert.ok(bytesEqual(j.targetHash, tip));
      verifyJustification(j, set, genesis.hash);
    }
    // Finality keeps up as the chain grows.
    await produce(2);
    await waitFor(() => validators.every((v) => v.chain.finalized.number === 6), 15_000, "every validator finalizes #6");
    // Each vote is accepted once; its re-broadcasts are duplicates, ignored without a signature check.
    assert.ok(validators.every((v) => v.verdicts.includes("accept") && v.verdicts.every((x) => x === "accept" || x === "ignore")), "honest votes are accepted, never rejected");
  });

  it("applyJustification finalizes a fresh chain with a gadget justification and rejects tampered ones", async () => {
    const fresh = await openNode(genesis);
    others.push(fresh);
    for (const b of blocks) await fresh.chain.importBlock(b, "network");
    const target = validators[0].chain.finalized.hash;
    const good = validators[0].chain.justification(target) as Justification;
    const j = finalityJustificationCodec.decode(good.data);
    const bfin = (patch: Partial<typeof j>): Justification => ({ engine: BLS_FINALITY_ENGINE, data: finalityJustificationCodec.encode({ ...j, ...patch }) });
    const signature = Uint8Array.from(j.signature);
    signature[10] ^= 1;
    const earlier = headerHash(blocks[1].header);

    const rejected: Array<[string, Uint8Array, Justification, ApplyJustificationError["code"], string?]> = [
      ["a flipped signature bit", target, bfin({ signature }), "INVALID"],
      ["one signer only", target, bfin({ signers: Uint8Array.of(0b0001) }), "INVALID", "JUSTIFICATION_INSUFFICIENT_WEIGHT"],
      ["another set id", target, bfin({ setId: j.setId + 1 }), "INVALID", "JUSTIFICATION_WRONG_SET"],
      ["another round", target, bfin({ round: j.round + 1 }), "INVALID", "JUSTIFICATION_BAD_SIGNATURE"],
      ["the justification of another block", earlier, good, "TARGET_MISMATCH"],
      ["garbage data", target, { engine: BLS_FINALITY_ENGINE, data: Uint8Array.of(0xff, 0xff, 0xff) }, "MALFORMED"],
      ["an unknown engine", target, { engine: Uint8Array.of(1, 2, 3, 4), data: good.data }, "UNKNOWN_ENGINE"],
      ["a dev instant-finality signature on a four-authority chain", target, signInstantJustification(devKeypair("Alice").secretSeed, genesis.hash, target), "NOT_SINGLE_AUTHORITY"],
    ];
    for (const [what, hash, justification, code, reason] of rejected) {
      await assert.rejects(
        applyJustification(fresh.chain, hash, justification, genesis.hash),
        (e: unknown) => e instanceof ApplyJustificationError && e.code === code && (reason === undefined || (e.type as { reason?: string }).reason === reason),
        what,
      );
      assert.equal(fresh.chain.finalized.number, 0, `nothing finalized after ${what}`);
    }
    await applyJustification(fresh.chain, target, good, genesis.hash);
    assert.ok(bytesEqual(fresh.chain.finalized.hash, target));
    assert.deepEqual(fresh.chain.justification(target), good);
  });

  it("applyJustification accepts the dev chain's instant finality and refuses another key's", async () => {
    const spec = fastDevSpec(1000);
    const devGenesis = buildGenesisBlock(spec);
    const dev = await openNode(devGenesis);
    others.push(dev);
    const block = new BlockAuthor(["Alice"]).build(dev.chain, dev.executive);
    await dev.chain.importBlock(block, "network");
    const hash = headerHash(block.header);
    await assert.rejects(
      applyJustification(dev.chain, hash, signInstantJustification(devKeypair("Bob").secretSeed, devGenesis.hash, hash), devGenesis.hash),
      (e: unknown) => e instanceof ApplyJustificationError && e.code === "BAD_INSTANT_SIGNATURE",
    );
    await applyJustification(dev.chain, hash, signInstantJustification(devKeypair("Alice").secretSeed, devGenesis.hash, hash), devGenesis.hash);
    assert.equal(dev.chain.finalized.number, 1);
  });

  it("a validator restarted on its database resumes voting in later rounds: the others finalize meanwhile, nobody sees a conflicting vote", async () => {
    const bob = validators[1];
    const hub = bob.hub;
    await bob.service.stop();
    hub.members.splice(hub.members.indexOf(bob), 1);
    await bob.shutdown();
    validators.splice(1, 1);
    await produce(2);
    await waitFor(() => validators.every((v) => v.chain.finalized.number === 8), 15_000, "three of four finalize #8");

    const restarted = await openValidator(genesis, "Bob", hub, bob.dir);
    assert.equal(restarted.chain.finalized.number, 6, "Bob reopens at the finality he had");
    for (const b of blocks.slice(6)) await restarted.chain.importBlock(b, "network");
    const roundAtRestart = validators[0].service.position!.round;
    await restarted.service.start();
    validators.splice(1, 0, restarted);
    await produce(2);
    await waitFor(() => validators.every((v) => v.chain.finalized.number === 10), 15_000, "all four finalize #10 with Bob back");
    await waitFor(() => restarted.service.position!.round >= validators[0].service.position!.round, 5000, "Bob catches up with the round");
    // Bob votes again, in rounds after the one the others were in when he restarted.
    await produce(1);
    await waitFor(() => validators.every((v) => v.chain.finalized.number === 11), 15_000, "all four finalize #11");
    const store = new VoteRepository(restarted.db);
    const deadline = Date.now() + 5000;
    while (!(await store.load()).some((v) => v.vote.round > roundAtRestart)) {
      assert.ok(Date.now() < deadline, "Bob signed votes in rounds after his restart");
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.ok(validators.every((v) => v.pool.pending().length === 0), "no equivocation reported");
    assert.ok(validators.every((v) => !v.verdicts.includes("reject")), "no vote rejected");
  });

  it("rejects garbage and forged votes, ignores votes of another set", async () => {
    const service = validators[0].service;
    const position = service.position!;
    const target = validators[0].chain.best;
    const vote: FinalityVote = { setId: position.setId, round: position.round, stage: VoteStage.Prevote, targetHash: target.hash, targetNumber: target.number };
    const forged = { vote, signer: 1, signature: blsSign(devFinalityKeypair("Dave").secretKey, voteSigningRoot(genesis.hash, vote)) };
    const otherSet = { ...vote, setId: position.setId + 1 };
    assert.equal(await service.onGossipVote(Uint8Array.of(0xff, 0x01, 0x02)), "reject");
    assert.equal(await service.onGossipVote(gossiped(forged)), "reject", "Dave's signature under Bob's index");
    assert.equal(await service.onGossipVote(gossiped({ ...forged, signer: 7 })), "reject", "a signer outside the set");
    assert.equal(
      await service.onGossipVote(gossiped({ vote: otherSet, signer: 3, signature: blsSign(devFinalityKeypair("Dave").secretKey, voteSigningRoot(genesis.hash, otherSet)) })),
      "ignore",
    );
  });

  it("1,000 replays of one vote under fresh envelopes cost one signature check: one accept, the rest ignored", async () => {
    const alice = validators[0].service;
    const position = alice.position!;
    const target = validators[0].chain.best;
    const vote: FinalityVote = { setId: position.setId, round: position.round + 3, stage: VoteStage.Prevote, targetHash: target.hash, targetNumber: target.number };
    const signed = { vote, signer: 3, signature: blsSign(devFinalityKeypair("Dave").secretKey, voteSigningRoot(genesis.hash, vote)) };
    const checks = countSignatureChecks();
    try {
      // Every stamp the tolerance allows, and the same bytes again: all arrive at once.
      const now = Date.now();
      const envelopes = Array.from({ length: 1000 }, (_, i) => encodeVoteMessage(signed, now + ((i % 61) - 30) * 1000));
      const verdicts = await Promise.all(envelopes.map((e) => alice.onGossipVote(e)));
      assert.equal(verdicts.filter((v) => v === "accept").length, 1, "accepted (and so forwarded) once");
      assert.equal(verdicts.filter((v) => v === "ignore").length, 999);
      assert.equal(checks.count, 1, "one signature check");
    } finally {
      checks.restore();
    }
  });

  it("ignores, unverified, a vote stamped out of tolerance; rejects a vote without a stamp", async () => {
    const alice = validators[0].service;
    const position = alice.position!;
    const target = validators[0].chain.best;
    const right: FinalityVote = { setId: position.setId, round: position.round + 2, stage: VoteStage.Precommit, targetHash: target.hash, targetNumber: target.number };
    const good = { vote: right, signer: 3, signature: blsSign(devFinalityKeypair("Dave").secretKey, voteSigningRoot(genesis.hash, right)) };
    const checks = countSignatureChecks();
    try {
      assert.equal(await alice.onGossipVote(encodeVoteMessage(good, Date.now() - 31_000)), "ignore", "stamped 31 s ago");
      assert.equal(await alice.onGossipVote(encodeVoteMessage(good, Date.now() + 31_000)), "ignore", "stamped 31 s ahead");
      assert.equal(checks.count, 0, "no signature checked");
      assert.equal(await alice.onGossipVote(signedFinalityVoteCodec.encode(good).subarray(0, 8)), "reject", "too short for a stamp");
    } finally {
      checks.restore();
    }
  });

  it("an equivocating voter is reported with a staking.reportEquivocation extrinsic, which slashes it in the next block", async () => {
    const alice = validators[0];
    const position = alice.service.position!;
    const dave = devFinalityKeypair("Dave");
    const [a, b] = [blocks[blocks.length - 1], blocks[blocks.length - 2]].map((blk) => ({ hash: headerHash(blk.header), number: blk.header.number }));
    // Two precommits of Dave (signer 3) for different targets in a round just ahead of Alice's.
    const round = position.round + 1;
    const votes = [a, b].map((t) => {
      const vote: FinalityVote = { setId: position.setId, round, stage: VoteStage.Precommit, targetHash: t.hash, targetNumber: t.number };
      return { vote, signer: 3, signature: blsSign(dave.secretKey, voteSigningRoot(genesis.hash, vote)) };
    });
    for (const v of votes) assert.equal(await alice.service.onGossipVote(gossiped(v)), "accept");
    await waitFor(() => alice.pool.pending().length > 0, 5000, "an equivocation report in Alice's pool");

    const [tx] = alice.pool.pending();
    assert.equal(tx.sender, toHex(devKeypair("Alice").publicKey));
    const xt = codecs.signedExtrinsic.decode(tx.bytes);
    assert.equal(xt.call.module, "staking");
    assert.equal(xt.call.method, "reportEquivocation");
    const proof = equivocationProofCodec.decode(reportEquivocationArgsCodec.decode(xt.call.args).proof);
    assert.ok(isEquivocation(proof.first, proof.second));
    assert.equal(proof.first.signer, 3);

    // Included in a block, the runtime accepts the proof and records the offence against Dave.
    await produce(1, () => alice.pool.ready().map((t) => t.bytes));
    const state = alice.chain.stateAt();
    assert.ok(Offences.contains(state, position.setId, devKeypair("Dave").publicKey), "Dave's offence is recorded");
  });
});
