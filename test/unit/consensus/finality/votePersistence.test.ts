import assert from "node:assert/strict";
import { BlockTree, createNode, GENESIS, MemoryHub, MemoryVoteStore, sleep, TEST_TIMINGS, voterSet, waitFor, type TestNode } from "./harness.ts";

/**
 * A vote leaves the validator only once its store holds it: not while the write is pending, and
 * never when the write failed (a full disk), however many re-broadcast periods go by.
 */
describe("finality gadget: votes sent only once persisted", function () {
  this.timeout(10_000);
  let node: TestNode | null = null;
  afterEach(() => node?.gadget.stop());

  function startVoting(store: MemoryVoteStore): TestNode {
    const tree = new BlockTree();
    const created = createNode(new MemoryHub(), tree, voterSet(4), 0, { store });
    created.chain.best = tree.extend(GENESIS, 2, "a")[1];
    return created;
  }

  it("sends nothing, re-broadcasts included, when persisting fails", async () => {
    const store = new MemoryVoteStore();
    let attempts = 0;
    store.persist = async () => {
      attempts++;
      throw new Error("database write failed: no space left on device");
    };
    node = startVoting(store);
    await node.gadget.start();
    await waitFor(() => attempts >= 1, 2000, "a vote to be signed");
    await sleep(5 * TEST_TIMINGS.rebroadcastMs);
    assert.deepEqual(node.network.sent, [], "no vote sent");
  });

  it("sends a vote whose write is slower than the re-broadcast period only after it is written", async () => {
    const store = new MemoryVoteStore();
    const persist = store.persist.bind(store);
    const writeMs = 4 * TEST_TIMINGS.rebroadcastMs;
    let written = false;
    store.persist = async (v, base) => {
      await sleep(writeMs);
      await persist(v, base);
      written = true;
    };
    node = startVoting(store);
    const started = node;
    const broadcast = started.network.broadcast;
    started.network.broadcast = (v) => {
      assert.ok(written, "sent before it was written");
      broadcast(v);
    };
    await started.gadget.start();
    await waitFor(() => started.network.sent.length >= 1, 2000 + writeMs, "the vote sent once written");
    assert.equal(store.votes.length, 1);
  });
});
