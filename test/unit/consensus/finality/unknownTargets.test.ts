import assert from "node:assert/strict";
import { bytesEqual } from "../../../../primitives/bytes.ts";
import { BlockTree, createNode, GENESIS, MemoryHub, sleep, TreeChainView, voterSet, waitFor, type TestNode } from "./harness.ts";

const SET = voterSet(4);

describe("finality gadget: prevotes for blocks a voter does not have", function () {
  this.timeout(15_000);
  let nodes: TestNode[] = [];
  afterEach(() => {
    for (const n of nodes) n.gadget.stop();
    nodes = [];
  });

  // A 2/2 partition healed: Alice and Bob authored fork X, Charlie and Dave fork Y. Fork X won,
  // so Charlie and Dave imported it, but nothing ever brings fork Y to Alice and Bob (sync follows
  // the best chain). Half of the first round's prevotes name blocks Alice and Bob do not have.
  it("still lets the round complete, and finality resumes on the chain everyone follows", async () => {
    const seenByAB = new BlockTree();
    const seenByCD = new BlockTree();
    const base = seenByAB.extend(GENESIS, 2, "a");
    seenByCD.extend(GENESIS, 2, "a");
    const forkX = seenByAB.extend(base[1], 2, "x");
    seenByCD.extend(base[1], 2, "x");
    const forkY = seenByCD.extend(base[1], 2, "y");
    assert.equal(seenByAB.header(forkY[1].hash), undefined);

    const hub = new MemoryHub();
    nodes = [0, 1, 2, 3].map((i) => {
      const chain = new TreeChainView(i < 2 ? seenByAB : seenByCD);
      chain.best = i < 2 ? forkX[1] : forkY[1];
      return createNode(hub, i < 2 ? seenByAB : seenByCD, SET, i, { chain });
    });
    for (const n of nodes) await n.gadget.start();
    // Let the first round's prevotes (Charlie's and Dave's for fork Y) reach everyone.
    await sleep(300);
    assert.ok(
      nodes.every((n) => n.chain.finalized.number <= 2),
      "no fork block is final while the forks split the votes",
    );
    nodes[2].chain.best = forkX[1];
    nodes[3].chain.best = forkX[1];
    await waitFor(() => nodes.every((n) => n.chain.finalized.number === 4), 5000, "all finalize fork X's head");
    for (const n of nodes) assert.ok(bytesEqual(n.chain.finalized.hash, forkX[1].hash));
  });
});
