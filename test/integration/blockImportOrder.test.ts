import { strict as assert } from "node:assert";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { blsAggregateSignatures } from "../../primitives/blsKeys.ts";
import { createBlsVerifier, type AggregatePart, type BlsVerifier, type VerifyOpts } from "../../primitives/bls/index.ts";
import type { Block } from "../../primitives/codec/index.ts";
import { auraPreDigest } from "../../primitives/digest.ts";
import { devKeypair } from "../../primitives/keys/devAccounts.ts";
import { nullLogger } from "../../primitives/logger.ts";
import { orderedTrieRoot } from "../../primitives/trie/trie.ts";
import { sealHeader } from "../../consensus/aura/seal.ts";
import { slotAt } from "../../consensus/aura/slots.ts";
import { buildGenesisBlock } from "../../genesis/build.ts";
import type { DetectedBlockEquivocation } from "../../node/chain/blockEquivocation.ts";
import { applyStateChanges, headerHash, type Chain } from "../../node/chain/chain.ts";
import { BlockImportError } from "../../node/chain/errors.ts";
import { Database } from "../../node/db/database.ts";
import { openChain } from "../../node/openChain.ts";
import type { Executive } from "../../runtime/executive.ts";
import { signExtrinsic } from "../../runtime/extrinsic.ts";
import { readingCodec, type Reading } from "../../runtime/modules/pog/types.ts";
import { fastDevSpec } from "../../harness/devNode.ts";
import { registerCall, TestDevice } from "../../harness/energy.ts";

const alice = devKeypair("Alice"); // the dev chain's registrar and only authority
const bob = devKeypair("Bob");
const SLOT_MS = 1000;
const INTERVAL_MS = 60_000;

/** The node's verifier (a worker pool), counting the aggregate pairings block import asks of it. */
class CountingVerifier {
  readonly calls: Array<{ parts: number; opts: VerifyOpts | undefined }> = [];
  private readonly inner: BlsVerifier;
  constructor(inner: BlsVerifier) {
    this.inner = inner;
  }
  verifyAggregate(parts: readonly AggregatePart[], signature: Uint8Array, opts?: VerifyOpts): Promise<boolean> {
    this.calls.push({ parts: parts.length, opts });
    return this.inner.verifyAggregate(parts, signature, opts);
  }
}

describe("block import: cheapest check first, the readings pairing last and on the BLS workers, one verification per sealed slot from gossip", function () {
  this.timeout(30_000);
  const genesis = buildGenesisBlock(fastDevSpec(SLOT_MS));
  const device = new TestDevice(41, 0);
  let pool: BlsVerifier;
  let dir: string;
  let db: Database;
  let chain: Chain;
  let executive: Executive;
  let verifier: CountingVerifier;
  let equivocations: DetectedBlockEquivocation[];
  let slot: bigint;

  before(async () => {
    pool = await createBlsVerifier({ mode: "pool", poolSize: 1 }, { logger: nullLogger(), metrics: null });
  });
  after(() => pool.close());

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "arkreen-import-order-"));
    db = await Database.open(dir);
    verifier = new CountingVerifier(pool);
    ({ chain, executive } = await openChain(genesis, db, { logger: nullLogger(), metrics: null, blsVerifier: verifier }));
    equivocations = [];
    chain.on("blockEquivocation", (d) => equivocations.push(d));
    // Past slots: the Aura verifier refuses blocks ahead of the clock.
    slot = slotAt(Date.now(), SLOT_MS) - 600n;
    const register = signExtrinsic(genesis.hash, bob.secretSeed, registerCall(genesis.hash, bob, device.key, alice), { nonce: 0 });
    await chain.importBlock(build({ extrinsics: [register] }), "network");
  });
  afterEach(async () => {
    await chain.idle();
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** `count` readings of the device, of intervals that ended before `slot`, with their aggregate. */
  function readings(count: number, from = 0): { readings: Reading[]; aggregate: Uint8Array } {
    const last = Number(((slot - 1n) * BigInt(SLOT_MS)) / BigInt(INTERVAL_MS)) - 1;
    const rs = Array.from({ length: count }, (_, i) => ({ deviceId: 0, interval: last - 50 + i, cumulativeWh: from + i + 1, energyWh: 1, peakW: 10 }));
    return { readings: rs, aggregate: blsAggregateSignatures(rs.map((r) => device.sign(genesis.hash, r))) };
  }

  /** Builds and seals (as Alice) a block on the best head for `at` (default: the next slot), without importing it. */
  function build(opts: { extrinsics?: Uint8Array[]; readings?: Reading[]; aggregate?: Uint8Array; at?: bigint; stateRoot?: Uint8Array }): Block {
    const at = opts.at ?? ++slot;
    const parent = chain.best;
    const extrinsics = opts.extrinsics ?? [];
    const encoded = (opts.readings ?? []).map((r) => readingCodec.encode(r));
    const state = chain.stateAt(parent.hash);
    const digest = [auraPreDigest(at)];
    const ctx = executive.initializeBlock(state, { number: parent.number + 1, parentHash: parent.hash, digest });
    executive.applyReadings(ctx, encoded);
    extrinsics.forEach((xt, i) => executive.applyExtrinsic(ctx, xt, i));
    const { root } = applyStateChanges(state, executive.finalizeBlock(ctx));
    const header = sealHeader(
      {
        parentHash: parent.hash,
        number: parent.number + 1,
        stateRoot: opts.stateRoot ?? root,
        extrinsicsRoot: orderedTrieRoot(extrinsics),
        digest,
        readingsRoot: encoded.length > 0 ? orderedTrieRoot(encoded) : new Uint8Array(0),
      },
      alice.secretSeed,
    );
    return { header, extrinsics, readings: encoded, readingsSignature: opts.aggregate ?? new Uint8Array(0) };
  }

  const refusedWith = (code: string, reason?: RegExp) => (e: unknown) =>
    e instanceof BlockImportError && e.code === code && (reason === undefined || reason.test((e.type as { reason?: string }).reason ?? ""));

  it("verifies a valid block's readings aggregate once, through the node's verifier (its workers), at priority", async () => {
    const { readings: rs, aggregate } = readings(40);
    assert.ok((await chain.importBlock(build({ readings: rs, aggregate }), "gossip"))?.isNewBest);
    assert.deepEqual(verifier.calls, [{ parts: 40, opts: { priority: true } }]);
  });

  it("a block with a bad state root and a bad aggregate fails as BAD_STATE_ROOT, without a pairing", async () => {
    const { readings: rs } = readings(40);
    const wrongAggregate = readings(40, 7).aggregate;
    const block = build({ readings: rs, aggregate: wrongAggregate, stateRoot: new Uint8Array(32).fill(9) });
    await assert.rejects(chain.importBlock(block, "network"), refusedWith("BAD_STATE_ROOT"));
    assert.equal(verifier.calls.length, 0, "no pairing ran");
    assert.equal(chain.header(headerHash(block.header)), undefined);
  });

  it("a block sealed by the wrong author or for a slot not after its parent's fails before any execution or pairing", async () => {
    const { readings: rs, aggregate } = readings(10);
    const good = build({ readings: rs, aggregate });
    const resealed = { ...good, header: sealHeader({ ...good.header, digest: good.header.digest.slice(0, -1) }, bob.secretSeed) };
    await assert.rejects(chain.importBlock(resealed, "gossip"), refusedWith("CONSENSUS", /BAD_SEAL/));
    // Not EXECUTION_FAILED (the runtime's own check): refused by the header checks.
    const backwards = { ...good, header: sealHeader({ ...good.header, digest: [auraPreDigest(slot - 1n)] }, alice.secretSeed) };
    await assert.rejects(chain.importBlock(backwards, "gossip"), refusedWith("CONSENSUS", /SLOT_NOT_INCREASING/));
    assert.equal(verifier.calls.length, 0);
  });

  it("20 gossiped variants of one slot with wrong aggregates cost one pairing: the rest are SLOT_EQUIVOCATION, reported once", async () => {
    const at = ++slot;
    const variants = Array.from({ length: 20 }, (_, i) => {
      const { readings: rs } = readings(30 + i); // a different header each: another readings root
      return build({ readings: rs, aggregate: readings(30 + i, 1_000).aggregate, at });
    });
    await assert.rejects(chain.importBlock(variants[0], "gossip"), refusedWith("BAD_READINGS", /BAD_AGGREGATE_SIGNATURE/));
    for (const variant of variants.slice(1)) await assert.rejects(chain.importBlock(variant, "gossip"), refusedWith("SLOT_EQUIVOCATION"));
    assert.equal(verifier.calls.length, 1, "one aggregate check for the whole slot");
    assert.equal(equivocations.length, 1, "one report per (slot, author)");
    assert.equal(equivocations[0].slot, at);
    assert.deepEqual(equivocations[0].author, alice.publicKey);
    // The same header again with the aggregate that failed: refused unchecked.
    await assert.rejects(chain.importBlock(variants[0], "gossip"), refusedWith("ALREADY_FAILED"));
    assert.equal(verifier.calls.length, 1);
  });

  it("a relayer's swapped aggregate does not keep the author's block out of gossip; a header whose pairing failed with four aggregates is refused unchecked", async () => {
    const { readings: rs, aggregate } = readings(14);
    const good = build({ readings: rs, aggregate });
    const calls = verifier.calls.length;
    await assert.rejects(chain.importBlock({ ...good, readingsSignature: readings(14, 7).aggregate }, "gossip"), refusedWith("BAD_READINGS", /BAD_AGGREGATE_SIGNATURE/));
    await chain.importBlock(good, "gossip");
    assert.ok(chain.header(headerHash(good.header)), "the author's block is imported after a swapped copy failed");
    assert.equal(verifier.calls.length, calls + 2);

    const at = ++slot;
    const { readings: other } = readings(15);
    const victim = build({ readings: other, aggregate: readings(15).aggregate, at });
    for (const seed of [21, 22, 23, 24]) await assert.rejects(chain.importBlock({ ...victim, readingsSignature: readings(15, seed).aggregate }, "gossip"), refusedWith("BAD_READINGS"));
    await assert.rejects(chain.importBlock(victim, "gossip"), refusedWith("ALREADY_FAILED"));
    assert.equal(verifier.calls.length, calls + 6, "at most four pairings for one header by gossip");
    await chain.importBlock(victim, "network");
    assert.ok(chain.header(headerHash(victim.header)), "sync still imports it");
  });

  it("sync still verifies and imports a valid variant of a slot gossip refused: the network may have built on it", async () => {
    const at = ++slot;
    const { readings: rs, aggregate } = readings(12);
    const refused = build({ readings: rs, aggregate: readings(12, 3).aggregate, at });
    const valid = build({ readings: rs.slice(1), aggregate: readings(12).aggregate, at });
    await assert.rejects(chain.importBlock(refused, "gossip"), refusedWith("BAD_READINGS"));
    await assert.rejects(chain.importBlock(valid, "gossip"), refusedWith("SLOT_EQUIVOCATION"));
    // `valid` carries readings 1..11 but the aggregate of 0..11: rebuilt right for the sync delivery.
    const synced = build({ readings: rs, aggregate, at });
    assert.ok((await chain.importBlock(synced, "network"))?.isNewBest);
    assert.equal(verifier.calls.length, 2);
    assert.equal(equivocations.length, 1);
  });

  it("a block refused for a reason of ours is imported when it comes again: unknown parent, then its parent", async () => {
    const parent = build({});
    await chain.importBlock(parent, "gossip");
    const { readings: rs, aggregate } = readings(5);
    const child = build({ readings: rs, aggregate });
    const dir2 = mkdtempSync(join(tmpdir(), "arkreen-import-order-"));
    const db2 = await Database.open(dir2);
    try {
      // A node that has block 1 but not yet `parent`.
      const other = (await openChain(genesis, db2, { logger: nullLogger(), metrics: null, blsVerifier: verifier })).chain;
      await other.importBlock(chain.block(chain.hashAt(1)!)!, "network");
      await assert.rejects(other.importBlock(child, "gossip"), refusedWith("UNKNOWN_PARENT"));
      await other.importBlock(parent, "gossip");
      assert.ok((await other.importBlock(child, "gossip"))?.isNewBest, "the same block imports once its parent is there");
      await other.idle();
    } finally {
      await db2.close();
      rmSync(dir2, { recursive: true, force: true });
    }
  });

  it("a relayer's copy of an honest block with a body that does not match its header does not spend the header's verification", async () => {
    const { readings: rs, aggregate } = readings(8);
    const honest = build({ readings: rs, aggregate });
    await assert.rejects(chain.importBlock({ ...honest, readings: honest.readings!.slice(1) }, "gossip"), refusedWith("BAD_READINGS", /BAD_READINGS_ROOT/));
    assert.equal(verifier.calls.length, 0);
    assert.ok((await chain.importBlock(honest, "gossip"))?.isNewBest);
    assert.equal(equivocations.length, 0, "one header, however often it comes, is no equivocation");
  });
});
