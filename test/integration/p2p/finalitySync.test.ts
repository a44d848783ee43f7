import assert from "node:assert/strict";
import { bytesEqual, utf8 } from "../../../primitives/bytes.ts";
import { blake2b256 } from "../../../primitives/hash.ts";
import { nullLogger } from "../../../primitives/logger.ts";
import type { NetworkHost } from "../../../p2p/host.ts";
import { SyncService } from "../../../p2p/sync.ts";
import { FakeChain, startHost, waitFor } from "./helpers.ts";

describe("p2p: finality catch-up", function () {
  const hosts: NetworkHost[] = [];
  const syncs: SyncService[] = [];
  afterEach(async () => {
    await Promise.all(syncs.splice(0).map((s) => s.stop()));
    await Promise.all(hosts.splice(0).map((h) => h.stop()));
  });

  // A validator restarted during the round that finalized #20: it has the blocks (gossip brought
  // them), not the votes, and its peers have moved on to votes it cannot use.
  it("takes the justification of a peer's finalized head among the blocks it already has", async () => {
    const peerChain = new FakeChain("one");
    peerChain.grow(20);
    const ours = new FakeChain("one");
    ours.grow(20);
    ours.finalizedNumber = 15;
    const server = await startHost({ chain: peerChain });
    const client = await startHost({ chain: ours, bootnodes: [server.listenAddresses()[0]] });
    hosts.push(server, client);
    const received: Array<{ number: number; justification: string | null }> = [];
    const sync = new SyncService(
      {},
      {
        network: client,
        chain: ours,
        importBlock: async (block, justification) => {
          const number = [...Array(21).keys()].find((n) => bytesEqual(ours.hashAt(n) as Uint8Array, blake2b256(block)));
          assert.ok(number !== undefined, "a block we have: nothing to import");
          received.push({ number, justification: justification && Buffer.from(justification).toString() });
          if (justification) ours.finalizedNumber = number;
        },
        logger: nullLogger(),
        metrics: null,
      },
    );
    syncs.push(sync);
    sync.start();
    await waitFor(() => ours.finalized.number === 20, "finalized #20 from the peer's justification");
    assert.deepEqual(received, [{ number: 20, justification: Buffer.from(utf8("justification:20")).toString() }]);
  });

  // A node that imported blocks past a set hand-over without its justification (a peer left it
  // out): the peer's finalized head cannot be applied before the hand-over is, and a sync round
  // starting near our best never asks for it again.
  it("asks a peer that finalized past our pending hand-over for the blocks from there, then takes the peer's finalized head", async () => {
    const peerChain = new FakeChain("one");
    peerChain.grow(40);
    const ours = new FakeChain("one");
    ours.grow(40);
    ours.finalizedNumber = 5;
    const server = await startHost({ chain: peerChain });
    const client = await startHost({ chain: ours, bootnodes: [server.listenAddresses()[0]] });
    hosts.push(server, client);
    const HAND_OVER = 10;
    const ranges: Array<{ from: number; justified: number[] }> = [];
    const sync = new SyncService(
      {},
      {
        network: client,
        chain: ours,
        importBlock: () => Promise.reject(new Error("ranges only")),
        // As node/finality/syncImport.ts does: the hand-over's justification first, then the last one.
        importRange: async (items) => {
          const justified = items.filter((i) => i.justification !== null).map((i) => i.number);
          ranges.push({ from: items[0].number, justified });
          if (ours.finalizedNumber < HAND_OVER && !justified.includes(HAND_OVER)) throw new Error("a later set's justification before the hand-over");
          ours.finalizedNumber = Math.max(...justified, ours.finalizedNumber);
        },
        pendingHandOver: () => (ours.finalizedNumber < HAND_OVER ? HAND_OVER - 2 : null),
        logger: nullLogger(),
        metrics: null,
      },
    );
    syncs.push(sync);
    sync.start();
    await waitFor(() => ours.finalized.number === 40, "finalized #40");
    assert.equal(ranges[0].from, HAND_OVER - 2, "the first request starts at the pending hand-over");
    assert.ok(ranges[0].justified.includes(HAND_OVER));
  });
});
