import assert from "node:assert/strict";
import { bytesEqual, toHex } from "../../../../primitives/bytes.ts";
import { isEquivocation, VoteStage, voteSigningRoot, type FinalityVote, type SignedFinalityVote } from "../../../../primitives/finality/vote.ts";
import { blsSign } from "../../../../primitives/blsKeys.ts";
import { decodeSigners } from "../../../../primitives/finality/signerBitfield.ts";
import { verifyJustification } from "../../../../consensus/finality/justification.ts";
import type { BlockRef } from "../../../../consensus/finality/types.ts";
import { BlockTree, createNode, GENESIS, MemoryHub, MemoryVoteStore, sleep, TEST_TIMINGS, TreeChainView, validatorKey, voterSet, waitFor, type TestNode } from "./harness.ts";

const SET = voterSet(4);

function finalizedNumber(node: TestNode): number {
  return node.chain.finalized.number;
}

function sign(index: number, vote: FinalityVote): SignedFinalityVote {
  return { vote, signer: index, signature: blsSign(validatorKey(index).secretKey, voteSigningRoot(GENESIS.hash, vote)) };
}

/** No two finalized blocks of any nodes conflict, and every justification verifies. */
function assertConsistent(nodes: TestNode[], tree: BlockTree): void {
  const byNumber = new Map<number, string>();
  for (const node of nodes) {
    for (const { block, justification } of node.finalized) {
      verifyJustification(justification, SET, GENESIS.hash);
      assert.ok(bytesEqual(justification.targetHash, block.hash));
      const seen = byNumber.get(block.number);
      if (seen !== undefined) assert.equal(toHex(block.hash), seen, `conflicting finality at #${block.number}`);
      else byNumber.set(block.number, toHex(block.hash));
    }
  }
  // Finalized blocks of all nodes lie on one chain.
  const all = nodes.flatMap((n) => n.finalized.map((f) => f.block)).sort((a, b) => a.number - b.number);
  const view = new TreeChainView(tree);
  for (let i = 1; i < all.length; i++) assert.ok(view.isDescendant(all[i - 1].hash, all[i].hash), "finalized blocks on one chain");
}

describe("finality gadget", function () {
  this.timeout(15_000);
  let nodes: TestNode[] = [];
  afterEach(() => {
    for (const n of nodes) n.gadget.stop();
    nodes = [];
  });

  function network(tree: BlockTree, hub: MemoryHub): TestNode[] {
    nodes = [0, 1, 2, 3].map((i) => createNode(hub, tree, SET, i));
    return nodes;
  }

  function setBest(all: TestNode[], best: BlockRef): void {
    for (const n of all) n.chain.best = best;
  }

  it("four validators finalize the same blocks as the chain grows, on the fork every node follows", async () => {
    const tree = new BlockTree();
    const hub = new MemoryHub();
    const all = network(tree, hub);
    const main = tree.extend(GENESIS, 3, "a");
    tree.extend(main[0], 4, "b"); // a longer fork nobody follows does not matter: votes go to each node's best
    setBest(all, main[2]);
    for (const n of all) await n.gadget.start();
    await waitFor(() => all.every((n) => finalizedNumber(n) === 3), 5000, "all finalize #3");
    const more = tree.extend(main[2], 2, "a");
    setBest(all, more[1]);
    await waitFor(() => all.every((n) => finalizedNumber(n) === 5), 5000, "all finalize #5");
    for (const n of all) assert.ok(bytesEqual(n.chain.finalized.hash, more[1].hash));
    assertConsistent(all, tree);
  });

  it("validators on different forks converge on their common ancestor, then on the chain they switch to", async () => {
    const tree = new BlockTree();
    const hub = new MemoryHub();
    const all = network(tree, hub);
    const base = tree.extend(GENESIS, 2, "a");
    const forkA = tree.extend(base[1], 2, "x");
    const forkB = tree.extend(base[1], 2, "y");
    all[0].chain.best = forkA[1];
    all[1].chain.best = forkA[1];
    all[2].chain.best = forkB[1];
    all[3].chain.best = forkB[1];
    for (const n of all) await n.gadget.start();
    await waitFor(() => all.every((n) => finalizedNumber(n) === 2), 5000, "all finalize the common ancestor #2");
    await sleep(300);
    assert.ok(all.every((n) => finalizedNumber(n) === 2), "no fork block is final while the forks split the votes");
    setBest(all, forkB[1]);
    await waitFor(() => all.every((n) => finalizedNumber(n) === 4), 5000, "all finalize fork B's head");
    assert.ok(bytesEqual(all[0].chain.finalized.hash, forkB[1].hash));
    assertConsistent(all, tree);
  });

  it("keeps finalizing with one of four validators silent", async () => {
    const tree = new BlockTree();
    const hub = new MemoryHub();
    const all = network(tree, hub);
    hub.disconnected.add(3);
    setBest(all, tree.extend(GENESIS, 3, "a")[2]);
    for (const n of all) await n.gadget.start();
    await waitFor(() => [0, 1, 2].every((i) => finalizedNumber(all[i]) === 3), 5000, "three finalize #3");
    assert.equal(finalizedNumber(all[3]), 0);
    for (const n of all.slice(0, 3)) {
      const signers = n.finalized.at(-1)?.justification.signers;
      assert.deepEqual(signers, Uint8Array.of(0b0111), "the justification names the three voters");
    }
    assertConsistent(all, tree);
  });

  it("stops finalizing with two of four silent and resumes, without conflict, when they return", async () => {
    const tree = new BlockTree();
    const hub = new MemoryHub();
    const all = network(tree, hub);
    const chain = tree.extend(GENESIS, 4, "a");
    setBest(all, chain[1]);
    for (const n of all) await n.gadget.start();
    await waitFor(() => all.every((n) => finalizedNumber(n) === 2), 5000, "all finalize #2");
    hub.disconnected.add(2);
    hub.disconnected.add(3);
    setBest(all, chain[3]);
    await sleep(700);
    assert.ok(all.every((n) => finalizedNumber(n) === 2), "no finality without a supermajority");
    hub.disconnected.clear();
    await waitFor(() => all.every((n) => finalizedNumber(n) === 4), 5000, "all finalize #4 after the two return");
    assertConsistent(all, tree);
  });

  it("two validators restarted at an older round after a lost quorum complete it from the others' re-sent precommits, then finalize with them", async () => {
    const tree = new BlockTree();
    const hub = new MemoryHub();
    const all = network(tree, hub);
    const chain = tree.extend(GENESIS, 4, "a");
    setBest(all, chain[1]);
    for (const n of all) await n.gadget.start();
    await waitFor(() => all.every((n) => finalizedNumber(n) === 2), 5000, "all finalize #2");
    const completed = Math.max(...all.flatMap((n) => n.store.votes.filter((v) => bytesEqual(v.vote.targetHash, chain[1].hash)).map((v) => v.vote.round)));
    // Validators 2 and 3 die having voted in the round that finalized #2 and no later one.
    const stores = [2, 3].map((i) => {
      all[i].gadget.stop();
      const store = all[i].store;
      store.votes.splice(0, store.votes.length, ...store.votes.filter((v) => v.vote.round <= completed));
      store.bases.clear();
      return store;
    });
    setBest(all.slice(0, 2), chain[3]);
    await waitFor(() => all.slice(0, 2).every((n) => n.gadget.currentRound > completed && n.network.sent.some((v) => v.vote.round > completed)), 5000, "the two left enter the next round and prevote");
    await sleep(300);
    assert.ok(all.every((n) => finalizedNumber(n) === 2), "two of four finalize nothing");
    const restarted = [2, 3].map((i, k) => {
      const chainView = new TreeChainView(tree);
      chainView.best = chain[3];
      chainView.finalized = chain[1];
      return createNode(hub, tree, SET, i, { store: stores[k], chain: chainView });
    });
    nodes = [all[0], all[1], ...restarted];
    for (const n of restarted) await n.gadget.start();
    assert.ok(restarted.every((n) => n.gadget.currentRound === completed), "the restarted resume in the older round");
    await waitFor(() => nodes.every((n) => finalizedNumber(n) === 4), 5000, "all four finalize #4");
    assertConsistent(nodes, tree);
  });

  it("reports a validator that signs two conflicting votes in one round, and the honest ones still finalize", async () => {
    const tree = new BlockTree();
    const hub = new MemoryHub();
    nodes = [0, 1, 2].map((i) => createNode(hub, tree, SET, i));
    const honest = nodes;
    const main = tree.extend(GENESIS, 2, "a");
    const other = tree.extend(GENESIS, 2, "z");
    setBest(honest, main[1]);
    for (const n of honest) await n.gadget.start();
    await waitFor(() => honest.every((n) => n.gadget.currentRound >= 1), 1000, "rounds started");
    const round = honest[0].gadget.currentRound;
    for (const stage of [VoteStage.Prevote, VoteStage.Precommit]) {
      for (const target of [main[1], other[1]]) {
        hub.deliver(99, sign(3, { setId: 0, round, stage, targetHash: target.hash, targetNumber: target.number }));
      }
    }
    await waitFor(() => honest.every((n) => finalizedNumber(n) === 2), 5000, "honest finalize #2");
    await waitFor(() => honest.every((n) => n.equivocations.length >= 1), 2000, "equivocations reported");
    for (const n of honest) {
      for (const proof of n.equivocations) {
        assert.equal(proof.first.signer, 3);
        assert.ok(isEquivocation(proof.first, proof.second));
      }
      assert.ok(bytesEqual(n.chain.finalized.hash, main[1].hash));
    }
    assertConsistent(honest, tree);
  });

  for (const byzantine of [0, 3]) {
    it(`a validator (index ${byzantine}) precommitting the right hash under another number: every justification verifies and leaves it out`, async () => {
      const tree = new BlockTree();
      const hub = new MemoryHub();
      const honestIndexes = [0, 1, 2, 3].filter((i) => i !== byzantine);
      nodes = honestIndexes.map((i) => createNode(hub, tree, SET, i));
      const chain = tree.extend(GENESIS, 6, "a");
      setBest(nodes, chain[1]);
      for (const n of nodes) await n.gadget.start();
      // Each round, before the honest precommits: a valid prevote for the best block, and a
      // validly signed precommit for its hash with the number one higher.
      let sentRound = 0;
      const sendWrongNumber = setInterval(() => {
        const round = nodes[0].gadget.currentRound;
        if (round === sentRound) return;
        sentRound = round;
        const best = nodes[0].chain.best;
        hub.deliver(99, sign(byzantine, { setId: 0, round, stage: VoteStage.Prevote, targetHash: best.hash, targetNumber: best.number }));
        hub.deliver(99, sign(byzantine, { setId: 0, round, stage: VoteStage.Precommit, targetHash: best.hash, targetNumber: best.number + 1 }));
      }, 5);
      try {
        await waitFor(() => nodes.every((n) => finalizedNumber(n) === 2), 5000, "honest finalize #2");
        setBest(nodes, chain[3]);
        await waitFor(() => nodes.every((n) => finalizedNumber(n) === 4), 5000, "honest finalize #4");
        setBest(nodes, chain[5]);
        await waitFor(() => nodes.every((n) => finalizedNumber(n) === 6), 5000, "honest finalize #6");
      } finally {
        clearInterval(sendWrongNumber);
      }
      assertConsistent(nodes, tree);
      for (const n of nodes) {
        for (const { justification } of n.finalized) assert.ok(!decodeSigners(justification.signers, 4)!.includes(byzantine), "the wrong-number precommit is in no justification");
        assert.equal(n.equivocations.length, 0, "one vote per stage is no equivocation");
      }
    });
  }

  it("a signer's two precommits for one hash under two numbers are an equivocation, reported", async () => {
    const tree = new BlockTree();
    const hub = new MemoryHub();
    nodes = [0, 1, 2].map((i) => createNode(hub, tree, SET, i));
    const chain = tree.extend(GENESIS, 3, "a");
    // Best is #1: the wrong number names no block we hold under that hash... until it does not matter.
    setBest(nodes, chain[0]);
    for (const n of nodes) await n.gadget.start();
    const round = nodes[0].gadget.currentRound + 1;
    const target = chain[2];
    for (const number of [target.number, target.number + 1]) {
      hub.deliver(99, sign(3, { setId: 0, round, stage: VoteStage.Precommit, targetHash: target.hash, targetNumber: number }));
    }
    await waitFor(() => nodes.every((n) => n.equivocations.length === 1), 2000, "equivocations reported");
    for (const n of nodes) assert.ok(isEquivocation(n.equivocations[0].first, n.equivocations[0].second));
  });

  it("ignores votes of another set, of non-authorities and with bad signatures", async () => {
    const tree = new BlockTree();
    const hub = new MemoryHub();
    nodes = [0, 1].map((i) => createNode(hub, tree, SET, i));
    const best = tree.extend(GENESIS, 1, "a")[0];
    setBest(nodes, best);
    for (const n of nodes) await n.gadget.start();
    const forged = (round: number, stage: number): SignedFinalityVote[] => {
      const vote = { setId: 0, round, stage, targetHash: best.hash, targetNumber: best.number };
      const badSig = sign(2, vote);
      badSig.signature = sign(2, { ...vote, round: round + 1000 }).signature;
      return [sign(2, { ...vote, setId: 1 }), sign(3, { ...vote, setId: 7 }), { ...sign(3, vote), signer: 4 }, badSig];
    };
    for (let i = 0; i < 6; i++) {
      const round = nodes[0].gadget.currentRound;
      for (const stage of [VoteStage.Prevote, VoteStage.Precommit]) for (const v of forged(round, stage)) hub.deliver(99, v);
      await sleep(100);
    }
    assert.ok(nodes.every((n) => finalizedNumber(n) === 0), "two honest votes and junk finalize nothing");
  });

  it("a restarted validator re-sends its persisted votes and never signs a conflicting one", async () => {
    const tree = new BlockTree();
    const hub = new MemoryHub();
    const forkA = tree.extend(GENESIS, 2, "x");
    const forkB = tree.extend(GENESIS, 3, "y");
    const store = new MemoryVoteStore();
    // Alone (the others silent), validator 0 prevotes fork A in round 1 and can go no further.
    const first = createNode(hub, tree, SET, 0, { store });
    nodes = [first];
    first.chain.best = forkA[1];
    await first.gadget.start();
    await waitFor(() => store.votes.length === 1, 2000, "the round-1 prevote persisted");
    first.gadget.stop();
    assert.ok(first.network.sent.length >= 1, "the prevote was sent");
    // Restarted on fork B (it switched while down): it must still stand by its fork-A prevote.
    const chain = new TreeChainView(tree);
    chain.best = forkB[2];
    const restarted = createNode(hub, tree, SET, 0, { store, chain });
    const peers = [1, 2, 3].map((i) => createNode(hub, tree, SET, i));
    for (const p of peers) p.chain.best = forkB[2];
    nodes = [restarted, ...peers];
    await restarted.gadget.start();
    assert.equal(restarted.gadget.currentRound, 1, "resumes at the round it last voted in");
    for (const p of peers) await p.gadget.start();
    await waitFor(() => nodes.every((n) => finalizedNumber(n) === 3), 5000, "all finalize fork B");
    const signedByZero = [...first.network.sent, ...restarted.network.sent, ...store.votes];
    for (let i = 0; i < signedByZero.length; i++) {
      for (let j = i + 1; j < signedByZero.length; j++) assert.ok(!isEquivocation(signedByZero[i], signedByZero[j]), "validator 0 never equivocates");
    }
    const round1Prevotes = restarted.network.sent.filter((v) => v.vote.round === 1 && v.vote.stage === VoteStage.Prevote);
    assert.ok(round1Prevotes.every((v) => bytesEqual(v.vote.targetHash, forkA[1].hash)));
    for (const p of peers) assert.equal(p.equivocations.length, 0);
    assertConsistent(nodes, tree);
  });

  it("a restarted validator resumes on the base it voted on: its remaining votes in that round build on it", async () => {
    const tree = new BlockTree();
    const hub = new MemoryHub();
    const forkA = tree.extend(GENESIS, 3, "a");
    const forkB = tree.extend(GENESIS, 4, "b");
    // Before the restart: round 2's prevote for a3, cast on the base a2 (round 1's estimate).
    const store = new MemoryVoteStore();
    await store.persist(sign(0, { setId: 0, round: 2, stage: VoteStage.Prevote, targetHash: forkA[2].hash, targetNumber: 3 }), forkA[1]);
    const chain = new TreeChainView(tree);
    chain.best = forkB[3];
    const restarted = createNode(hub, tree, SET, 0, { store, chain });
    nodes = [restarted];
    await restarted.gadget.start();
    assert.equal(restarted.gadget.currentRound, 2);
    // The others prevote fork B: their GHOST does not descend from a2, so the precommit stays on a2
    // (with the base forgotten, the finalized genesis, it would precommit b4).
    for (const i of [1, 2, 3]) hub.deliver(10 + i, sign(i, { setId: 0, round: 2, stage: VoteStage.Prevote, targetHash: forkB[3].hash, targetNumber: 4 }));
    await waitFor(() => restarted.network.sent.some((v) => v.vote.round === 2 && v.vote.stage === VoteStage.Precommit), 3000, "the round-2 precommit");
    const precommit = restarted.network.sent.find((v) => v.vote.round === 2 && v.vote.stage === VoteStage.Precommit) as SignedFinalityVote;
    assert.ok(bytesEqual(precommit.vote.targetHash, forkA[1].hash), `precommit for #${precommit.vote.targetNumber}`);
  });

  it("a restarted validator whose persisted base it does not have yet waits for it before voting", async () => {
    const tree = new BlockTree();
    const hub = new MemoryHub();
    const main = tree.extend(GENESIS, 2, "a");
    const unknownBase = { hash: new Uint8Array(32).fill(0x77), number: 5 };
    const store = new MemoryVoteStore();
    await store.persist(sign(0, { setId: 0, round: 3, stage: VoteStage.Precommit, targetHash: unknownBase.hash, targetNumber: 5 }), unknownBase);
    const chain = new TreeChainView(tree);
    chain.best = main[1];
    const restarted = createNode(hub, tree, SET, 0, { store, chain });
    nodes = [restarted];
    await restarted.gadget.start();
    await sleep(5 * TEST_TIMINGS.stageTimeoutMs);
    assert.equal(restarted.network.sent.filter((v) => v.vote.stage === VoteStage.Prevote).length, 0, "no prevote below the persisted base");
    assert.equal(store.votes.length, 1, "nothing new signed");
  });

  it("persists each vote before sending it", async () => {
    const tree = new BlockTree();
    const hub = new MemoryHub();
    const order: string[] = [];
    const store = new MemoryVoteStore();
    const persist = store.persist.bind(store);
    store.persist = async (v, base) => {
      await sleep(20);
      await persist(v, base);
      order.push(`persist ${v.vote.round}/${v.vote.stage}`);
    };
    const node = createNode(hub, tree, SET, 0, { store });
    nodes = [node];
    const broadcast = node.network.broadcast;
    node.network.broadcast = (v) => {
      order.push(`send ${v.vote.round}/${v.vote.stage}`);
      broadcast(v);
    };
    await node.gadget.start();
    await waitFor(() => order.length >= 2, 2000, "a vote sent");
    assert.deepEqual(order.slice(0, 2), ["persist 1/1", "send 1/1"]);
  });

  it("an observer without a key follows the validators' finality", async () => {
    const tree = new BlockTree();
    const hub = new MemoryHub();
    const all = network(tree, hub);
    const observer = createNode(hub, tree, SET, 4, { voter: false });
    nodes.push(observer);
    const chain = tree.extend(GENESIS, 2, "a");
    setBest([...all, observer], chain[1]);
    for (const n of nodes) await n.gadget.start();
    await waitFor(() => nodes.every((n) => finalizedNumber(n) === 2), 5000, "all finalize #2");
    assert.equal(observer.network.sent.length, 0);
    assertConsistent(nodes, tree);
  });
});
