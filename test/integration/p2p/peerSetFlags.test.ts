import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { peerIdFromString } from "@libp2p/peer-id";
import { removePrivateAddressesMapper } from "@libp2p/kad-dht";
import { multiaddr, type Multiaddr } from "@multiformats/multiaddr";
import { isPrivateAddress, PeerSet } from "../../../p2p/peerSet.ts";
import type { NetworkHost } from "../../../p2p/host.ts";
import { FakeChain, sleep, startHost, waitFor, type TestHostOpts } from "./helpers.ts";

/**
 * The discovery flags on real libp2p hosts in one process (docs/network.md, "Discovery"):
 * `--reserved-only`, `--public-addr`, `--no-private-ip` and `--discover-local`.
 */
describe("p2p: --reserved-only, --public-addr, --no-private-ip, --discover-local", function () {
  this.timeout(30_000);
  const hosts: NetworkHost[] = [];
  afterEach(async () => {
    await Promise.all(hosts.splice(0).map((h) => h.stop()));
  });

  async function host(opts: Partial<TestHostOpts> & { chain: FakeChain }): Promise<NetworkHost> {
    const h = await startHost({ protocolId: `test-${randomBytes(4).toString("hex")}`, ...opts });
    hosts.push(h);
    return h;
  }

  /** A hub and two hosts told only of it: after this, the DHT of the hub knows all three. */
  async function hubAndTwo(chain: string, protocolId: string): Promise<[NetworkHost, NetworkHost, NetworkHost]> {
    const hub = await host({ chain: new FakeChain(chain), protocolId });
    const [b, c] = await Promise.all([0, 1].map(() => host({ chain: new FakeChain(chain), protocolId, bootnodes: [hub.listenAddresses()[0]] })));
    await waitFor(() => [hub, b, c].every((h) => h.peers().length === 2), "the hub and two hosts all connected", 10_000);
    return [hub, b, c];
  }

  const connectedTo = (h: NetworkHost, direction?: "inbound" | "outbound"): string[] =>
    [...new Set(h.libp2p.getConnections().filter((c) => direction === undefined || c.direction === direction).map((c) => c.remotePeer.toString()))].sort();

  it("--reserved-only: connects to its reserved peer only; peers that learn it from the DHT or dial it are refused", async () => {
    const protocolId = "akre-reserved";
    const [hub, b, c] = await hubAndTwo("reserved", protocolId);
    const r = await host({ chain: new FakeChain("reserved"), protocolId, reservedNodes: [hub.listenAddresses()[0]], reservedOnly: true });
    await waitFor(() => r.peers().length === 1, "the reserved-only host and its reserved peer connected");
    assert.deepEqual(r.peers().map((p) => p.peerId), [hub.peerId]);
    // C learns R's address through the hub's DHT (its discovery walks it, then dials what it learned); B dials R by hand.
    const knowsR = async (h: NetworkHost): Promise<boolean> =>
      ((await h.libp2p.peerStore.get(peerIdFromString(r.peerId)).catch(() => null))?.addresses.length ?? 0) > 0;
    const deadline = Date.now() + 10_000;
    while (!(await knowsR(c))) {
      if (Date.now() > deadline) throw new Error("C never learned R's address through the DHT");
      await sleep(100);
    }
    await b.libp2p.dial(multiaddr(r.listenAddresses()[0])).catch(() => undefined);
    await sleep(3000);
    assert.deepEqual(connectedTo(r), [hub.peerId], "R holds a connection with its reserved peer only");
    assert.deepEqual(r.peers().map((p) => p.peerId), [hub.peerId]);
    for (const other of [b, c]) assert.ok(!other.peers().some((p) => p.peerId === r.peerId), "R is no other host's peer");
    const state = await r.networkState();
    assert.equal(state.peerset.reservedOnly, true);
    assert.deepEqual(state.peerset.reservedPeers, [hub.peerId]);
    assert.equal(state.dht.randomWalks, 0, "a reserved-only host does not walk the DHT");
  });

  it("--public-addr: the address is announced (identify, then the DHT to a host that never met it) and system_networkState names it", async () => {
    const protocolId = "akre-public";
    const publicAddr = "/ip4/203.0.113.7/tcp/30333";
    const p = await host({ chain: new FakeChain("public"), protocolId, publicAddresses: [publicAddr] });
    const q = await host({ chain: new FakeChain("public"), protocolId, bootnodes: [p.listenAddresses()[0]] });
    await waitFor(() => q.peers().length === 1, "Q connected to P");
    const state = await p.networkState();
    assert.ok(state.externalAddresses.includes(`${publicAddr}/p2p/${p.peerId}`), `external: ${state.externalAddresses.join(", ")}`);
    assert.ok(!state.listenedAddresses.some((a) => a.startsWith(publicAddr)), `listened: ${state.listenedAddresses.join(", ")}`);
    const known = async (h: NetworkHost): Promise<string[]> =>
      (await h.libp2p.peerStore.get(peerIdFromString(p.peerId)).catch(() => null))?.addresses.map((a) => a.multiaddr.toString()) ?? [];
    const deadline = Date.now() + 5000;
    while (!(await known(q)).includes(publicAddr)) {
      if (Date.now() > deadline) throw new Error(`Q never learned P's public address through identify: ${(await known(q)).join(", ")}`);
      await sleep(50);
    }
    // Z knows only Q: it finds P's announced address through the DHT.
    const z = await host({ chain: new FakeChain("public"), protocolId, bootnodes: [q.listenAddresses()[0]] });
    await waitFor(() => z.peers().some((peer) => peer.peerId === q.peerId), "Z connected to Q");
    const info = await z.libp2p.peerRouting.findPeer(peerIdFromString(p.peerId), { signal: AbortSignal.timeout(10_000) });
    assert.ok(info.multiaddrs.some((a) => a.toString() === publicAddr), `the DHT gives P's public address: ${info.multiaddrs.map(String).join(", ")}`);
  });

  it("--no-private-ip: loopback addresses learned from the DHT are not dialled, a bootnode's is; with private IPs allowed they are", async () => {
    const protocolId = "akre-private";
    const [hub, b, c] = await hubAndTwo("private", protocolId);
    // In-peers 0: B and C cannot connect in, so every connection beside the bootnode's would be one N (or M) dialled.
    const bootnodes = [hub.listenAddresses()[0]];
    const n = await host({ chain: new FakeChain("private"), protocolId, bootnodes, allowPrivateIp: false, inPeers: 0 });
    const m = await host({ chain: new FakeChain("private"), protocolId, bootnodes, allowPrivateIp: true, inPeers: 0 });
    await waitFor(() => connectedTo(m, "outbound").includes(b.peerId) && connectedTo(m, "outbound").includes(c.peerId), "M (private IPs allowed) dials B and C found in the DHT", 10_000);
    await sleep(1000);
    assert.deepEqual(connectedTo(n, "outbound"), [hub.peerId], "N (--no-private-ip) dialled its bootnode only");
    assert.deepEqual(n.peers().map((p) => p.peerId), [hub.peerId]);
    // The addresses the DHT gives for B and C (loopback): what N's DHT drops and its peer set refuses, unless given explicitly.
    const learned = new Map<string, Multiaddr[]>();
    for await (const event of m.libp2p.services.dht.getClosestPeers(randomBytes(32), { signal: AbortSignal.timeout(10_000) })) {
      if (event.name === "PEER_RESPONSE") for (const peer of event.closer) learned.set(peer.id.toString(), peer.multiaddrs);
    }
    for (const other of [b, c]) {
      const addresses = learned.get(other.peerId) ?? [];
      assert.ok(addresses.length > 0 && addresses.every(isPrivateAddress), `the DHT gives ${other.peerId}'s loopback addresses: ${addresses.map(String).join(", ")}`);
      assert.deepEqual(removePrivateAddressesMapper({ id: peerIdFromString(other.peerId), multiaddrs: addresses }).multiaddrs, [], "kad-dht's mapper under --no-private-ip drops them");
      const peerSet = new PeerSet({ inPeers: 32, outPeers: 8, reservedOnly: false, allowPrivateIp: false }, [hub.peerId]);
      const withId = addresses.map((a) => a.encapsulate(`/p2p/${other.peerId}`));
      assert.ok(withId.every((a) => !peerSet.mayDialAddress(a)), "the peer set refuses to dial them");
      assert.ok(peerSet.mayDialAddress(multiaddr(bootnodes[0])), "but dials the bootnode's loopback address");
    }
    // And the connection gater refuses the dial itself.
    await assert.rejects(n.libp2p.dial(multiaddr(b.listenAddresses()[0])));
    assert.ok(!connectedTo(n).includes(b.peerId));
  });

  it("--discover-local: two hosts with mDNS and no bootnodes find each other; a host without it is not found", async () => {
    const seed = `mdns-${randomBytes(4).toString("hex")}`;
    const a = await host({ chain: new FakeChain(seed), discoverLocal: true });
    const off = await host({ chain: new FakeChain(seed), discoverLocal: false });
    const b = await host({ chain: new FakeChain(seed), discoverLocal: true });
    await waitFor(() => a.peers().some((p) => p.peerId === b.peerId) && b.peers().some((p) => p.peerId === a.peerId), "A and B found each other by mDNS", 15_000);
    assert.deepEqual(off.peers(), [], "the host without mDNS found no one");
  });
});
