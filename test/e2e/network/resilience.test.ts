import assert from "node:assert/strict";
import { ProcessScope, sleep, waitUntil } from "../../../harness/process.ts";
import { allHeads, hashDifferences, startLocalNet, waitFinalized, waitForCommonChain, type LocalNet } from "../../../harness/localNet.ts";
import { heads } from "../../../harness/devChain.ts";

const SLOT_MS = 1000;
/** SIGTERM to exit: a node stops authoring, voting, networking, RPC and closes LevelDB well within this. */
const STOP_MS = 5000;

function minFinalized(hs: Array<{ finalized: { number: number } }>): number {
  return Math.min(...hs.map((h) => h.finalized.number));
}


describe("e2e: 4 validators — crashes, lost finality quorum, a late follower @slow", function () {
  this.timeout(180_000);
  const scope = new ProcessScope();
  let net: LocalNet;
  beforeEach(async () => {
    net = await startLocalNet(scope, { slotMs: SLOT_MS });
    await waitFinalized(net.nodes, 3, 20 * SLOT_MS, "block #3 finalized on every node");
  });
  afterEach(() => scope.dispose());

  it("keeps finalizing while one validator is killed (-9) for 20 s; the restarted one catches up on the same chain", async () => {
    const [alice, bob, charlie] = net.nodes;
    await net.nodes[3].kill();
    const before = minFinalized(await allHeads([alice, bob, charlie]));
    await sleep(20 * SLOT_MS);
    const during = await allHeads([alice, bob, charlie]);
    assert.ok(minFinalized(during) >= before + 3, `3 of 4 validators keep finalizing: #${before} → #${minFinalized(during)}`);

    const dave = await net.start(3);
    const target = Math.max(...(await allHeads([alice, bob, charlie])).map((h) => h.finalized.number));
    await waitFinalized([dave], target, 30 * SLOT_MS, `the restarted validator to reach the others' finalized #${target}`);
    await waitForCommonChain(net.nodes, target, 10 * SLOT_MS);
    await waitFinalized(net.nodes, target + 3, 15 * SLOT_MS, "finality to go on with all four");
    for (const node of net.nodes) assert.doesNotMatch(node.proc.output, /equivocat/i, "no node saw an equivocation");
  });

  it("stops finalizing with two of four validators down, resumes when they return, with no conflicting finalized blocks", async () => {
    const [alice, bob, charlie, dave] = net.nodes;
    await Promise.all([charlie.stop(STOP_MS), dave.stop(STOP_MS)]);
    // A round already past its prevotes may still complete with the votes in flight.
    await sleep(3 * SLOT_MS);
    const stalled = await allHeads([alice, bob]);
    await sleep(6 * SLOT_MS);
    const later = await allHeads([alice, bob]);
    later.forEach((h, i) => assert.equal(h.finalized.number, stalled[i].finalized.number, "2 of 4 is not a finality quorum: the finalized head does not move"));
    const stalledAt = Math.max(...stalled.map((h) => h.finalized.number));
    const stalledHash = stalled.find((h) => h.finalized.number === stalledAt)!.finalized.hash;

    net.nodes[2] = await net.start(2);
    net.nodes[3] = await net.start(3);
    await waitFinalized(net.nodes, stalledAt + 3, 40 * SLOT_MS, "finality to resume on all four");
    const upTo = minFinalized(await allHeads(net.nodes));
    assert.deepEqual(await hashDifferences(net.nodes, 1, upTo), [], "one finalized chain on every node");
    for (const node of net.nodes) assert.equal(await node.rpc<string>("chain_getBlockHash", [stalledAt]), stalledHash, "the block finalized before the stall stays");
  });

  it("syncs a fifth node that joins late as a non-validator to the head, and it follows finality", async () => {
    await waitUntil(async () => (await heads(net.nodes[0])).best.number >= 15, 30 * SLOT_MS, "block #15", 250);
    const atJoin = await heads(net.nodes[0]);
    const eve = await net.startFollower("eve");
    await waitUntil(async () => (await heads(eve)).best.number >= atJoin.best.number, 20 * SLOT_MS, `the follower to reach #${atJoin.best.number}`, 250);
    await waitFinalized([eve], atJoin.best.number + 2, 20 * SLOT_MS, "the follower to see blocks finalized after it joined");
    const finalized = (await heads(eve)).finalized.number;
    assert.deepEqual(await hashDifferences([net.nodes[0], eve], 1, finalized), [], "the follower's chain is the validators'");
    assert.doesNotMatch(eve.proc.output, /Prepared block for proposing/, "a non-validator authors nothing");
  });
});
