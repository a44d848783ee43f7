import assert from "node:assert/strict";
import { bytesEqual, utf8 } from "../../../primitives/bytes.ts";
import { nullLogger } from "../../../primitives/logger.ts";
import type { NetworkHost } from "../../../p2p/host.ts";
import { NetworkError } from "../../../p2p/errors.ts";
import { SyncService } from "../../../p2p/sync.ts";
import { FakeChain, startHost, waitFor } from "./helpers.ts";

describe("p2p: block-range sync", function () {
  const hosts: NetworkHost[] = [];
  const syncs: SyncService[] = [];
  afterEach(async () => {
    await Promise.all(syncs.splice(0).map((s) => s.stop()));
    await Promise.all(hosts.splice(0).map((h) => h.stop()));
  });

  it("serves ranges of at most 128 canonical blocks with their justifications", async () => {
    const source = new FakeChain("one");
    source.grow(40);
    const server = await startHost({ chain: source });
    const client = await startHost({ chain: new FakeChain("one"), bootnodes: [server.listenAddresses()[0]] });
    hosts.push(server, client);
    await waitFor(() => client.peers().length === 1, "handshake");

    const items = await client.requestBlocks(server.peerId, 5, 10);
    assert.deepEqual(items.map((i) => i.number), [5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
    assert.ok(items.every((i) => bytesEqual(i.block, source.block(source.hashAt(i.number) as Uint8Array) as Uint8Array)));
    assert.ok(bytesEqual(items.find((i) => i.number === 10)?.justification ?? new Uint8Array(0), utf8("justification:10")));
    assert.equal(items.find((i) => i.number === 11)?.justification, null);
    // Past the peer's best the answer is short, not an error.
    assert.deepEqual((await client.requestBlocks(server.peerId, 38, 5)).map((i) => i.number), [38, 39, 40]);
    await assert.rejects(client.requestBlocks(server.peerId, 1, 129), { message: "BAD_REQUEST" });
  });

  it("a node that joins late catches up 300 blocks, in order, through the import callback", async function () {
    this.timeout(30_000);
    const source = new FakeChain("one");
    source.grow(300);
    const server = await startHost({ chain: source });
    const fresh = new FakeChain("one");
    const client = await startHost({ chain: fresh, bootnodes: [server.listenAddresses()[0]] });
    hosts.push(server, client);
    const imported: number[] = [];
    const sync = new SyncService(
      {},
      {
        network: client,
        chain: fresh,
        importBlock: async (block, justification) => {
          fresh.importBlock(block, justification);
          imported.push(fresh.best.number);
        },
        logger: nullLogger(),
        metrics: null,
      },
    );
    syncs.push(sync);
    sync.start();
    const started = Date.now();
    await waitFor(() => fresh.best.number === 300, "catch-up", 20_000);
    const seconds = (Date.now() - started) / 1000;
    console.log(`      synced 300 blocks in ${seconds.toFixed(2)} s (${(300 / seconds).toFixed(0)} blocks/s)`);
    assert.deepEqual(imported, Array.from({ length: 300 }, (_, i) => i + 1));
    assert.ok(bytesEqual(fresh.best.hash, source.best.hash));
    assert.equal(fresh.finalized.number, 300);
  });

  it("penalises a peer whose blocks fail to import and disconnects it when it keeps failing", async () => {
    const liar = new FakeChain("one");
    liar.grow(20);
    const server = await startHost({ chain: liar });
    const fresh = new FakeChain("one");
    fresh.importBlock(fresh.makeBlock(99), null); // a block #1 of our own, which the liar's #2 does not extend
    const client = await startHost({ chain: fresh, bootnodes: [server.listenAddresses()[0]] });
    hosts.push(server, client);
    const sync = new SyncService(
      { reorgWindow: 0 },
      { network: client, chain: fresh, importBlock: async (block, justification) => fresh.importBlock(block, justification), logger: nullLogger(), metrics: null },
    );
    syncs.push(sync);
    sync.start();
    await waitFor(() => client.peerScore(server.peerId) < -40, "penalty");
    assert.equal(fresh.best.number, 1);
    // Each status refresh retriggers sync; the second failure crosses the ban threshold.
    await waitFor(() => client.isBanned(server.peerId), "ban", 10_000);
    await waitFor(() => client.peers().length === 0, "disconnect");
  });

  it("does not hold a local import failure (our disk, our clock) against the peer", async () => {
    const source = new FakeChain("one");
    source.grow(20);
    const server = await startHost({ chain: source });
    const fresh = new FakeChain("one");
    const client = await startHost({ chain: fresh, bootnodes: [server.listenAddresses()[0]] });
    hosts.push(server, client);
    let attempts = 0;
    const sync = new SyncService(
      {},
      {
        network: client,
        chain: fresh,
        importBlock: async () => {
          attempts++;
          throw new NetworkError({ code: "LOCAL_IMPORT_FAILURE", reason: "database write failed: no space left on device" });
        },
        logger: nullLogger(),
        metrics: null,
      },
    );
    syncs.push(sync);
    sync.start();
    await waitFor(() => attempts >= 2, "sync retried on the next status", 10_000);
    assert.equal(client.peerScore(server.peerId), 0);
    assert.equal(client.peers().length, 1, "the peer stays connected");
  });

  it("hands whole ranges to importRange, in order, and penalises the peer whose range fails (not for a local failure)", async function () {
    this.timeout(30_000);
    const source = new FakeChain("one");
    source.grow(300);
    const server = await startHost({ chain: source });
    const fresh = new FakeChain("one");
    const client = await startHost({ chain: fresh, bootnodes: [server.listenAddresses()[0]] });
    hosts.push(server, client);
    const ranges: Array<[number, number]> = [];
    const reported: number[] = [];
    const sync = new SyncService(
      {},
      {
        network: client,
        chain: fresh,
        importBlock: async () => assert.fail("importBlock is not used when importRange is given"),
        importRange: async (items, _from, imported) => {
          ranges.push([items[0].number, items[items.length - 1].number]);
          items.forEach((item, i) => {
            fresh.importBlock(item.block, item.justification);
            imported(i);
            reported.push(item.number);
          });
        },
        logger: nullLogger(),
        metrics: null,
      },
    );
    syncs.push(sync);
    sync.start();
    await waitFor(() => fresh.best.number === 300, "catch-up", 20_000);
    assert.deepEqual(ranges, [[1, 128], [129, 256], [257, 300]]);
    assert.deepEqual(reported, Array.from({ length: 300 }, (_, i) => i + 1));
    assert.ok(bytesEqual(fresh.best.hash, source.best.hash));

    // A range that fails: a verdict on the peer's blocks costs it score; ours (LOCAL_IMPORT_FAILURE) does not.
    const other = new FakeChain("one");
    other.grow(20);
    const liar = await startHost({ chain: other });
    const local = await startHost({ chain: other });
    const behind = new FakeChain("one");
    const liarClient = await startHost({ chain: behind, bootnodes: [liar.listenAddresses()[0]] });
    const localClient = await startHost({ chain: new FakeChain("one"), bootnodes: [local.listenAddresses()[0]] });
    hosts.push(liar, local, liarClient, localClient);
    let localAttempts = 0;
    const bad = new SyncService(
      {},
      { network: liarClient, chain: behind, importBlock: async () => undefined, importRange: async () => Promise.reject(new Error("BAD_STATE_ROOT")), logger: nullLogger(), metrics: null },
    );
    const ours = new SyncService(
      {},
      {
        network: localClient,
        chain: new FakeChain("one"),
        importBlock: async () => undefined,
        importRange: async () => {
          localAttempts++;
          throw new NetworkError({ code: "LOCAL_IMPORT_FAILURE", reason: "database write failed" });
        },
        logger: nullLogger(),
        metrics: null,
      },
    );
    syncs.push(bad, ours);
    bad.start();
    ours.start();
    await waitFor(() => liarClient.peerScore(liar.peerId) < 0, "the failing range's peer penalised", 10_000);
    await waitFor(() => localAttempts >= 1, "the local failure tried", 10_000);
    assert.equal(localClient.peerScore(local.peerId), 0);
  });
});
