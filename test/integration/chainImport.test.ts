import { strict as assert } from "node:assert";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bigintToBytes, toHex } from "../../primitives/bytes.ts";
import type { Block } from "../../primitives/codec/index.ts";
import { auraPreDigest } from "../../primitives/digest.ts";
import { devKeypair } from "../../primitives/keys/devAccounts.ts";
import { nullLogger } from "../../primitives/logger.ts";
import { orderedTrieRoot } from "../../primitives/trie/trie.ts";
import { sealHeader } from "../../consensus/aura/seal.ts";
import { slotAt } from "../../consensus/aura/slots.ts";
import { buildGenesisBlock } from "../../genesis/build.ts";
import type { Chain} from "../../node/chain/chain.ts";
import { headerHash } from "../../node/chain/chain.ts";
import { BlockImportError } from "../../node/chain/errors.ts";
import { Database } from "../../node/db/database.ts";
import { openChain } from "../../node/openChain.ts";
import { signExtrinsic } from "../../runtime/extrinsic.ts";
import { transferArgs } from "../../runtime/modules/balances/types.ts";
import { getAccount } from "../../runtime/modules/system/accounts.ts";
import { applyStateChanges } from "../../node/chain/chain.ts";
import type { Executive } from "../../runtime/executive.ts";
import { fastDevSpec } from "../../harness/devNode.ts";

const alice = devKeypair("Alice");
const bob = devKeypair("Bob");
const spec = fastDevSpec(1000);
const genesis = buildGenesisBlock(spec);

/** Builds and seals a block on `chain`'s best head as Alice would, without importing it. */
function buildBlock(chain: Chain, executive: Executive, extrinsics: Uint8Array[], slot: bigint, seed = alice.secretSeed): Block {
  const parent = chain.best;
  const state = chain.stateAt(parent.hash);
  const ctx = executive.initializeBlock(state, { number: parent.number + 1, parentHash: parent.hash, digest: [auraPreDigest(slot)] });
  extrinsics.forEach((xt, i) => executive.applyExtrinsic(ctx, xt, i));
  const { root } = applyStateChanges(state, executive.finalizeBlock(ctx));
  const header = sealHeader({ parentHash: parent.hash, number: parent.number + 1, stateRoot: root, extrinsicsRoot: orderedTrieRoot(extrinsics), digest: [auraPreDigest(slot)] }, seed);
  return { header, extrinsics };
}

function transferXt(nonce: number, amount: bigint): Uint8Array {
  const call = { module: "balances", method: "transfer", args: transferArgs.encode({ dest: bob.publicKey, value: bigintToBytes(amount) }) };
  return signExtrinsic(genesis.hash, alice.secretSeed, call, { nonce });
}

describe("block import on LevelDB", function () {
  this.timeout(20_000);
  let dir: string;
  let db: Database;
  let chain: Chain;
  let executive: Executive;
  let slot = slotAt(Date.now(), 1000) - 1000n;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "arkreen-import-"));
    db = await Database.open(dir);
    ({ chain, executive } = await openChain(genesis, db, { logger: nullLogger(), metrics: null }));
  });
  afterEach(async () => {
    await chain.idle();
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("imports valid blocks with transfers, and reopens at the same best and finalized heads", async () => {
    const b1 = buildBlock(chain, executive, [transferXt(0, 5n), transferXt(1, 7n)], ++slot);
    assert.ok((await chain.importBlock(b1, "network"))?.isNewBest);
    const b2 = buildBlock(chain, executive, [transferXt(2, 11n)], ++slot);
    await chain.importBlock(b2, "network");
    await chain.finalize(headerHash(b1.header), null);
    assert.equal(await chain.importBlock(b2, "network"), null, "a known block is not imported twice");
    const bobFree = getAccount(chain.stateAt(), bob.publicKey).free;

    await chain.idle();
    await db.close();
    db = await Database.open(dir);
    ({ chain, executive } = await openChain(genesis, db, { logger: nullLogger(), metrics: null }));
    assert.equal(chain.best.number, 2);
    assert.equal(toHex(chain.best.hash), toHex(headerHash(b2.header)));
    assert.equal(chain.finalized.number, 1);
    assert.equal(getAccount(chain.stateAt(), bob.publicKey).free, bobFree);
    assert.equal(toHex(chain.hashAt(1)!), toHex(headerHash(b1.header)));
  });

  const tamperings: Array<[string, BlockImportError["code"], (b: Block) => Block]> = [
    ["a wrong state root", "BAD_STATE_ROOT", (b) => ({ ...b, header: sealHeader({ ...unsealed(b), stateRoot: new Uint8Array(32).fill(3) }, alice.secretSeed) })],
    ["a tampered extrinsic list", "BAD_EXTRINSICS_ROOT", (b) => ({ ...b, extrinsics: [] })],
    ["a seal by someone else", "CONSENSUS", (b) => ({ ...b, header: sealHeader(unsealed(b), bob.secretSeed) })],
    ["no seal", "CONSENSUS", (b) => ({ ...b, header: unsealed(b) })],
    ["an unknown parent", "UNKNOWN_PARENT", (b) => ({ ...b, header: { ...b.header, parentHash: new Uint8Array(32).fill(9) } })],
    ["a wrong number", "BAD_NUMBER", (b) => ({ ...b, header: { ...b.header, number: 5 } })],
  ];
  for (const [what, code, tamper] of tamperings) {
    it(`rejects a block with ${what} (${code}) and writes nothing`, async () => {
      const good = buildBlock(chain, executive, [transferXt(0, 5n)], ++slot);
      await assert.rejects(chain.importBlock(tamper(good), "network"), (e: unknown) => e instanceof BlockImportError && e.code === code);
      assert.equal(chain.best.number, 0);
      assert.equal(chain.header(headerHash(tamper(good).header)), undefined);
      assert.ok(await chain.importBlock(good, "network"), "the untampered block still imports");
    });
  }

  it("rejects a block containing an invalid extrinsic (replayed nonce)", async () => {
    const b1 = buildBlock(chain, executive, [transferXt(0, 5n)], ++slot);
    await chain.importBlock(b1, "network");
    const parent = chain.best;
    const replay = [transferXt(0, 5n)];
    const header = sealHeader(
      { parentHash: parent.hash, number: 2, stateRoot: parent.header.stateRoot, extrinsicsRoot: orderedTrieRoot(replay), digest: [auraPreDigest(++slot)] },
      alice.secretSeed,
    );
    await assert.rejects(chain.importBlock({ header, extrinsics: replay }, "network"), (e: unknown) => e instanceof BlockImportError && e.code === "EXECUTION_FAILED");
    assert.equal(chain.best.number, 1);
  });

  it("follows the longest chain on a fork and rewrites the canonical index", async () => {
    const a1 = buildBlock(chain, executive, [], ++slot);
    await chain.importBlock(a1, "network");
    // A competing block 1 and its child: the longer branch wins.
    const fork = await (async () => {
      const dir2 = mkdtempSync(join(tmpdir(), "arkreen-fork-"));
      const db2 = await Database.open(dir2);
      const other = await openChain(genesis, db2, { logger: nullLogger(), metrics: null });
      const b1 = buildBlock(other.chain, other.executive, [transferXt(0, 1n)], ++slot);
      await other.chain.importBlock(b1, "network");
      const b2 = buildBlock(other.chain, other.executive, [], ++slot);
      await other.chain.idle();
      await db2.close();
      rmSync(dir2, { recursive: true, force: true });
      return [b1, b2];
    })();
    assert.equal((await chain.importBlock(fork[0], "network"))?.isNewBest, false);
    assert.equal((await chain.importBlock(fork[1], "network"))?.isNewBest, true);
    assert.equal(toHex(chain.hashAt(1)!), toHex(headerHash(fork[0].header)));
    assert.equal(chain.best.number, 2);
  });
});

function unsealed(b: Block): Block["header"] {
  return { ...b.header, digest: b.header.digest.slice(0, -1) };
}
