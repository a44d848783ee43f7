import assert from "node:assert/strict";
import { peerIdFromString } from "@libp2p/peer-id";
import type { NetworkHost } from "../../../p2p/host.ts";
import { blocksProtocol, statusProtocol } from "../../../p2p/protocols.ts";
import { sendRequest } from "../../../p2p/reqResp.ts";
import { encodeBlocksRequest, encodeStatus } from "../../../p2p/wire.ts";
import { FakeChain, startHost, waitFor } from "./helpers.ts";

/** A raw block-range request with any payload, as a misbehaving peer would send it. */
function rawBlocksRequest(from: NetworkHost, to: NetworkHost, genesisHash: Uint8Array, payload: Uint8Array): Promise<Uint8Array[]> {
  return sendRequest(from.libp2p, peerIdFromString(to.peerId), blocksProtocol(genesisHash), payload, { timeoutMs: 2000, maxItems: 128, maxItemBytes: 1 << 20, maxTotalBytes: 1 << 24 });
}

describe("p2p: request/response limits", function () {
  this.timeout(30_000);
  const hosts: NetworkHost[] = [];
  afterEach(async () => {
    await Promise.all(hosts.splice(0).map((h) => h.stop()));
  });

  it("rate-limits block requests per peer, penalises the excess and bans a peer that keeps flooding, while other peers are served", async () => {
    const source = new FakeChain("one");
    source.grow(20);
    const server = await startHost({ chain: source });
    const flooder = await startHost({ chain: new FakeChain("one"), bootnodes: [server.listenAddresses()[0]], bootnodeRedialMs: 60_000 });
    const honest = await startHost({ chain: new FakeChain("one"), bootnodes: [server.listenAddresses()[0]] });
    hosts.push(server, flooder, honest);
    await waitFor(() => server.peers().length === 2, "both peers connected");

    // The burst (20) is served; past it, requests are refused and each costs the peer 5 points.
    // (Raw requests: the flooder's own client would stop asking a peer that refuses it.)
    let served = 0;
    let refused = 0;
    const startedAt = Date.now();
    for (let i = 0; i < 60 && !server.isBanned(flooder.peerId); i++) {
      try {
        await rawBlocksRequest(flooder, server, source.genesisHash, encodeBlocksRequest({ from: 1, count: 4 }));
        served++;
      } catch {
        refused++;
      }
    }
    // 10 tokens a second refill the bucket while the loop runs.
    const allowed = 20 + Math.ceil(((Date.now() - startedAt) / 1000) * 10);
    assert.ok(served >= 20 && served <= allowed, `served within the burst plus refill: ${served} (at most ${allowed})`);
    assert.ok(refused >= 20, `refused over the rate: ${refused}`);
    await waitFor(() => server.isBanned(flooder.peerId), "the flooder is banned");
    await waitFor(() => !server.peers().some((p) => p.peerId === flooder.peerId), "the flooder is disconnected");

    const items = await honest.requestBlocks(server.peerId, 1, 10);
    assert.deepEqual(items.map((i) => i.number), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], "the honest peer is still served");
    assert.equal(server.peerScore(honest.peerId), 0);
  });

  it("penalises malformed block requests and bans a peer that keeps sending them", async () => {
    const source = new FakeChain("one");
    source.grow(5);
    const server = await startHost({ chain: source });
    const peer = await startHost({ chain: new FakeChain("one"), bootnodes: [server.listenAddresses()[0]], bootnodeRedialMs: 60_000 });
    hosts.push(server, peer);
    await waitFor(() => server.peers().length === 1, "handshake");

    await assert.rejects(rawBlocksRequest(peer, server, source.genesisHash, new Uint8Array(3)));
    await waitFor(() => server.peerScore(peer.peerId) <= -19, "a penalty for a malformed request");
    // count = 0 and count > 128 are out of range.
    const outOfRange = (count: number): Uint8Array => {
      const bytes = new Uint8Array(12);
      new DataView(bytes.buffer).setUint32(8, count);
      return bytes;
    };
    for (const count of [0, 129, 1_000_000, 0xffffffff, 0, 129]) await rawBlocksRequest(peer, server, source.genesisHash, outOfRange(count)).catch(() => {});
    await waitFor(() => server.isBanned(peer.peerId), "banned after repeated malformed requests");
    await waitFor(() => server.peers().length === 0, "disconnected");
  });

  it("rate-limits status exchanges: a peer asking far more often than every status interval is penalised", async () => {
    const source = new FakeChain("one");
    const server = await startHost({ chain: source });
    const peer = await startHost({ chain: new FakeChain("one"), bootnodes: [server.listenAddresses()[0]], bootnodeRedialMs: 60_000 });
    hosts.push(server, peer);
    await waitFor(() => server.peers().length === 1, "handshake");
    const status = encodeStatus({ genesisHash: source.genesisHash, best: source.best, finalized: source.finalized });
    let refused = 0;
    for (let i = 0; i < 12; i++) {
      await sendRequest(peer.libp2p, peerIdFromString(server.peerId), statusProtocol(source.genesisHash), status, { timeoutMs: 2000, maxItems: 1, maxItemBytes: 1024, maxTotalBytes: 1024 }).catch(() => refused++);
    }
    assert.ok(refused >= 5, `exchanges past the burst are refused: ${refused}`);
    assert.ok(server.peerScore(peer.peerId) <= -5, `penalised: ${server.peerScore(peer.peerId)}`);
  });
});
