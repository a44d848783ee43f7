import { strict as assert } from "node:assert";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { toHex } from "../../primitives/bytes.ts";
import type { Block } from "../../primitives/codec/index.ts";
import { auraPreDigest } from "../../primitives/digest.ts";
import { devKeypair } from "../../primitives/keys/devAccounts.ts";
import { nullLogger } from "../../primitives/logger.ts";
import { orderedTrieRoot } from "../../primitives/trie/trie.ts";
import { sealHeader } from "../../consensus/aura/seal.ts";
import { slotAt } from "../../consensus/aura/slots.ts";
import { buildGenesisBlock } from "../../genesis/build.ts";
import { applyStateChanges, headerHash, type Chain } from "../../node/chain/chain.ts";
import { FinalityError } from "../../node/chain/errors.ts";
import type { HeadInfo } from "../../node/chain/types.ts";
import { Database } from "../../node/db/database.ts";
import { openChain } from "../../node/openChain.ts";
import { fastDevSpec } from "../../harness/devNode.ts";

const genesis = buildGenesisBlock(fastDevSpec(1000));

interface OpenChain {
  chain: Chain;
  /** An empty block on the best head, sealed by Alice (the dev chain's only authority). */
  build(slot: bigint): Block;
  close(): Promise<void>;
}

async function open(dir: string): Promise<OpenChain> {
  const db = await Database.open(dir);
  const { chain, executive } = await openChain(genesis, db, { logger: nullLogger(), metrics: null });
  return {
    chain,
    async close() {
      await chain.idle();
      await db.close();
    },
    build(slot) {
      const parent = chain.best;
      const state = chain.stateAt(parent.hash);
      const ctx = executive.initializeBlock(state, { number: parent.number + 1, parentHash: parent.hash, digest: [auraPreDigest(slot)] });
      const { root } = applyStateChanges(state, executive.finalizeBlock(ctx));
      const header = sealHeader({ parentHash: parent.hash, number: parent.number + 1, stateRoot: root, extrinsicsRoot: orderedTrieRoot([]), digest: [auraPreDigest(slot)] }, devKeypair("Alice").secretSeed);
      return { header, extrinsics: [] };
    },
  };
}

/**
 * Finality decides over fork choice: a node whose best block lost to a sibling the others
 * finalized (its own block that never left it, say) must switch to the finalized branch, or it
 * refuses the network's justifications and stays on a branch nobody else builds on.
 */
describe("finalizing a block off the best chain", function () {
  this.timeout(20_000);
  const dirs: string[] = [];
  let slot = slotAt(Date.now(), 1000) - 1000n;
  const dir = (): string => {
    dirs.push(mkdtempSync(join(tmpdir(), "arkreen-finality-reorg-")));
    return dirs[dirs.length - 1];
  };
  /** Blocks 1..n of another node's branch, built on the same genesis. */
  async function otherBranch(n: number): Promise<Block[]> {
    const other = await open(dir());
    const blocks: Block[] = [];
    for (let i = 0; i < n; i++) {
      const block = other.build(++slot);
      await other.chain.importBlock(block, "own");
      blocks.push(block);
    }
    await other.close();
    return blocks;
  }
  after(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it("makes the finalized sibling the best block, drops the abandoned branch's canonical entries, and keeps that across a restart", async () => {
    const [b1, b2] = await otherBranch(2);
    const path = dir();
    const node = await open(path);
    for (let i = 0; i < 3; i++) await node.chain.importBlock(node.build(++slot), "own");
    assert.equal(node.chain.best.number, 3);
    const a2 = node.chain.hashAt(2)!;
    assert.equal((await node.chain.importBlock(b1, "network"))?.isNewBest, false, "a sibling of a shorter branch is not best");

    const newBest: HeadInfo[] = [];
    node.chain.on("newBest", (head) => newBest.push(head));
    await node.chain.finalize(headerHash(b1.header), null);
    assert.equal(toHex(node.chain.best.hash), toHex(headerHash(b1.header)));
    assert.equal(toHex(node.chain.finalized.hash), toHex(headerHash(b1.header)));
    assert.deepEqual(newBest.map((h) => toHex(h.hash)), [toHex(headerHash(b1.header))], "listeners hear of the new best block");
    assert.equal(toHex(node.chain.hashAt(1)!), toHex(headerHash(b1.header)));
    assert.equal(node.chain.hashAt(2), undefined);
    await assert.rejects(node.chain.finalize(a2, null), (e: unknown) => e instanceof FinalityError && e.code === "CONFLICTS_WITH_FINALIZED");

    await node.close();
    const reopened = await open(path);
    assert.equal(reopened.chain.best.number, 1);
    assert.equal(toHex(reopened.chain.best.hash), toHex(headerHash(b1.header)));
    assert.equal(reopened.chain.finalized.number, 1);
    assert.equal((await reopened.chain.importBlock(b2, "network"))?.isNewBest, true, "the finalized branch grows");
    assert.equal(toHex(reopened.chain.hashAt(2)!), toHex(headerHash(b2.header)));
    await reopened.close();
  });
});
