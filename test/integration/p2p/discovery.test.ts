import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { createLibp2p } from "libp2p";
import type { Libp2p } from "@libp2p/interface";
import { tcp } from "@libp2p/tcp";
import { noise } from "@chainsafe/libp2p-noise";
import { yamux } from "@chainsafe/libp2p-yamux";
import { identify } from "@libp2p/identify";
import { ping } from "@libp2p/ping";
import { kadDHT, passthroughMapper, type KadDHT } from "@libp2p/kad-dht";
import { peerIdFromString } from "@libp2p/peer-id";
import { multiaddr } from "@multiformats/multiaddr";
import type { NetworkHost } from "../../../p2p/host.ts";
import { kadProtocol } from "../../../p2p/protocols.ts";
import { FakeChain, sleep, startHost, waitFor } from "./helpers.ts";

/**
 * A stock js-libp2p peer: TCP, Noise, Yamux, identify, ping and Kademlia with the chain's protocol
 * id, nothing of ours. Its DHT keeps loopback addresses (kad-dht drops private ones by default).
 */
async function stockPeer(protocol: string): Promise<Libp2p<{ dht: KadDHT }>> {
  return createLibp2p({
    addresses: { listen: ["/ip4/127.0.0.1/tcp/0"] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: { identify: identify(), ping: ping(), dht: kadDHT({ protocol, clientMode: false, peerInfoMapper: passthroughMapper }) },
  });
}

describe("p2p: discovery through the Kademlia DHT", function () {
  this.timeout(60_000);
  const hosts: NetworkHost[] = [];
  const stock: Libp2p[] = [];
  afterEach(async () => {
    await Promise.all([...hosts.splice(0).map((h) => h.stop()), ...stock.splice(0).map((n) => n.stop())]);
  });

  async function network(count: number, chain = "one"): Promise<NetworkHost[]> {
    const first = await startHost({ chain: new FakeChain(chain), protocolId: "akre" });
    hosts.push(first);
    const others = await Promise.all(
      Array.from({ length: count - 1 }, () => startHost({ chain: new FakeChain(chain), protocolId: "akre", bootnodes: [first.listenAddresses()[0]] })),
    );
    hosts.push(...others);
    return [first, ...others];
  }

  it("hosts told only of the first find each other; a stock libp2p peer with the chain's kad protocol finds them through one of them", async () => {
    const net = await network(4);
    await waitFor(() => net.every((h) => h.peers().length === 3), "every host has the 3 others as peers", 20_000);
    const state = await net[1].networkState();
    assert.equal(state.dht.protocol, "/akre/kad/1.0.0");
    assert.equal(state.dht.mode, "server");
    assert.ok(state.dht.routingTableSize >= 1, `routing table ${state.dht.routingTableSize}`);

    const peer = await stockPeer(kadProtocol("akre"));
    stock.push(peer);
    await peer.dial(multiaddr(net[1].listenAddresses()[0]));
    const found = new Set<string>();
    await waitFor(() => peer.services.dht.getMode() === "server", "stock peer in server mode");
    for await (const event of peer.services.dht.getClosestPeers(randomBytes(32), { signal: AbortSignal.timeout(15_000) })) {
      if (event.name === "FINAL_PEER") found.add(event.peer.id.toString());
      if (event.name === "PEER_RESPONSE") for (const p of event.closer) found.add(p.id.toString());
    }
    for (const host of net) assert.ok(found.has(host.peerId), `the DHT names ${host.peerId}: ${[...found].join(", ")}`);
    const target = net[3];
    const info = await peer.peerRouting.findPeer(peerIdFromString(target.peerId), { signal: AbortSignal.timeout(15_000) });
    assert.ok(
      info.multiaddrs.some((a) => target.listenAddresses().some((l) => l.startsWith(a.toString()))),
      `findPeer gives ${target.peerId}'s address: ${info.multiaddrs.map(String).join(", ")}`,
    );
    // The node kept the DHT client connected (it speaks our DHT, no other chain's status) without making it a chain peer.
    assert.ok(!net[1].isBanned(peer.peerId.toString()), "the DHT client is not banned");
    assert.ok(!net[1].peers().some((p) => p.peerId === peer.peerId.toString()), "nor is it a chain peer");
  });

  it("a peer of another chain found through the shared DHT is refused by the status handshake", async () => {
    const [a, b] = await network(2);
    await waitFor(() => a.peers().length === 1 && b.peers().length === 1, "A and B are peers", 10_000);
    // X is on another chain but shares the protocol id (as dev and local do). A DHT member that is
    // no chain's peer (a stock libp2p peer) knows X and our nodes: X is in the DHT we walk.
    const x = await startHost({ chain: new FakeChain("two"), protocolId: "akre" });
    hosts.push(x);
    const s = await stockPeer(kadProtocol("akre"));
    stock.push(s);
    await s.dial(multiaddr(x.listenAddresses()[0]));
    await s.dial(multiaddr(a.listenAddresses()[0]));
    // B was never told of X: it learns X's address from the DHT and dials it.
    const learned = async (): Promise<boolean> => (await b.libp2p.peerStore.has(x.libp2p.peerId)) && (await b.libp2p.peerStore.get(x.libp2p.peerId)).addresses.length > 0;
    const deadline = Date.now() + 20_000;
    while (!(await learned())) {
      if (Date.now() > deadline) throw new Error("B never learned X's address through the DHT");
      await sleep(100);
    }
    await waitFor(() => b.isBanned(x.peerId) || x.isBanned(b.peerId), "B and X refuse each other", 20_000);
    await sleep(2000);
    assert.ok(!b.peers().some((p) => p.peerId === x.peerId), "X is never B's peer");
    assert.ok(!x.peers().some((p) => p.peerId === b.peerId), "B is never X's peer");
    assert.ok(!a.peers().some((p) => p.peerId === x.peerId), "X is never A's peer");
    assert.equal(b.libp2p.getConnections(x.libp2p.peerId).length, 0, "B holds no connection to X");
  });
});
