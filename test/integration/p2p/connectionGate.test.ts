import assert from "node:assert/strict";
import { utf8 } from "../../../primitives/bytes.ts";
import { PeerDenySet } from "../../../p2p/connectionGate.ts";
import type { NetworkHost } from "../../../p2p/host.ts";
import { GOSSIP_KINDS } from "../../../p2p/protocols.ts";
import { FakeChain, sleep, startHost, waitFor } from "./helpers.ts";

describe("p2p: the deny set (test-only partitions)", function () {
  const hosts: NetworkHost[] = [];
  afterEach(async () => {
    await Promise.all(hosts.splice(0).map((h) => h.stop()));
  });

  it("PeerDenySet reports what changed", () => {
    const set = new PeerDenySet();
    assert.deepEqual(set.add(["b", "a"]), ["b", "a"]);
    assert.deepEqual(set.add(["a", "c"]), ["c"]);
    assert.deepEqual(set.list(), ["a", "b", "c"]);
    assert.deepEqual(set.delete(["a", "x"]), ["a"]);
    assert.equal(set.has("a"), false);
    assert.equal(set.has("b"), true);
  });

  it("fails closed: a denied peer that keeps redialling gets no connection, gossip or blocks until allowed", async () => {
    const chainA = new FakeChain("one");
    chainA.grow(5);
    const a = await startHost({ chain: chainA });
    // B redials A every 500 ms (its bootnode); A has no bootnode, so only B's dials can reconnect them.
    const b = await startHost({ chain: new FakeChain("one"), bootnodes: [a.listenAddresses()[0]] });
    hosts.push(a, b);
    const receivedByA: string[] = [];
    for (const kind of GOSSIP_KINDS) {
      a.subscribe(kind, async (data) => {
        receivedByA.push(Buffer.from(data).toString());
        return "accept";
      });
      b.subscribe(kind, async () => "accept");
    }
    await waitFor(() => a.peers().length === 1 && b.peers().length === 1 && a.meshPeers("blocks").length === 1 && b.meshPeers("blocks").length === 1, "connection and mesh");
    await b.publish("blocks", utf8("before"));
    await waitFor(() => receivedByA.includes("before"), "gossip before the cut");

    await a.denyPeers([b.peerId]);
    assert.deepEqual(a.deniedPeers(), [b.peerId]);
    await waitFor(() => a.libp2p.getConnections().length === 0 && b.libp2p.getConnections().length === 0, "the open connection closed");
    // Several of B's redials: the gater refuses each before it becomes a connection.
    let opened = 0;
    a.libp2p.addEventListener("connection:open", () => opened++);
    for (let i = 0; i < 6; i++) {
      await sleep(300);
      assert.equal(a.libp2p.getConnections().length, 0, "no connection while denied");
      assert.equal(a.peers().length + b.peers().length, 0, "no handshaked peer while denied");
      for (const kind of GOSSIP_KINDS) await b.publish(kind, utf8(`during ${i}`)).catch(() => {});
    }
    assert.equal(opened, 0, "no connection opened while denied, not even briefly");
    await assert.rejects(b.requestBlocks(a.peerId, 1, 5), "no block range across the cut");
    assert.equal(receivedByA.filter((m) => m.startsWith("during")).length, 0, "no gossip across the cut");

    a.allowPeers([b.peerId]);
    assert.deepEqual(a.deniedPeers(), []);
    await waitFor(() => a.peers().length === 1 && b.peers().length === 1 && a.meshPeers("blocks").length === 1, "reconnection after allow", 10_000);
    await b.publish("blocks", utf8("after"));
    await waitFor(() => receivedByA.includes("after"), "gossip after the heal");
    const blocks = await b.requestBlocks(a.peerId, 1, 5);
    assert.deepEqual(
      blocks.map((x) => x.number),
      [1, 2, 3, 4, 5],
    );
  });

  it("closes a denied peer's connection from the side that dialled it too", async () => {
    const a = await startHost({ chain: new FakeChain("one") });
    const b = await startHost({ chain: new FakeChain("one"), bootnodes: [a.listenAddresses()[0]] });
    hosts.push(a, b);
    await waitFor(() => a.peers().length === 1 && b.peers().length === 1, "connection");
    // B dialled A; now B (the dialler) denies A: it must neither keep the connection nor redial.
    await b.denyPeers([a.peerId]);
    await waitFor(() => a.libp2p.getConnections().length === 0 && b.libp2p.getConnections().length === 0, "connection closed");
    await sleep(1200);
    assert.equal(b.libp2p.getConnections().length, 0, "the bootnode redial skips a denied peer");
    b.allowPeers([a.peerId]);
    await waitFor(() => a.peers().length === 1 && b.peers().length === 1, "reconnected at once by the allow's redial", 5000);
  });
});
