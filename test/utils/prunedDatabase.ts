/**
 * Offline check of a pruned node database (a stopped node's LevelDB): every kept state reads in
 * full, and the reference counts are exactly what the pruning scheme (docs/pruning.md) says —
 * no node a kept state needs is missing, no node nothing needs is left behind.
 *
 * The expected count of node h is its number of occurrences in the oldest kept canonical state
 * (`stateKeptFrom`) plus its occurrences in the inserted lists of every journal still pending
 * (the kept window's canonical blocks above it, and every unfinalized block): finality settled the
 * journals of the blocks up to `stateKeptFrom` (inserted − removed = that state's occurrences) and
 * those of the discarded blocks (their own insertions, given back).
 */
import { strict as assert } from "node:assert";
import { bytesEqual, toHex } from "../../primitives/bytes.ts";
import { nullLogger } from "../../primitives/logger.ts";
import { decodeNode } from "../../primitives/trie/codec.ts";
import { EMPTY_TRIE_ROOT } from "../../primitives/trie/trie.ts";
import type { GenesisBlock } from "../../genesis/build.ts";
import { StateError } from "../../node/chain/errors.ts";
import type { PruningRequest } from "../../node/chain/statePruner.ts";
import { Bucket } from "../../node/db/buckets.ts";
import { Database } from "../../node/db/database.ts";
import { ChainDatabase } from "../../node/db/repositories.ts";
import { openChain } from "../../node/openChain.ts";

export interface PrunedDatabaseReport {
  best: number;
  finalized: number;
  stateKeptFrom: number;
  /** States read in full (kept canonical ones and unfinalized ones). */
  statesRead: number;
  /** Keys read over all of them. */
  keysRead: number;
  /** Stored trie nodes (= nodes with a count). */
  storedNodes: number;
  pendingJournals: number;
}

/** Node occurrences of the trie at `root`, counting a shared subtree once per position. */
function occurrences(db: Database, root: Uint8Array, into: Map<string, number>): void {
  if (bytesEqual(root, EMPTY_TRIE_ROOT)) return;
  const stack = [root];
  while (stack.length > 0) {
    const hash = stack.pop() as Uint8Array;
    const id = toHex(hash);
    into.set(id, (into.get(id) ?? 0) + 1);
    const encoded = db.getSync(Uint8Array.of(Bucket.trieNode, ...hash));
    assert.ok(encoded, `node ${id} of the oldest kept state is missing`);
    const node = decodeNode(encoded, hash);
    if (node.kind === 1) stack.push(node.child as Uint8Array);
    if (node.kind === 2) for (const child of node.children) if (child !== null) stack.push(child as Uint8Array);
  }
}

async function bucketKeys(db: Database, bucket: number): Promise<string[]> {
  const out: string[] = [];
  for await (const key of db.keys(Uint8Array.of(bucket))) out.push(toHex(key.subarray(1)));
  return out;
}

/** Opens the database at `path` (its node stopped), checks it, closes it. Throws an AssertionError on any inconsistency. */
export async function checkPrunedDatabase(path: string, genesis: GenesisBlock, pruning: PruningRequest): Promise<PrunedDatabaseReport> {
  const db = await Database.open(path);
  try {
    const { chain } = await openChain(genesis, db, { logger: nullLogger(), metrics: null, pruning });
    const repos = new ChainDatabase(db);
    const keep = chain.pruning.state;
    assert.notEqual(keep, "archive", "a pruned database");
    const finalized = chain.finalized.number;
    const keptFrom = repos.meta.getSync("stateKeptFrom")?.number ?? 0;
    if (finalized >= (keep as number)) assert.equal(keptFrom, finalized - (keep as number) + 1, "the kept window ends at the finalized head");

    // Every kept state reads in full: the canonical window and every block with a pending journal.
    const journals = await repos.stateJournal.keys();
    const kept = new Map<string, Uint8Array>();
    for (let n = keptFrom; n <= finalized; n++) {
      const hash = repos.canonicalHash.getSync(n);
      assert.ok(hash, `canonical #${n}`);
      kept.set(toHex(hash), hash);
    }
    for (const key of journals) {
      if (key.number <= finalized) {
        const canonical = repos.canonicalHash.getSync(key.number);
        assert.ok(canonical && bytesEqual(canonical, key.hash) && key.number > keptFrom, `a journal left at #${key.number} off the kept window`);
      }
      kept.set(toHex(key.hash), key.hash);
    }
    let keysRead = 0;
    for (const hash of kept.values()) {
      const state = chain.stateAt(hash);
      for (const [key, value] of state.entries()) {
        assert.deepEqual(state.get(key), value);
        keysRead++;
      }
    }
    if (keptFrom > 0) {
      const below = repos.canonicalHash.getSync(keptFrom - 1)!;
      assert.throws(() => chain.stateAt(below), (e: unknown) => e instanceof StateError && e.code === "STATE_PRUNED", `#${keptFrom - 1} is pruned`);
    }

    // Exact counts: occurrences in the oldest kept state plus the pending journals' insertions.
    const expected = new Map<string, number>();
    occurrences(db, chain.header(repos.canonicalHash.getSync(keptFrom)!)!.stateRoot, expected);
    for (const key of journals) {
      const journal = repos.stateJournal.getSync(key);
      assert.ok(journal, `journal #${key.number}`);
      for (const hash of journal.inserted) expected.set(toHex(hash), (expected.get(toHex(hash)) ?? 0) + 1);
    }
    const stored = (await bucketKeys(db, Bucket.trieNode)).sort();
    const counted = (await bucketKeys(db, Bucket.trieNodeRefs)).sort();
    const leaked = stored.filter((id) => !expected.has(id));
    assert.deepEqual(leaked.slice(0, 5), [], `${leaked.length} stored nodes no kept state or pending journal holds`);
    assert.deepEqual(counted, stored, "one reference count per stored node");
    assert.deepEqual(stored, [...expected.keys()].sort(), "every node a kept state holds is stored");
    for (const id of stored) {
      const count = repos.trieNodeRefs.getSync(Uint8Array.from(Buffer.from(id.slice(2), "hex")));
      assert.equal(count, expected.get(id), `reference count of ${id}`);
    }
    await chain.idle();
    return {
      best: chain.best.number,
      finalized,
      stateKeptFrom: keptFrom,
      statesRead: kept.size,
      keysRead,
      storedNodes: stored.length,
      pendingJournals: journals.length,
    };
  } finally {
    await db.close();
  }
}
