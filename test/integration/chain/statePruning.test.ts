import { strict as assert } from "node:assert";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bigintToBytes, bytesEqual, toHex } from "../../../primitives/bytes.ts";
import type { Block } from "../../../primitives/codec/index.ts";
import { auraPreDigest } from "../../../primitives/digest.ts";
import { devKeypair } from "../../../primitives/keys/devAccounts.ts";
import { nullLogger } from "../../../primitives/logger.ts";
import { decodeNode } from "../../../primitives/trie/codec.ts";
import { EMPTY_TRIE_ROOT, orderedTrieRoot } from "../../../primitives/trie/trie.ts";
import { sealHeader } from "../../../consensus/aura/seal.ts";
import { slotAt } from "../../../consensus/aura/slots.ts";
import { buildGenesisBlock } from "../../../genesis/build.ts";
import { applyStateChanges, headerHash, type Chain } from "../../../node/chain/chain.ts";
import { PruningModeError, StateError } from "../../../node/chain/errors.ts";
import type { PruningOpts } from "../../../node/chain/statePruner.ts";
import { Bucket } from "../../../node/db/buckets.ts";
import { Database } from "../../../node/db/database.ts";
import { openChain } from "../../../node/openChain.ts";
import { signExtrinsic } from "../../../runtime/extrinsic.ts";
import { transferArgs } from "../../../runtime/modules/balances/types.ts";
import { getAccount } from "../../../runtime/modules/system/accounts.ts";
import type { Executive } from "../../../runtime/executive.ts";
import { fastDevSpec } from "../../../harness/devNode.ts";
import { toRpcError } from "../../../rpc/errors.ts";
import { STATE_PRUNED_CODE } from "../../../rpc/namespaces/state.ts";

const alice = devKeypair("Alice");
const spec = fastDevSpec(1000);
const genesis = buildGenesisBlock(spec);

interface Opened {
  db: Database;
  chain: Chain;
  executive: Executive;
}

async function open(dir: string, pruning?: PruningOpts): Promise<Opened> {
  const db = await Database.open(dir);
  try {
    const { chain, executive } = await openChain(genesis, db, { logger: nullLogger(), metrics: null, pruning });
    return { db, chain, executive };
  } catch (e) {
    await db.close();
    throw e;
  }
}

async function close(o: Opened): Promise<void> {
  await o.chain.idle();
  await o.db.close();
}

/** A block on `parentHash` with one transfer of `amount` to a fresh account (so every block adds state), sealed by Alice. */
function buildOn(o: Opened, parentHash: Uint8Array, amount: bigint, slot: bigint): Block {
  const parent = o.chain.header(parentHash);
  assert.ok(parent);
  const state = o.chain.stateAt(parentHash);
  const nonce = getAccount(state, alice.publicKey).nonce;
  const dest = new Uint8Array(32).fill(0).map((_, i) => (i < 8 ? Number((amount >> BigInt(8 * i)) & 0xffn) : 7));
  const call = { module: "balances", method: "transfer", args: transferArgs.encode({ dest, value: bigintToBytes(10n ** 15n + amount) }) };
  const extrinsics = [signExtrinsic(genesis.hash, alice.secretSeed, call, { nonce })];
  const ctx = o.executive.initializeBlock(state, { number: parent.number + 1, parentHash, digest: [auraPreDigest(slot)] });
  extrinsics.forEach((xt, i) => o.executive.applyExtrinsic(ctx, xt, i));
  const { root } = applyStateChanges(state, o.executive.finalizeBlock(ctx));
  const header = sealHeader({ parentHash, number: parent.number + 1, stateRoot: root, extrinsicsRoot: orderedTrieRoot(extrinsics), digest: [auraPreDigest(slot)] }, alice.secretSeed);
  return { header, extrinsics };
}

/** Every node hash reachable from `root`, read from the database (fails on a missing node). */
function reachable(db: Database, root: Uint8Array, into: Set<string>): void {
  if (bytesEqual(root, EMPTY_TRIE_ROOT)) return;
  const stack = [root];
  while (stack.length > 0) {
    const hash = stack.pop() as Uint8Array;
    const id = toHex(hash);
    if (into.has(id)) continue;
    into.add(id);
    const encoded = db.getSync(Uint8Array.of(Bucket.trieNode, ...hash));
    assert.ok(encoded, `node ${id} of a kept state is missing`);
    const node = decodeNode(encoded, hash);
    if (node.kind === 1) stack.push(node.child as Uint8Array);
    if (node.kind === 2) for (const child of node.children) if (child !== null) stack.push(child as Uint8Array);
  }
}

async function bucketSize(db: Database, bucket: number): Promise<number> {
  let n = 0;
  for await (const _ of db.keys(Uint8Array.of(bucket))) n++;
  return n;
}

interface Built {
  canonical: Uint8Array[];
  /** Fork blocks off the finalized chain (discarded by finality). */
  discarded: Uint8Array[];
  /** Every block imported, in import order (to replay into another database). */
  all: Block[];
}

/**
 * `length` canonical blocks, each with a transfer; every 4th height also a sibling fork block, and
 * every 9th a two-block fork, all discarded later by finality. Finality trails the best block by 3,
 * so forks are above the finalized head when imported and are settled by a later finalization.
 */
async function buildChain(o: Opened, length: number, startSlot: bigint): Promise<Built> {
  let slot = startSlot;
  const out: Built = { canonical: [genesis.hash], discarded: [], all: [] };
  for (let n = 1; n <= length; n++) {
    const parent = out.canonical[n - 1];
    const block = buildOn(o, parent, BigInt(n), ++slot);
    await o.chain.importBlock(block, "network");
    out.all.push(block);
    const hash = headerHash(block.header);
    out.canonical.push(hash);
    if (n % 4 === 0) {
      // A sibling at the same height, imported second: not best.
      const fork = buildOn(o, parent, BigInt(100_000 + n), ++slot);
      await o.chain.importBlock(fork, "network");
      out.all.push(fork);
      out.discarded.push(headerHash(fork.header));
    }
    if (n % 9 === 0) {
      // A two-block fork from the grandparent: shorter than the canonical chain once it grows.
      const f1 = buildOn(o, out.canonical[n - 2], BigInt(200_000 + n), ++slot);
      await o.chain.importBlock(f1, "network");
      const f2 = buildOn(o, headerHash(f1.header), BigInt(300_000 + n), ++slot);
      await o.chain.importBlock(f2, "network");
      out.all.push(f1, f2);
      out.discarded.push(headerHash(f1.header), headerHash(f2.header));
      // f2 ties the best height but came later: the best stays canonical.
      assert.ok(bytesEqual(o.chain.best.hash, hash));
    }
    if (n > 3) await o.chain.finalize(out.canonical[n - 3], null);
  }
  await o.chain.finalize(out.canonical[length], null);
  return out;
}

/** Reads every key of the state of `hash` and collects its nodes. */
function readAll(o: Opened, hash: Uint8Array, nodes: Set<string>): number {
  const state = o.chain.stateAt(hash);
  let keys = 0;
  for (const [key, value] of state.entries()) {
    assert.ok(state.get(key) !== undefined && value !== undefined);
    keys++;
  }
  reachable(o.db, o.chain.header(hash)!.stateRoot, nodes);
  return keys;
}

describe("state and blocks pruning on LevelDB", function () {
  this.timeout(120_000);
  const dirs: string[] = [];
  const dir = (): string => {
    dirs.push(mkdtempSync(join(tmpdir(), "arkreen-pruning-")));
    return dirs[dirs.length - 1];
  };
  let slot = slotAt(Date.now(), 1000) - 5000n;
  after(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it("keeps exactly the nodes of the last n finalized states: every key of every kept state reads, nothing else stays; an archive keeps all", async () => {
    const keep = 8;
    const length = 120;
    const path = dir();
    let o = await open(path, { state: keep, blocks: "archive-canonical" });
    const built = await buildChain(o, length, slot);
    slot += 1000n;
    assert.equal(o.chain.finalized.number, length);
    const check = async (): Promise<void> => {
      const nodes = new Set<string>();
      for (let n = length - keep + 1; n <= length; n++) assert.ok(readAll(o, built.canonical[n], nodes) > 0);
      assert.equal(await bucketSize(o.db, Bucket.trieNode), nodes.size, "the database holds exactly the nodes of the kept states");
      assert.equal(await bucketSize(o.db, Bucket.trieNodeRefs), nodes.size, "one reference count per stored node");
      assert.equal(await bucketSize(o.db, Bucket.stateJournal), keep - 1, "journals of the kept window's blocks above its first");
      const err = (() => {
        try {
          o.chain.stateAt(built.canonical[length - keep]);
        } catch (e) {
          return e;
        }
      })();
      assert.ok(err instanceof StateError && err.code === "STATE_PRUNED", String(err));
      assert.match(err.message, new RegExp(`state of block #${length - keep} \\(0x[0-9a-f]{64}\\) is pruned: this node keeps the state of the last ${keep} finalized blocks`));
      // What an RPC client asking for that state gets (every state-reading method opens it through stateAt).
      const wire = toRpcError(err);
      assert.equal(wire.code, STATE_PRUNED_CODE);
      assert.equal(wire.message, err.message);
      assert.equal((wire.data as { code: string }).code, "STATE_PRUNED");
      for (const hash of built.discarded) {
        assert.throws(() => o.chain.stateAt(hash), (e: unknown) => e instanceof StateError && e.code === "STATE_DISCARDED");
        assert.equal(o.chain.block(hash), undefined, "archive-canonical drops the bodies of discarded blocks");
        assert.ok(o.chain.header(hash), "headers are kept");
      }
      for (const hash of built.canonical) assert.ok(o.chain.block(hash), "archive-canonical keeps every finalized canonical body");
    };
    await check();

    // A restart reads the same; opening it as an archive is refused.
    await close(o);
    o = await open(path, { state: keep, blocks: "archive-canonical" });
    await check();
    await close(o);
    await assert.rejects(open(path, { state: "archive", blocks: "archive-canonical" }), (e: unknown) => e instanceof PruningModeError && /created with state pruning/.test((e as Error).message));

    // The same blocks into an archive: every state stays, and it holds more nodes.
    const archive = await open(dir(), { state: "archive", blocks: "archive" });
    for (const block of built.all) await archive.chain.importBlock(block, "network");
    await archive.chain.finalize(built.canonical[length], null);
    const nodes = new Set<string>();
    for (const hash of built.canonical) readAll(archive, hash, nodes);
    for (const hash of built.discarded) readAll(archive, hash, nodes);
    const stored = await bucketSize(archive.db, Bucket.trieNode);
    assert.equal(stored, nodes.size);
    assert.equal(await bucketSize(archive.db, Bucket.trieNodeRefs), 0, "an archive keeps no counts");
    for (const hash of built.discarded) assert.ok(archive.chain.block(hash), "--blocks-pruning archive keeps every body");
    o = await open(path);
    assert.ok(stored > 3 * (await bucketSize(o.db, Bucket.trieNode)), "the archive holds several times the pruned node count");
    await close(o);
    await close(archive);
    await assert.rejects(open(archive.db.path, { state: 16, blocks: "archive-canonical" }), (e: unknown) => e instanceof PruningModeError && /created with --state-pruning archive/.test((e as Error).message));
  });

  it("--blocks-pruning <n> keeps the bodies of the last n finalized blocks, and changing the state window between runs works", async () => {
    const path = dir();
    let o = await open(path, { state: 16, blocks: 5 });
    const built = await buildChain(o, 40, slot);
    slot += 1000n;
    for (let n = 1; n <= 40; n++) assert.equal(o.chain.block(built.canonical[n]) !== undefined, n > 35, `body of #${n}`);
    for (const hash of built.canonical) assert.ok(o.chain.header(hash));
    await close(o);
    // Narrower window on restart: the next finalization prunes down to it.
    o = await open(path, { state: 4, blocks: 5 });
    const more = buildOn(o, o.chain.best.hash, 999n, ++slot);
    await o.chain.importBlock(more, "network");
    await o.chain.finalize(headerHash(more.header), null);
    const nodes = new Set<string>();
    const canonical = [...built.canonical, headerHash(more.header)];
    for (let n = 38; n <= 41; n++) readAll(o, canonical[n], nodes);
    assert.throws(() => o.chain.stateAt(canonical[37]), (e: unknown) => e instanceof StateError && e.code === "STATE_PRUNED");
    assert.equal(await bucketSize(o.db, Bucket.trieNode), nodes.size);
    await close(o);
  });
});
