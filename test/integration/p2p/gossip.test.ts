import assert from "node:assert/strict";
import { Registry } from "prom-client";
import { toHex, utf8 } from "../../../primitives/bytes.ts";
import { TOPIC_QUEUES, type GossipValidationResult } from "../../../p2p/gossip.ts";
import type { NetworkHost } from "../../../p2p/host.ts";
import { createNetworkMetrics } from "../../../p2p/metrics.ts";
import { GOSSIP_KINDS, GOSSIP_MAX_BYTES, gossipTopic } from "../../../p2p/protocols.ts";
import type { GossipKind } from "../../../p2p/protocols.ts";
import { FakeChain, sleep, startHost, waitFor } from "./helpers.ts";

/** Records what a host's validators saw, and answers with `verdict(data)`. */
class Inbox {
  readonly seen: Array<{ kind: GossipKind; data: string; from: string }> = [];
  verdict: (data: Uint8Array) => GossipValidationResult = () => "accept";

  attach(host: NetworkHost): void {
    for (const kind of GOSSIP_KINDS) {
      host.subscribe(kind, async (data, from) => {
        this.seen.push({ kind, data: Buffer.from(data).toString(), from });
        return this.verdict(data);
      });
    }
  }

  count(text: string): number {
    return this.seen.filter((m) => m.data === text).length;
  }
}

describe("p2p: gossip topics and validation", function () {
  const hosts: NetworkHost[] = [];
  let a: NetworkHost, b: NetworkHost, c: NetworkHost;
  let inboxB: Inbox, inboxC: Inbox;
  let register: Registry;

  // A line, A — B — C: what C receives from A was validated and forwarded by B.
  beforeEach(async () => {
    register = new Registry();
    a = await startHost({ chain: new FakeChain("one") });
    b = await startHost({ chain: new FakeChain("one"), bootnodes: [a.listenAddresses()[0]], metrics: createNetworkMetrics(register) });
    c = await startHost({ chain: new FakeChain("one"), bootnodes: [b.listenAddresses()[0]] });
    hosts.push(a, b, c);
    inboxB = new Inbox();
    inboxC = new Inbox();
    new Inbox().attach(a);
    inboxB.attach(b);
    inboxC.attach(c);
    await waitFor(
      () => GOSSIP_KINDS.every((kind) => b.meshPeers(kind).length === 2 && a.meshPeers(kind).length === 1 && c.meshPeers(kind).length === 1),
      "gossip meshes",
    );
  });

  afterEach(async () => {
    await Promise.all(hosts.splice(0).map((h) => h.stop()));
  });

  async function gossipCount(kind: string, result: string): Promise<number> {
    const metric = await register.getSingleMetric("arkreen_p2p_gossip_received_total")?.get();
    return metric?.values.find((v) => v.labels.kind === kind && v.labels.result === result)?.value ?? 0;
  }

  it("delivers each kind across two hops on its own topic", async () => {
    assert.equal(gossipTopic(new FakeChain("one").genesisHash, "votes"), `/arkreen/${toHex(new FakeChain("one").genesisHash).slice(2, 10)}/votes/proto`);
    for (const kind of GOSSIP_KINDS) await a.publish(kind, utf8(`hello ${kind}`));
    await waitFor(() => GOSSIP_KINDS.every((kind) => inboxC.count(`hello ${kind}`) === 1), "delivery to C");
    for (const kind of GOSSIP_KINDS) {
      assert.deepEqual(inboxC.seen.find((m) => m.data === `hello ${kind}`)?.kind, kind);
      assert.equal(inboxC.seen.find((m) => m.data === `hello ${kind}`)?.from, b.peerId);
    }
    assert.equal(await gossipCount("blocks", "accept"), 1);
  });

  it("validates and forwards the same content once, whoever sends it (message id = content hash)", async () => {
    await a.publish("extrinsics", utf8("same transfer"));
    await c.publish("extrinsics", utf8("same transfer"));
    await a.publish("extrinsics", utf8("same transfer"));
    await a.publish("extrinsics", utf8("marker"));
    await waitFor(() => inboxC.count("marker") === 1 && inboxB.count("marker") === 1, "marker");
    await sleep(300);
    assert.equal(inboxB.count("same transfer"), 1);
    // C sees A's copy at most once (only if it arrived before C published the same bytes).
    assert.ok(inboxC.count("same transfer") <= 1);
  });

  it("does not forward a rejected message, penalises its sender, and bans it after repeated rejects", async () => {
    inboxB.verdict = (data) => (Buffer.from(data).toString().startsWith("bad") ? "reject" : "accept");
    await a.publish("readings", utf8("bad 0"));
    await a.publish("readings", utf8("good"));
    await waitFor(() => inboxC.count("good") === 1, "good message forwarded");
    await sleep(300);
    assert.equal(inboxC.count("bad 0"), 0);
    assert.ok(b.peerScore(a.peerId) < -19, `score after one reject: ${b.peerScore(a.peerId)}`);
    assert.equal(await gossipCount("readings", "reject"), 1);

    for (let i = 1; i <= 5; i++) await a.publish("readings", utf8(`bad ${i}`)).catch(() => {});
    await waitFor(() => b.isBanned(a.peerId), "ban");
    await waitFor(() => b.libp2p.getConnections().length === 1 && !b.peers().some((p) => p.peerId === a.peerId), "disconnect");
    assert.equal(inboxC.seen.filter((m) => m.data.startsWith("bad")).length, 0);
  });

  it("drops a message over its topic's size limit before validation and penalises the sender", async () => {
    await assert.rejects(a.publish("votes", new Uint8Array(GOSSIP_MAX_BYTES.votes + 1)), { name: "NetworkError", message: "GOSSIP_MESSAGE_TOO_LARGE" });
    // A misbehaving peer bypasses its own check and publishes straight to gossipsub.
    const topic = gossipTopic(new FakeChain("one").genesisHash, "votes");
    await a.libp2p.services.pubsub.publish(topic, new Uint8Array(GOSSIP_MAX_BYTES.votes + 1).fill(7));
    await waitFor(() => b.peerScore(a.peerId) < -19, "penalty");
    assert.equal(inboxB.seen.filter((m) => m.kind === "votes").length, 0);
    assert.equal(await gossipCount("votes", "oversized"), 1);
    // A block of the same size is within the blocks topic's limit.
    await a.publish("blocks", new Uint8Array(GOSSIP_MAX_BYTES.votes + 1).fill(8));
    await waitFor(() => inboxC.seen.some((m) => m.kind === "blocks"), "large block delivered");
  });

  it("bounds each topic's validation queue: past it messages are dropped and counted, other topics unaffected", async () => {
    // B's block validation stalls (one runs at a time), so A's blocks pile up in B's queue.
    let release: () => void = () => {};
    const stalled = new Promise<void>((resolve) => (release = resolve));
    b.subscribe("blocks", async () => {
      await stalled;
      return "ignore";
    });
    const sent = TOPIC_QUEUES.blocks.maxLength + 1 + 10;
    for (let i = 0; i < sent; i++) await a.publish("blocks", utf8(`block ${i}`));
    const expected = sent - 1 - TOPIC_QUEUES.blocks.maxLength;
    const deadline = Date.now() + 8000;
    while ((await gossipCount("blocks", "dropped")) < expected && Date.now() < deadline) await sleep(50);
    await sleep(300);
    assert.equal(await gossipCount("blocks", "dropped"), expected, `dropped = sent − running − queued (${sent} sent)`);
    // Extrinsics have their own queue and are still validated and forwarded.
    await a.publish("extrinsics", utf8("not stuck"));
    await waitFor(() => inboxC.count("not stuck") === 1, "extrinsic forwarded while blocks are stalled");
    release();
  });
});
