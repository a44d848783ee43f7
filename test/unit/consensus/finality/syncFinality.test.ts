import assert from "node:assert/strict";
import { nullLogger } from "../../../../primitives/logger.ts";
import { FinalityGadget } from "../../../../consensus/finality/gadget.ts";
import { systemClock, type BlockRef, type VoterSet } from "../../../../consensus/finality/types.ts";
import { BlockTree, GENESIS, MemoryHub, MemoryVoteStore, TEST_TIMINGS, TreeChainView, validatorKey, verifier, voterSet, waitFor } from "./harness.ts";

describe("finality gadget: finality that sync brings", function () {
  this.timeout(15_000);
  const gadgets: FinalityGadget[] = [];
  afterEach(() => {
    for (const g of gadgets.splice(0)) g.stop();
  });

  // Sets change at block #3 (a new session): set 0 votes on #1..#3, set 1 from there on.
  function start(hub: MemoryHub, tree: BlockTree, changeAt: BlockRef, index: number, chain: TreeChainView): FinalityGadget {
    const sets: [VoterSet, VoterSet] = [voterSet(4, 0), voterSet(4, 1)];
    const gadget = new FinalityGadget(
      { genesisHash: GENESIS.hash, secretKey: validatorKey(index).secretKey, ...TEST_TIMINGS },
      {
        chain,
        voterSets: { voterSetAt: (hash) => (chain.isDescendant(changeAt.hash, hash) ? sets[1] : sets[0]) },
        network: hub.endpoint(index),
        store: new MemoryVoteStore(),
        verifier,
        finalize: async (block) => {
          chain.finalized = block;
        },
        onEquivocation: () => {},
        clock: systemClock,
        logger: nullLogger(),
        metrics: null,
      },
    );
    gadgets.push(gadget);
    return gadget;
  }

  it("a voter that restarted before a set change and got the change finalized by sync joins the new set", async () => {
    const tree = new BlockTree();
    const blocks = tree.extend(GENESIS, 6, "a");
    const hub = new MemoryHub();
    const chains = [0, 1, 2, 3].map(() => new TreeChainView(tree));
    for (const c of chains.slice(0, 3)) c.best = blocks[2];
    const three = [0, 1, 2].map((i) => start(hub, tree, blocks[2], i, chains[i]));
    for (const g of three) await g.start();
    await waitFor(() => chains.slice(0, 3).every((c) => c.finalized.number === 3) && three.every((g) => g.currentSetId === 1), 5000, "three finalize the set change");

    // Dave restarts at genesis; sync brings the blocks and the justification of #3 (set 0's last).
    const dave = start(hub, tree, blocks[2], 3, chains[3]);
    await dave.start();
    assert.equal(dave.currentSetId, 0);
    chains[3].best = blocks[3];
    chains[3].finalized = blocks[2];
    dave.poke();
    assert.equal(dave.currentSetId, 1, "it follows the chain into set 1");

    for (const c of chains) c.best = blocks[5];
    for (const g of [...three, dave]) g.poke();
    await waitFor(() => chains.every((c) => c.finalized.number === 6), 5000, "all four finalize #6 in set 1");
  });
});
