import assert from "node:assert/strict";
import { bytesEqual, toHex } from "../../../primitives/bytes.ts";
import { nullLogger } from "../../../primitives/logger.ts";
import type { NetworkHost } from "../../../p2p/host.ts";
import { SyncService } from "../../../p2p/sync.ts";
import { FakeChain, sleep, startHost, waitFor } from "./helpers.ts";

/** A peer run with `--blocks-pruning <n>`: headers and hashes of every block, bodies only from `bodiesFrom` on. */
class BodiesPrunedChain extends FakeChain {
  private readonly pruned = new Set<string>();

  pruneBodiesBelow(number: number): void {
    for (let n = 1; n < number; n++) this.pruned.add(toHex(this.hashAt(n)!));
  }

  override block(hash: Uint8Array): Uint8Array | undefined {
    return this.pruned.has(toHex(hash)) ? undefined : super.block(hash);
  }
}

/**
 * p2p/blockServer.ts answers a range with the blocks it holds, stopping at the first missing body:
 * a peer that pruned old bodies answers a request from below its window with nothing. What a
 * syncing node does with that (p2p/sync.ts): an empty answer below its own best makes it ask again
 * from just past its best (the blocks between are its own); otherwise `syncFrom` returns false
 * without penalising the peer, the round moves on to the next-best peer, and the next round (the
 * next status from any peer) asks again.
 */
describe("p2p: sync when the most advanced peer pruned its old bodies (--blocks-pruning)", function () {
  this.timeout(30_000);
  const hosts: NetworkHost[] = [];
  const syncs: SyncService[] = [];
  afterEach(async () => {
    await Promise.all(syncs.splice(0).map((s) => s.stop()));
    await Promise.all(hosts.splice(0).map((h) => h.stop()));
  });

  function startSync(client: NetworkHost, fresh: FakeChain, reported: string[]): SyncService {
    const sync = new SyncService(
      {},
      {
        network: { ...bind(client), reportPeer: (peer, reason) => (reported.push(`${peer}:${reason}`), client.reportPeer(peer, reason)) },
        chain: fresh,
        importBlock: async (block, justification) => fresh.importBlock(block, justification),
        logger: nullLogger(),
        metrics: null,
      },
    );
    syncs.push(sync);
    sync.start();
    return sync;
  }

  it("an empty answer from the pruned peer moves sync to a peer with the bodies; the pruned peer serves the recent tail later, unpenalised", async () => {
    const pruned = new BodiesPrunedChain("one");
    pruned.grow(310);
    pruned.pruneBodiesBelow(250);
    const archive = new FakeChain("one");
    archive.grow(300);
    // Same chain: the archive peer's blocks are the pruned peer's first 300.
    assert.ok(bytesEqual(archive.hashAt(300)!, pruned.hashAt(300)!));
    const p = await startHost({ chain: pruned });
    const a = await startHost({ chain: archive });
    const fresh = new FakeChain("one");
    const client = await startHost({ chain: fresh, bootnodes: [p.listenAddresses()[0], a.listenAddresses()[0]] });
    hosts.push(p, a, client);
    await waitFor(() => client.peers().length === 2, "both handshakes");
    // What the pruned peer answers below its window, and inside it.
    assert.deepEqual(await client.requestBlocks(p.peerId, 1, 128), []);
    assert.deepEqual((await client.requestBlocks(p.peerId, 300, 5)).map((i) => i.number), [300, 301, 302, 303, 304]);

    const reported: string[] = [];
    startSync(client, fresh, reported);
    await waitFor(() => fresh.best.number === 310, "the fresh node at the pruned peer's best", 20_000);
    assert.ok(bytesEqual(fresh.best.hash, pruned.best.hash));
    assert.deepEqual(reported, [], "an empty answer is not held against the peer");
    assert.equal(client.peers().length, 2);
  });

  it("a node whose finality lags its best catches up from a peer whose body window starts above its finalized head", async () => {
    const pruned = new BodiesPrunedChain("one");
    pruned.grow(310);
    pruned.pruneBodiesBelow(303);
    // At #305, finalized #300: a round starts inside the reorg window (#301), below the peer's bodies.
    const behind = new FakeChain("one");
    behind.grow(305);
    assert.equal(behind.finalized.number, 300);
    const p = await startHost({ chain: pruned });
    const client = await startHost({ chain: behind, bootnodes: [p.listenAddresses()[0]] });
    hosts.push(p, client);
    await waitFor(() => client.peers().length === 1, "handshake");
    const reported: string[] = [];
    startSync(client, behind, reported);
    await waitFor(() => behind.best.number === 310, "the node at the pruned peer's best", 20_000);
    assert.ok(bytesEqual(behind.best.hash, pruned.best.hash));
    assert.deepEqual(reported, []);
  });

  it("with only pruned peers it does not hang or penalise: the round ends with nothing synced, and a peer with the bodies that connects later lets it finish", async () => {
    const pruned = new BodiesPrunedChain("one");
    pruned.grow(200);
    pruned.pruneBodiesBelow(150);
    const p = await startHost({ chain: pruned });
    const fresh = new FakeChain("one");
    const client = await startHost({ chain: fresh, bootnodes: [p.listenAddresses()[0]] });
    hosts.push(p, client);
    await waitFor(() => client.peers().length === 1, "handshake");
    const reported: string[] = [];
    const sync = startSync(client, fresh, reported);
    await sleep(2500);
    await sync.idle();
    assert.equal(fresh.best.number, 0, "nothing below the pruned peer's window can be synced from it");
    assert.deepEqual(reported, []);
    assert.equal(client.peers().length, 1, "still connected");

    const archive = new FakeChain("one");
    archive.grow(200);
    const a = await startHost({ chain: archive, bootnodes: [client.listenAddresses()[0]] });
    hosts.push(a);
    await waitFor(() => fresh.best.number === 200, "sync once a peer with the bodies is there", 20_000);
    assert.deepEqual(reported, []);
  });
});

/** The host's SyncNetwork methods, bound (so that one can be wrapped). */
function bind(host: NetworkHost): Pick<NetworkHost, "peers" | "requestBlocks" | "on" | "off"> {
  return {
    peers: () => host.peers(),
    requestBlocks: (peer, from, count) => host.requestBlocks(peer, from, count),
    on: (event, listener) => host.on(event, listener),
    off: (event, listener) => host.off(event, listener),
  };
}
