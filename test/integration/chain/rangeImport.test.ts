import { strict as assert } from "node:assert";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bigintToBytes, toHex } from "../../../primitives/bytes.ts";
import type { Block } from "../../../primitives/codec/index.ts";
import { auraPreDigest } from "../../../primitives/digest.ts";
import { devKeypair } from "../../../primitives/keys/devAccounts.ts";
import { nullLogger } from "../../../primitives/logger.ts";
import { orderedTrieRoot } from "../../../primitives/trie/trie.ts";
import { sealHeader } from "../../../consensus/aura/seal.ts";
import { slotAt } from "../../../consensus/aura/slots.ts";
import { buildGenesisBlock } from "../../../genesis/build.ts";
import { applyStateChanges, headerHash, type Chain } from "../../../node/chain/chain.ts";
import { BlockImportError } from "../../../node/chain/errors.ts";
import type { PruningOpts } from "../../../node/chain/statePruner.ts";
import { Database, DatabaseError } from "../../../node/db/database.ts";
import { openChain } from "../../../node/openChain.ts";
import { signExtrinsic } from "../../../runtime/extrinsic.ts";
import { transferArgs } from "../../../runtime/modules/balances/types.ts";
import { getAccount } from "../../../runtime/modules/system/accounts.ts";
import type { Executive } from "../../../runtime/executive.ts";
import { fastDevSpec } from "../../../harness/devNode.ts";
import { checkPrunedDatabase } from "../../utils/prunedDatabase.ts";

const alice = devKeypair("Alice");
const genesis = buildGenesisBlock(fastDevSpec(1000));
const PRUNED: PruningOpts = { state: 8, blocks: "archive-canonical" };
const BLOCKS = 60;

interface Opened {
  dir: string;
  db: Database;
  chain: Chain;
  executive: Executive;
}

async function open(dir: string, pruning: PruningOpts): Promise<Opened> {
  const db = await Database.open(dir);
  const { chain, executive } = await openChain(genesis, db, { logger: nullLogger(), metrics: null, pruning });
  return { dir, db, chain, executive };
}

async function close(o: Opened): Promise<void> {
  await o.chain.idle();
  await o.db.close();
}

/** The next block on `o`'s best, with one transfer to a fresh account (every block adds state and rewrites the trie's top). */
function buildNext(o: Opened, slot: bigint): Block {
  const parent = o.chain.best;
  const state = o.chain.stateAt(parent.hash);
  const nonce = getAccount(state, alice.publicKey).nonce;
  const dest = new Uint8Array(32).fill(9);
  dest[0] = parent.number + 1;
  const call = { module: "balances", method: "transfer", args: transferArgs.encode({ dest, value: bigintToBytes(10n ** 15n) }) };
  const extrinsics = [signExtrinsic(genesis.hash, alice.secretSeed, call, { nonce })];
  const digest = [auraPreDigest(slot)];
  const ctx = o.executive.initializeBlock(state, { number: parent.number + 1, parentHash: parent.hash, digest });
  extrinsics.forEach((xt, i) => o.executive.applyExtrinsic(ctx, xt, i));
  const { root } = applyStateChanges(state, o.executive.finalizeBlock(ctx));
  const header = sealHeader({ parentHash: parent.hash, number: parent.number + 1, stateRoot: root, extrinsicsRoot: orderedTrieRoot(extrinsics), digest }, alice.secretSeed);
  return { header, extrinsics };
}

/** Every key and value of the database, hex, in key order. */
async function dump(db: Database): Promise<string[]> {
  const out: string[] = [];
  for await (const [key, value] of db.entries(new Uint8Array(0))) out.push(`${toHex(key)}=${toHex(value)}`);
  return out;
}

describe("Chain.importBlocks: a synced range in one atomic batch", function () {
  this.timeout(120_000);
  const dirs: string[] = [];
  const tempDir = (): string => {
    const dir = mkdtempSync(join(tmpdir(), "arkreen-range-"));
    dirs.push(dir);
    return dir;
  };
  let blocks: Block[];

  before(async () => {
    const source = await open(tempDir(), { state: "archive", blocks: "archive" });
    let slot = slotAt(Date.now(), 1000) - 1000n;
    blocks = [];
    for (let n = 1; n <= BLOCKS; n++) {
      const block = buildNext(source, ++slot);
      await source.chain.importBlock(block, "own");
      blocks.push(block);
    }
    await close(source);
  });

  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it("writes exactly what importing block by block writes: same blocks, trie nodes, reference counts and journals, before and after finality", async () => {
    const single = await open(tempDir(), PRUNED);
    const ranged = await open(tempDir(), PRUNED);
    for (const block of blocks.slice(0, 40)) await single.chain.importBlock(block, "network");
    const reported: number[] = [];
    // Ranges of 16 whose first blocks the chain already holds (a sync round restarting inside its reorg window).
    await ranged.chain.importBlocks(blocks.slice(0, 16), "network", (i) => reported.push(i));
    await ranged.chain.importBlocks(blocks.slice(12, 28), "network", (i) => reported.push(12 + i));
    await ranged.chain.importBlocks(blocks.slice(28, 40), "network", (i) => reported.push(28 + i));
    const span = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);
    assert.deepEqual(reported, [...span(0, 16), ...span(12, 28), ...span(28, 40)], "every block of each range reported in order, known ones included");
    assert.equal(ranged.chain.best.number, 40);
    assert.deepEqual(await dump(ranged.db), await dump(single.db), "the same database, key by key");
    // Finality settles the same journals on both.
    for (const o of [single, ranged]) await o.chain.finalize(headerHash(blocks[35].header), null);
    assert.deepEqual(await dump(ranged.db), await dump(single.db), "the same database after finality pruned");
    await close(single);
    await close(ranged);
    const report = await checkPrunedDatabase(ranged.dir, genesis, PRUNED);
    assert.equal(report.statesRead, 8 + 4, "the window of 8 finalized states and the 4 unfinalized ones");
  });

  it("a block that fails ends the range: the blocks before it are written and announced, nothing after it, and its error is thrown", async () => {
    const o = await open(tempDir(), PRUNED);
    const bad = { ...blocks[9], extrinsics: [] };
    const range = [...blocks.slice(0, 9), bad, ...blocks.slice(10, 20)];
    const announced: number[] = [];
    o.chain.on("imported", (b) => announced.push(b.header.number));
    const held: number[] = [];
    await assert.rejects(
      o.chain.importBlocks(range, "network", (i) => held.push(i)),
      (e: unknown) => e instanceof BlockImportError && e.code === "BAD_EXTRINSICS_ROOT",
    );
    assert.deepEqual(held, [...Array(9).keys()]);
    assert.deepEqual(announced, [1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.equal(o.chain.best.number, 9);
    for (const block of blocks.slice(9, 20)) assert.equal(o.chain.header(headerHash(block.header)), undefined, `#${block.header.number} not written`);
    // The rest imports once the good block comes.
    await o.chain.importBlocks(blocks.slice(9, 20), "network");
    assert.equal(o.chain.best.number, 20);
    await close(o);
  });

  it("a failed range write (a crash before the batch lands) leaves the chain at its best before the range, also after a reopen; the range imports again", async () => {
    const dir = tempDir();
    let o = await open(dir, PRUNED);
    await o.chain.importBlocks(blocks.slice(0, 20), "network");
    await o.chain.finalize(headerHash(blocks[14].header), null);
    const batch = o.db.batch.bind(o.db);
    let failNext = true;
    o.db.batch = async (ops) => {
      if (failNext) {
        failNext = false;
        throw new DatabaseError({ code: "WRITE_FAILED", path: dir, reason: "injected: the process died before the batch was written" });
      }
      return batch(ops);
    };
    const announced: number[] = [];
    o.chain.on("imported", (b) => announced.push(b.header.number));
    await assert.rejects(o.chain.importBlocks(blocks.slice(20, 40), "network"), (e: unknown) => e instanceof DatabaseError);
    assert.equal(o.chain.best.number, 20, "the in-memory head did not move");
    assert.deepEqual(announced, [], "nobody heard of an unwritten block");
    assert.equal(o.chain.header(headerHash(blocks[20].header)), undefined);
    await close(o);
    const afterFailure = await checkPrunedDatabase(dir, genesis, PRUNED);
    assert.equal(afterFailure.best, 20);

    o = await open(dir, PRUNED);
    assert.equal(o.chain.best.number, 20, "reopened at the best before the range");
    await o.chain.importBlocks(blocks.slice(20, 40), "network");
    await o.chain.finalize(headerHash(blocks[35].header), null);
    assert.equal(o.chain.best.number, 40);
    await close(o);
    const afterRetry = await checkPrunedDatabase(dir, genesis, PRUNED);
    assert.equal(afterRetry.best, 40);
  });
});
