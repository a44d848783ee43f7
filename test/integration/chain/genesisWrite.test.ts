import { strict as assert } from "node:assert";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bytesEqual, bytesToU32, toHex } from "../../../primitives/bytes.ts";
import { devKeypair } from "../../../primitives/keys/devAccounts.ts";
import { encodeAddress } from "../../../primitives/keys/ss58.ts";
import { nullLogger } from "../../../primitives/logger.ts";
import { PackedTrieNodes } from "../../../primitives/trie/packedNodes.ts";
import { buildGenesisBlock } from "../../../genesis/build.ts";
import type { RuntimeGenesisConfig } from "../../../genesis/chainSpec.ts";
import { Bucket } from "../../../node/db/buckets.ts";
import { Database, type DbBatchOp } from "../../../node/db/database.ts";
import { openChain } from "../../../node/openChain.ts";
import { DeviceKind } from "../../../runtime/modules/devices/types.ts";
import { fastDevSpec } from "../../../harness/devNode.ts";

/** 15,000 generated devices: ~62,000 trie nodes, more than one genesis batch (50,000 nodes). */
function spec(): ReturnType<typeof fastDevSpec> {
  const s = fastDevSpec(1000);
  const config = (s.genesis as { runtimeGenesis: { config: RuntimeGenesisConfig } }).runtimeGenesis.config;
  (config.devices as Record<string, unknown>).generated = {
    count: 15_000,
    seed: toHex(new Uint8Array(32).fill(0x5c)),
    owner: encodeAddress(devKeypair("Bob").publicKey, 42),
    registrar: encodeAddress(devKeypair("Alice").publicKey, 42),
    kind: DeviceKind.SolarPv,
    capacityW: 10_000,
    location: "u4pruydqqvj",
  };
  return s;
}

const built = buildGenesisBlock(spec());
/**
 * A trie may hold one node at several places (equal subtrees); this one holds none, so its first
 * 1,000 nodes are listed again at the end, where a batch split by list position would put them in
 * another batch than their first occurrence: their counts must still come out at 2.
 */
const genesis = { ...built, trieNodes: withRepeats(built.trieNodes, 1000) };

function withRepeats(nodes: PackedTrieNodes, repeated: number): PackedTrieNodes {
  const out = new PackedTrieNodes();
  for (const [hash, node] of nodes) out.push(hash, node);
  for (let i = 0; i < repeated; i++) out.push(nodes.hash(i), nodes.node(i));
  return out;
}

/** Every occurrence count of the genesis nodes, by hash. */
function expectedCounts(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const [hash] of genesis.trieNodes) counts.set(toHex(hash), (counts.get(toHex(hash)) ?? 0) + 1);
  return counts;
}

async function bucket(db: Database, id: number): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>();
  for await (const [key, value] of db.entries(Uint8Array.of(id))) out.set(toHex(key.subarray(1)), value);
  return out;
}

/** The stored genesis: every node, its exact count and nothing else, the heads at genesis. */
async function assertGenesisStored(db: Database): Promise<void> {
  const expected = expectedCounts();
  const nodes = await bucket(db, Bucket.trieNode);
  const refs = await bucket(db, Bucket.trieNodeRefs);
  assert.equal(nodes.size, expected.size);
  assert.equal(refs.size, expected.size);
  for (const [hash, node] of genesis.trieNodes) assert.ok(bytesEqual(nodes.get(toHex(hash)) ?? new Uint8Array(), node));
  assert.ok([...expected.values()].filter((count) => count === 2).length >= 1000);
  for (const [id, count] of expected) assert.equal(bytesToU32(refs.get(id) ?? new Uint8Array(4)), count, `count of ${id}`);
}

describe("chain: genesis write", function () {
  this.timeout(120_000);
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "arkreen-genesis-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("writes the trie nodes in bounded batches and the genesis ref last, in its own batch", async () => {
    assert.ok(genesis.trieNodes.length > 50_000);
    const db = await Database.open(dir);
    const batches: DbBatchOp[][] = [];
    const write = db.batch.bind(db);
    db.batch = (ops) => (batches.push(ops), write(ops));
    try {
      const { chain } = await openChain(genesis, db, { logger: nullLogger(), metrics: null });
      assert.ok(bytesEqual(chain.best.hash, genesis.hash));
      assert.ok(batches.length >= 3);
      const hasMeta = (ops: DbBatchOp[]): boolean => ops.some((op) => op.key[0] === Bucket.chainMeta);
      assert.ok(!batches.slice(0, -1).some(hasMeta));
      assert.ok(hasMeta(batches[batches.length - 1]));
      assert.ok(!batches[batches.length - 1].some((op) => op.key[0] === Bucket.trieNode));
      for (const ops of batches) assert.ok(ops.length <= 2 * 51_000, `a batch of ${ops.length} operations`);
      await assertGenesisStored(db);
    } finally {
      await db.close();
    }
  });

  it("a crash between batches leaves no genesis ref, and the next start writes the genesis again with exact counts", async () => {
    const crashed = await Database.open(dir);
    const write = crashed.batch.bind(crashed);
    let calls = 0;
    crashed.batch = (ops) => (++calls === 2 ? Promise.reject(new Error("injected crash")) : write(ops));
    await assert.rejects(openChain(genesis, crashed, { logger: nullLogger(), metrics: null }), /injected crash/);
    assert.equal((await bucket(crashed, Bucket.chainMeta)).size, 0);
    assert.ok((await bucket(crashed, Bucket.trieNodeRefs)).size > 0);
    await crashed.close();

    const db = await Database.open(dir);
    try {
      const { chain } = await openChain(genesis, db, { logger: nullLogger(), metrics: null });
      assert.equal(chain.best.number, 0);
      assert.ok(bytesEqual(chain.finalized.hash, genesis.hash));
      await assertGenesisStored(db);
    } finally {
      await db.close();
    }
  });
});
