import { strict as assert } from "node:assert";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bigintToBytes, toHex } from "../../primitives/bytes.ts";
import type { Block } from "../../primitives/codec/index.ts";
import { auraPreDigest } from "../../primitives/digest.ts";
import { devKeypair } from "../../primitives/keys/devAccounts.ts";
import { encodeAddress } from "../../primitives/keys/ss58.ts";
import { nullLogger } from "../../primitives/logger.ts";
import { sealHeader } from "../../primitives/seal.ts";
import { orderedTrieRoot } from "../../primitives/trie/trie.ts";
import { slotAt } from "../../consensus/aura/slots.ts";
import type { RuntimeGenesisConfig } from "../../genesis/chainSpec.ts";
import { buildGenesisBlock } from "../../genesis/build.ts";
import { applyStateChanges, type Chain } from "../../node/chain/chain.ts";
import { Database } from "../../node/db/database.ts";
import { OffenceReporter } from "../../node/offences/offenceReporter.ts";
import { openChain } from "../../node/openChain.ts";
import { RuntimeTxValidator } from "../../node/txValidator.ts";
import { TxPool } from "../../node/txpool/index.ts";
import type { Executive } from "../../runtime/executive.ts";
import { signExtrinsic } from "../../runtime/extrinsic.ts";
import { transferArgs } from "../../runtime/modules/balances/types.ts";
import { devFinalityKeypair } from "../../runtime/modules/staking/index.ts";
import { Ledger, PlannedSets } from "../../runtime/modules/staking/storage.ts";
import { AKRE } from "../utils/runtime.ts";
import { fastDevSpec } from "../../harness/devNode.ts";

type Name = "Alice" | "Bob";
const BOND = 10_000n * AKRE;
const key = (name: Name) => devKeypair(name);
const address = (name: Name): string => encodeAddress(key(name).publicKey, 42);

// Alice and Bob validate in 4-block sessions: Bob authors the odd slots.
const spec = fastDevSpec(1000);
const config = (spec.genesis as { runtimeGenesis: { config: RuntimeGenesisConfig } }).runtimeGenesis.config;
config.aura.authorities = (["Alice", "Bob"] as const).map(address);
config.staking = {
  sessionLengthBlocks: 4,
  bondingPeriodSessions: 4,
  maxValidators: 4,
  minValidatorBond: (1000n * AKRE).toString(),
  slashPercent: 10,
  validators: (["Alice", "Bob"] as const).map((n) => [address(n), BOND.toString(), address(n), toHex(devFinalityKeypair(n).publicKey)]),
};
const genesis = buildGenesisBlock(spec);

/** Builds and seals a block on `parent` without importing it. */
function buildBlock(chain: Chain, executive: Executive, parentHash: Uint8Array, extrinsics: Uint8Array[], slot: bigint, author: Name): Block {
  const parent = chain.block(parentHash);
  assert.ok(parent);
  const number = parent.header.number + 1;
  const state = chain.stateAt(parentHash);
  const ctx = executive.initializeBlock(state, { number, parentHash, digest: [auraPreDigest(slot)] });
  extrinsics.forEach((xt, i) => executive.applyExtrinsic(ctx, xt, i));
  const { root } = applyStateChanges(state, executive.finalizeBlock(ctx));
  const header = sealHeader({ parentHash, number, stateRoot: root, extrinsicsRoot: orderedTrieRoot(extrinsics), digest: [auraPreDigest(slot)] }, key(author).secretSeed);
  return { header, extrinsics };
}

describe("block equivocation on LevelDB: detected, reported, slashed", function () {
  this.timeout(20_000);
  let dir: string;
  let db: Database;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "arkreen-block-equivocation-"));
    db = await Database.open(dir);
  });
  afterEach(async () => {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("two blocks by Bob in one slot become a report in the pool; once included Bob is slashed and leaves the next set", async () => {
    const { chain, executive } = await openChain(genesis, db, { logger: nullLogger(), metrics: null });
    const pool = new TxPool({}, { validator: new RuntimeTxValidator({ chain, executive }), logger: nullLogger(), metrics: null });
    // Wired as node/service.ts wires it; Alice's node reports from Alice's account.
    const reporter = new OffenceReporter({ genesisHash: genesis.hash, accountSeed: key("Alice").secretSeed }, { chain, pool, logger: nullLogger() });
    chain.on("blockEquivocation", (detected) => reporter.report({ kind: "blockEquivocation", detected }));

    let slot = slotAt(Date.now(), 1000) - 1000n;
    if (slot % 2n === 0n) slot++;
    const transfer = signExtrinsic(genesis.hash, key("Bob").secretSeed, { module: "balances", method: "transfer", args: transferArgs.encode({ dest: key("Alice").publicKey, value: bigintToBytes(5n) }) }, { nonce: 0 });
    const first = buildBlock(chain, executive, genesis.hash, [], slot, "Bob");
    const second = buildBlock(chain, executive, genesis.hash, [transfer], slot, "Bob");
    await chain.importBlock(first, "network");
    assert.equal(pool.pending().length, 0, "one block in a slot is no offence");
    await chain.importBlock(second, "network");
    await chain.idle();

    const pending = pool.pending();
    assert.equal(pending.length, 1, "the report is in the pool");
    assert.equal(pending[0].sender, toHex(key("Alice").publicKey));

    const head = chain.best.hash;
    const including = buildBlock(chain, executive, head, pending.map((tx) => tx.bytes), slot + 1n, "Alice");
    assert.ok((await chain.importBlock(including, "own"))?.isNewBest);
    const state = chain.stateAt();
    assert.deepEqual(Ledger.get(state, key("Bob").publicKey), { active: BOND - BOND / 10n, unlocking: [] });
    assert.deepEqual((PlannedSets.get(state, 1) ?? []).map((v) => toHex(v.account)), [toHex(key("Alice").publicKey)], "Bob is removed from the next planned set");
    await chain.idle();
  });
});
