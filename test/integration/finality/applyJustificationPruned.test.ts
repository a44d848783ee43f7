import { strict as assert } from "node:assert";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bytesEqual } from "../../../primitives/bytes.ts";
import { devKeypair } from "../../../primitives/keys/devAccounts.ts";
import { nullLogger } from "../../../primitives/logger.ts";
import { signInstantJustification } from "../../../consensus/instantFinality.ts";
import { headerHash } from "../../../node/chain/chain.ts";
import { FinalityError, StateError } from "../../../node/chain/errors.ts";
import { Database } from "../../../node/db/database.ts";
import { applyJustification } from "../../../node/finality/applyJustification.ts";
import { openChain } from "../../../node/openChain.ts";
import { fastDevSpec } from "../../../harness/devNode.ts";
import { BlockAuthor, buildGenesisBlock } from "./harness.ts";

const genesis = buildGenesisBlock(fastDevSpec(1000));
const justify = (hash: Uint8Array) => signInstantJustification(devKeypair("Alice").secretSeed, genesis.hash, hash);

/**
 * Sync and import-blocks hand every block's justification to applyJustification, also for blocks
 * this node finalized long ago. With `--state-pruning 8` the parent state of such a block is gone:
 * a justification at or below the finalized head must be settled by the chain (nothing to do for
 * the canonical block, BEHIND_FINALIZED for another) without reading that state.
 */
describe("applyJustification on a pruned chain (LevelDB, --state-pruning 8)", function () {
  this.timeout(60_000);
  const dir = mkdtempSync(join(tmpdir(), "arkreen-justification-pruned-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("a justification of an old canonical block is a no-op and of an old discarded one BEHIND_FINALIZED, without reading the pruned parent state", async () => {
    const db = await Database.open(dir);
    try {
      const { chain, executive } = await openChain(genesis, db, { logger: nullLogger(), metrics: null, pruning: { state: 8, blocks: "archive-canonical" } });
      const author = new BlockAuthor(["Alice"]);
      const canonical: Uint8Array[] = [genesis.hash];
      let sibling: Uint8Array | null = null;
      for (let n = 1; n <= 20; n++) {
        const block = author.build(chain, executive);
        if (n === 2) {
          // A sibling of #2, imported second (not best), discarded when #2 is finalized.
          const fork = author.build(chain, executive);
          await chain.importBlock(block, "network");
          await chain.importBlock(fork, "network");
          sibling = headerHash(fork.header);
        } else {
          await chain.importBlock(block, "network");
        }
        const hash = headerHash(block.header);
        canonical.push(hash);
        await applyJustification(chain, hash, justify(hash), genesis.hash);
        assert.equal(chain.finalized.number, n);
      }
      assert.ok(sibling);
      // The parent states of #3 and of the sibling are pruned.
      assert.throws(() => chain.stateAt(canonical[2]), (e: unknown) => e instanceof StateError && e.code === "STATE_PRUNED");
      assert.throws(() => chain.stateAt(canonical[1]), (e: unknown) => e instanceof StateError && e.code === "STATE_PRUNED");

      await applyJustification(chain, canonical[3], justify(canonical[3]), genesis.hash);
      assert.equal(chain.finalized.number, 20);
      assert.ok(bytesEqual(chain.finalized.hash, canonical[20]));
      await assert.rejects(applyJustification(chain, sibling, justify(sibling), genesis.hash), (e: unknown) => e instanceof FinalityError && e.code === "BEHIND_FINALIZED");
      // Within the window the usual path still verifies: another key's justification of a new block is refused.
      const next = author.build(chain, executive);
      await chain.importBlock(next, "network");
      const nextHash = headerHash(next.header);
      await assert.rejects(applyJustification(chain, nextHash, signInstantJustification(devKeypair("Bob").secretSeed, genesis.hash, nextHash), genesis.hash), /BAD_INSTANT_SIGNATURE|instant/i);
      assert.equal(chain.finalized.number, 20);
      await chain.idle();
    } finally {
      await db.close();
    }
  });
});
