import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { bigintToBytes, fromHex, toHex, utf8 } from "../../../primitives/bytes.ts";
import { devKeypair } from "../../../primitives/keys/devAccounts.ts";
import { nullLogger } from "../../../primitives/logger.ts";
import { NetworkHost, GOSSIP_MAX_BYTES, generateNodeKeySecret, gossipTopic, type GossipKind } from "../../../p2p/index.ts";
import { signExtrinsic } from "../../../runtime/extrinsic.ts";
import { transferArgs } from "../../../runtime/modules/balances/types.ts";
import { fastDevSpec } from "../../../harness/devNode.ts";
import { ProcessScope, sleep, waitUntil, type NodeProcess } from "../../../harness/process.ts";
import { gaugeValue, systemPeers, metricSum } from "../../../harness/localNet.ts";

const SLOT_MS = 1000;

/** A libp2p host that speaks the node's protocols for `genesisHash` but serves no blocks: the attacker's side. */
async function startPeer(genesisHash: Uint8Array, bootnode: string): Promise<NetworkHost> {
  const genesis = { number: 0, hash: genesisHash };
  const host = new NetworkHost(
    { port: 0, listenHost: "127.0.0.1", bootnodes: [bootnode], nodeKey: generateNodeKeySecret(), bootnodeRedialMs: 300, statusIntervalMs: 1000 },
    { chain: { genesisHash, best: genesis, finalized: genesis }, blocks: { hashAt: () => undefined, block: () => undefined, justification: () => undefined }, logger: nullLogger(), metrics: null },
  );
  await host.start();
  return host;
}

async function bootnodeOf(node: NodeProcess): Promise<string> {
  const [addr] = await node.rpc<string[]>("system_localListenAddresses");
  return addr;
}

async function isPeerOf(node: NodeProcess, peerId: string): Promise<boolean> {
  return (await systemPeers(node)).some((p) => p.peerId === peerId);
}

describe("e2e: a misbehaving peer against a node process (dev chain, 1 s slot)", function () {
  this.timeout(60_000);
  const scope = new ProcessScope();
  const hosts: NetworkHost[] = [];
  let node: NodeProcess;
  let genesisHash: Uint8Array;

  before(async () => {
    const specPath = join(scope.tempDir("misbehaving-spec"), "spec.json");
    writeFileSync(specPath, JSON.stringify(fastDevSpec(SLOT_MS)));
    node = await scope.startNode({ chain: specPath, args: ["--alice", "--tmp"] });
    genesisHash = fromHex(await node.rpc<string>("chain_getBlockHash", [0]));
  });
  after(async () => {
    await Promise.all(hosts.map((h) => h.stop()));
    await scope.dispose();
  });

  it("rejects garbage, oversized and wrong-chain gossip, penalises, disconnects and bans the sender, and keeps authoring", async () => {
    const attacker = await startPeer(genesisHash, await bootnodeOf(node));
    hosts.push(attacker);
    await waitUntil(() => isPeerOf(node, attacker.peerId), 10_000, "the attacker completes the handshake", 100);
    const pubsub = attacker.libp2p.services.pubsub;
    await waitUntil(() => pubsub.getSubscribers(gossipTopic(genesisHash, "votes")).length > 0, 10_000, "the node's subscriptions reach the attacker", 100);

    const bestBefore = (await node.rpc<{ number: string }>("chain_getHeader")).number;
    const startedAt = Date.now();
    // Published straight to gossipsub, bypassing the host's own checks, each message distinct.
    const alice = devKeypair("Alice");
    const otherChain = new Uint8Array(32).fill(0xee);
    const wrongChainTransfer = signExtrinsic(otherChain, alice.secretSeed, { module: "balances", method: "transfer", args: transferArgs.encode({ dest: devKeypair("Bob").publicKey, value: bigintToBytes(10n ** 18n) }) }, { nonce: 0 });
    const messages: Array<[GossipKind, Uint8Array]> = [
      ["blocks", utf8("not a block")],
      ["readings", utf8("not a reading")],
      ["extrinsics", wrongChainTransfer],
      ["votes", new Uint8Array(GOSSIP_MAX_BYTES.votes + 1).fill(7)],
      ["blocks", new Uint8Array(64).fill(0xff)],
      ["readings", new Uint8Array(40).fill(0x0a)],
      ["votes", utf8("not a vote")],
    ];
    for (const [kind, data] of messages) {
      await pubsub.publish(gossipTopic(genesisHash, kind), data).catch(() => {});
      await sleep(50);
    }

    await waitUntil(async () => !(await isPeerOf(node, attacker.peerId)), 10_000, "the node drops the attacker", 100);
    assert.ok((await metricSum(node, "arkreen_p2p_peer_bans_total", {})) >= 1, "a ban is counted");
    assert.ok((await metricSum(node, "arkreen_p2p_gossip_received_total", { result: "reject" })) >= 3, "rejected gossip is counted");
    assert.ok((await metricSum(node, "arkreen_p2p_peer_penalties_total", {})) >= 5, "each bad message is penalised");
    assert.equal((await node.rpc<{ nonce: string }>("system_account", [toHex(alice.publicKey)])).nonce, "0", "the wrong-chain transfer was not applied");

    // It stays banned: its redials (every 300 ms to its bootnode) never complete a handshake.
    await sleep(2000);
    assert.equal(await isPeerOf(node, attacker.peerId), false, "the banned peer cannot reconnect");
    assert.equal(await gaugeValue(node.metricsUrl, "substrate_sub_libp2p_peers_count"), 0);

    // Authoring went on at the slot rate throughout.
    const bestAfter = (await node.rpc<{ number: string }>("chain_getHeader")).number;
    const slots = Math.floor((Date.now() - startedAt) / SLOT_MS);
    const produced = parseInt(bestAfter, 16) - parseInt(bestBefore, 16);
    assert.ok(produced >= slots - 2, `blocks produced during the attack: ${produced} in ${slots} slots`);
  });

  it("disconnects a peer of another chain at the handshake and never lists it", async () => {
    const stranger = await startPeer(new Uint8Array(32).fill(0x42), await bootnodeOf(node));
    hosts.push(stranger);
    let everListed = false;
    const deadline = Date.now() + 3000;
    while (Date.now() < deadline) {
      if (await isPeerOf(node, stranger.peerId)) everListed = true;
      await sleep(100);
    }
    assert.equal(everListed, false, "a peer of another chain is never a peer");
    assert.equal(stranger.peers().length, 0, "the stranger has no peer on this chain either");
  });
});
