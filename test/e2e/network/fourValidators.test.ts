import assert from "node:assert/strict";
import { ProcessScope, sleep, waitUntil } from "../../../harness/process.ts";
import { allHeads, gaugeValue, startLocalNet, systemPeers, waitForCommonChain, type LocalNet } from "../../../harness/localNet.ts";

const SLOT_MS = 1000;
/**
 * Best − finalized allowed in any sample: a round finalizes the best block seen by 2/3 of the
 * set about a slot after it is authored, and a sample's two reads may straddle a new block.
 */
const MAX_FINALITY_LAG = 3;

describe("e2e: 4 validators on loopback (chain local, 1 s slot)", function () {
  this.timeout(60_000);
  const scope = new ProcessScope();
  let net: LocalNet;
  before(async () => {
    net = await startLocalNet(scope, { slotMs: SLOT_MS });
  });
  after(() => scope.dispose());

  it("connects every node to the 3 others, agrees on one chain and finalizes it with a lag of at most 3 blocks", async () => {
    const ids = await Promise.all(net.nodes.map((n) => n.rpc<string>("system_localPeerId")));
    assert.deepEqual(ids, net.plan.nodes.map((n) => n.peerId), "each node runs with its planned node key");
    await waitUntil(async () => (await Promise.all(net.nodes.map(systemPeers))).every((p) => p.length === 3), 15_000, "3 peers on every node", 250);
    for (const [i, node] of net.nodes.entries()) {
      const peers = (await systemPeers(node)).map((p) => p.peerId).sort();
      assert.deepEqual(peers, ids.filter((_, j) => j !== i).sort(), `${net.plan.nodes[i].name}'s peers are the other three validators`);
      assert.equal((await node.rpc<{ peers: number }>("system_health")).peers, 3);
      assert.equal(await gaugeValue(node.metricsUrl, "substrate_sub_libp2p_peers_count"), 3);
    }

    await waitUntil(async () => (await allHeads(net.nodes)).every((h) => h.finalized.number >= 3), 15 * SLOT_MS, "block #3 finalized on every node", 250);
    const start = await allHeads(net.nodes);
    const lags: number[] = [];
    for (let sample = 0; sample < 8; sample++) {
      await sleep(SLOT_MS);
      for (const h of await allHeads(net.nodes)) lags.push(h.best.number - h.finalized.number);
    }
    const end = await allHeads(net.nodes);
    end.forEach((h, i) => assert.ok(h.finalized.number >= start[i].finalized.number + 3, `${net.plan.nodes[i].name}'s finalized head advances (${start[i].finalized.number} → ${h.finalized.number})`));
    assert.ok(Math.max(...lags) <= MAX_FINALITY_LAG, `best − finalized stays ≤ ${MAX_FINALITY_LAG}: ${lags.join(",")}`);

    const common = await waitForCommonChain(net.nodes, Math.max(...end.map((h) => h.finalized.number)), 5 * SLOT_MS);
    assert.ok(common >= 6, `common chain reaches #${common}`);
    // Aura rotates among all four: each one's log has at least one block it authored.
    net.nodes.forEach((n, i) => assert.match(n.proc.output, /Prepared block for proposing/, `${net.plan.nodes[i].name} authored`));
  });
});
