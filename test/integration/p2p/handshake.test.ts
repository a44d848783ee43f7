import assert from "node:assert/strict";
import { Registry } from "prom-client";
import { bytesEqual } from "../../../primitives/bytes.ts";
import type { NetworkHost } from "../../../p2p/host.ts";
import { createNetworkMetrics } from "../../../p2p/metrics.ts";
import { FakeChain, startHost, waitFor } from "./helpers.ts";

describe("p2p: bootnodes and the status handshake", function () {
  const hosts: NetworkHost[] = [];
  afterEach(async () => {
    await Promise.all(hosts.splice(0).map((h) => h.stop()));
  });

  it("three hosts connect through a bootnode and exchange chain status", async () => {
    const chainA = new FakeChain("one");
    chainA.grow(12);
    const register = new Registry();
    const a = await startHost({ chain: chainA, metrics: createNetworkMetrics(register) });
    hosts.push(a);
    const bootnode = a.listenAddresses()[0];
    assert.match(bootnode, new RegExp(`/p2p/${a.peerId}$`));
    const b = await startHost({ chain: new FakeChain("one"), bootnodes: [bootnode] });
    const c = await startHost({ chain: new FakeChain("one"), bootnodes: [bootnode] });
    hosts.push(b, c);

    await waitFor(() => a.peers().length === 2 && b.peers().length === 1 && c.peers().length === 1, "handshakes");
    const seenByB = b.peerStatus(a.peerId);
    assert.ok(seenByB);
    assert.equal(seenByB.best.number, 12);
    assert.equal(seenByB.finalized.number, 10);
    assert.ok(bytesEqual(seenByB.best.hash, chainA.best.hash));
    assert.deepEqual(a.peers().map((p) => p.peerId).sort(), [b.peerId, c.peerId].sort());
    const gauge = await register.getSingleMetric("substrate_sub_libp2p_peers_count")?.get();
    assert.equal(gauge?.values[0].value, 2);

    // A newer best reaches peers with the periodic status refresh.
    chainA.grow(3);
    await waitFor(() => b.peerStatus(a.peerId)?.best.number === 15, "status refresh");
  });

  it("disconnects and bans a peer of another chain, and does not redial it", async () => {
    const a = await startHost({ chain: new FakeChain("one") });
    hosts.push(a);
    const stranger = await startHost({ chain: new FakeChain("two"), bootnodes: [a.listenAddresses()[0]] });
    hosts.push(stranger);

    // Whichever side's handshake fails first bans the other and hangs up.
    await waitFor(() => stranger.isBanned(a.peerId) || a.isBanned(stranger.peerId), "a ban");
    await waitFor(() => stranger.libp2p.getConnections().length === 0 && a.libp2p.getConnections().length === 0, "disconnect");
    assert.equal(a.peers().length, 0);
    assert.equal(stranger.peers().length, 0);
    // The bootnode redial (every 500 ms here) must not bring the connection back.
    await new Promise((resolve) => setTimeout(resolve, 1200));
    assert.equal(stranger.libp2p.getConnections().length, 0);
    assert.equal(a.libp2p.getConnections().length, 0);
  });
});
