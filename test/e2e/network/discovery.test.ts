import assert from "node:assert/strict";
import { ProcessScope, sleep, waitUntil, type NodeProcess } from "../../../harness/process.ts";
import { allHeads, startLocalNet, systemPeers, waitFinalized, type LocalNet } from "../../../harness/localNet.ts";

const SLOT_MS = 1000;

interface Scenario {
  /** Peers every node must reach, and within how long (the issue: ≥ 4 within 60 s). */
  minPeers: number;
  connectWithinMs: number;
  /** Peers each survivor keeps among the survivors while the first node is down. */
  survivorPeers: number;
  /** Blocks the survivors must finalize while the first node is down. */
  finalizeWhileDown: number;
  /** How long the first node stays down after the survivors finalized. */
  downMs: number;
}

async function peerIds(node: NodeProcess): Promise<string[]> {
  return (await systemPeers(node)).map((p) => p.peerId);
}

/**
 * Six node processes on loopback (4 validators, 2 followers), each told only of the first node's
 * address: they find each other through the DHT; the first node is killed with SIGKILL, the other
 * five keep finalizing and stay connected to each other; it restarts on its base path and rejoins.
 */
async function discoveryScenario(scope: ProcessScope, s: Scenario): Promise<void> {
  const net: LocalNet = await startLocalNet(scope, { slotMs: SLOT_MS, bootnodes: "first" });
  const followers = [await net.startFollower("follower1"), await net.startFollower("follower2")];
  const nodes = (): NodeProcess[] => [...net.nodes, ...followers];
  const names = [...net.plan.nodes.map((n) => n.name), "follower1", "follower2"];
  const started = Date.now();
  let counts: number[] = [];
  try {
    await waitUntil(
      async () => {
        counts = await Promise.all(nodes().map(async (n) => (await peerIds(n)).length));
        return counts.every((c) => c >= s.minPeers);
      },
      s.connectWithinMs,
      `≥ ${s.minPeers} peers on every node`,
      250,
    );
  } catch (e) {
    throw new Error(`${(e as Error).message}: ${names.map((n, i) => `${n} ${counts[i]}`).join(", ")}`);
  }
  const connectMs = Date.now() - started;
  // The DHT, not the bootnode, made these links: two non-first nodes are peers of each other.
  const bobPeers = await peerIds(net.nodes[1]);
  assert.ok(bobPeers.some((p) => p !== net.plan.nodes[0].peerId), "Bob has a peer other than the bootnode");
  const state = await net.nodes[1].rpc<{ dht: { protocol: string; routingTableSize: number }; peerset: { outPeers: number; inPeers: number } }>("system_networkState");
  assert.equal(state.dht.protocol, "/akre/kad/1.0.0");
  assert.ok(state.dht.routingTableSize >= 1, `Bob's routing table holds peers (${state.dht.routingTableSize})`);
  assert.deepEqual([state.peerset.inPeers, state.peerset.outPeers], [32, 8]);
  await waitFinalized(nodes(), 2, 20 * SLOT_MS, "block #2 finalized on every node");

  // kill -9 the first node (the only bootnode anyone was given).
  const firstId = net.plan.nodes[0].peerId;
  await net.nodes[0].kill();
  const survivors = nodes().slice(1);
  const survivorIds = new Set(await Promise.all(survivors.map((n) => n.rpc<string>("system_localPeerId"))));
  const from = Math.max(...(await allHeads(survivors)).map((h) => h.finalized.number));
  await waitFinalized(survivors, from + s.finalizeWhileDown, (s.finalizeWhileDown + 15) * SLOT_MS, `#${from + s.finalizeWhileDown} finalized without the first node`);
  await sleep(s.downMs);
  for (const [i, node] of survivors.entries()) {
    const peers = await peerIds(node);
    assert.ok(!peers.includes(firstId), `${names[i + 1]} no longer lists the killed node`);
    const among = peers.filter((p) => survivorIds.has(p)).length;
    assert.ok(among >= s.survivorPeers, `${names[i + 1]} keeps ${among} ≥ ${s.survivorPeers} peers among the survivors`);
  }

  // It restarts on its base path (same node key, same address) and rejoins: the others redial it.
  const restarted = await net.start(0);
  await waitUntil(async () => (await peerIds(restarted)).length >= s.minPeers, 30_000, `the restarted first node has ≥ ${s.minPeers} peers`, 250);
  const target = Math.max(...(await allHeads(survivors)).map((h) => h.finalized.number)) + 2;
  await waitFinalized(nodes(), target, 30 * SLOT_MS, `#${target} finalized on all six nodes after the restart`);
  console.log(`      six nodes reached ≥ ${s.minPeers} peers in ${connectMs} ms`);
}

describe("e2e: discovery — six nodes told only of the first (chain local, 1 s slot)", function () {
  this.timeout(240_000);
  const scope = new ProcessScope();
  afterEach(() => scope.dispose());

  it("find each other through the DHT (≥ 4 peers within 60 s), survive the first node's kill -9 and take it back", async () => {
    await discoveryScenario(scope, { minPeers: 4, connectWithinMs: 60_000, survivorPeers: 3, finalizeWhileDown: 3, downMs: 0 });
  });

  it("@slow every node meets all five others; the five stay fully connected through a minute without the first node, which rejoins", async () => {
    await discoveryScenario(scope, { minPeers: 5, connectWithinMs: 60_000, survivorPeers: 4, finalizeWhileDown: 10, downMs: 60_000 });
  });
});
