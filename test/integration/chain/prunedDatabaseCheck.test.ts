import { strict as assert } from "node:assert";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { blake2b256 } from "../../../primitives/blake2b.ts";
import { nullLogger } from "../../../primitives/logger.ts";
import { buildGenesisBlock } from "../../../genesis/build.ts";
import { headerHash } from "../../../node/chain/chain.ts";
import { Bucket } from "../../../node/db/buckets.ts";
import { Database } from "../../../node/db/database.ts";
import { ChainDatabase } from "../../../node/db/repositories.ts";
import { openChain } from "../../../node/openChain.ts";
import { fastDevSpec } from "../../../harness/devNode.ts";
import { BlockAuthor } from "../finality/harness.ts";
import { checkPrunedDatabase } from "../../utils/prunedDatabase.ts";

const genesis = buildGenesisBlock(fastDevSpec(1000));

/** The offline check the crash-point and network tests run on a stopped node's database finds each kind of damage. */
describe("checkPrunedDatabase (test/utils): passes a sound pruned database, fails a leaked node, a wrong count, a missing node", function () {
  this.timeout(60_000);
  const dir = mkdtempSync(join(tmpdir(), "arkreen-pruned-check-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("sound, then each damage is reported", async () => {
    let db = await Database.open(dir);
    const { chain, executive } = await openChain(genesis, db, { logger: nullLogger(), metrics: null, pruning: { state: 8 } });
    const author = new BlockAuthor(["Alice"]);
    const canonical = [genesis.hash];
    for (let n = 1; n <= 30; n++) {
      const block = author.build(chain, executive);
      await chain.importBlock(block, "network");
      canonical.push(headerHash(block.header));
      // Finality trails by 2: two unfinalized blocks with pending journals at the end.
      if (n > 2) await chain.finalize(canonical[n - 2], null);
    }
    await chain.idle();
    await db.close();

    const report = await checkPrunedDatabase(dir, genesis, { state: 8 });
    assert.deepEqual({ ...report, keysRead: report.keysRead > 0, storedNodes: report.storedNodes > 0 }, { best: 30, finalized: 28, stateKeptFrom: 21, statesRead: 10, keysRead: true, storedNodes: true, pendingJournals: 9 });

    const damage = async (ops: Parameters<Database["batch"]>[0], pattern: RegExp): Promise<void> => {
      db = await Database.open(dir);
      await db.batch(ops);
      await db.close();
      await assert.rejects(checkPrunedDatabase(dir, genesis, { state: 8 }), pattern);
    };
    // A node nothing holds, with a count: leaked.
    const orphan = blake2b256(Uint8Array.of(1, 2, 3));
    const repos = (d: Database) => new ChainDatabase(d);
    db = await Database.open(dir);
    const r = repos(db);
    const someNode = (await (async () => {
      for await (const key of db.keys(Uint8Array.of(Bucket.trieNodeRefs))) return key.slice(1);
      return undefined;
    })())!;
    const count = r.trieNodeRefs.getSync(someNode)!;
    const encoded = r.trieNode.getSync(someNode)!;
    await db.close();
    await damage([r.trieNode.putOp(orphan, Uint8Array.of(0)), r.trieNodeRefs.putOp(orphan, 1)], /stored nodes no kept state or pending journal holds/);
    await damage([r.trieNode.delOp(orphan), r.trieNodeRefs.delOp(orphan), r.trieNodeRefs.putOp(someNode, count + 1)], /reference count of/);
    await damage([r.trieNodeRefs.putOp(someNode, count), r.trieNode.delOp(someNode)], /MISSING_NODE|missing|every node a kept state holds is stored/);
    // Repaired: sound again.
    db = await Database.open(dir);
    await db.batch([r.trieNode.putOp(someNode, encoded)]);
    await db.close();
    await checkPrunedDatabase(dir, genesis, { state: 8 });
  });
});
