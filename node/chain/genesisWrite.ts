import type { ChainGenesis } from "../../genesis/build.ts";
import type { Logger } from "../../primitives/logger.ts";
import type { PackedTrieNodes } from "../../primitives/trie/packedNodes.ts";
import type { ChainDatabase } from "../db/repositories.ts";
import type { ChainPruner } from "./statePruner.ts";

/**
 * Trie nodes written per genesis batch. A batch exists three times over while it is written: as
 * JS operation objects (a put for the node and, with state pruning, one for its reference count,
 * each with a freshly concatenated key), as LevelDB's write batch, and in its memtable, which a
 * single batch grows past the write buffer. The whole genesis of 1,000,000 devices (4 million
 * nodes, 8 million operations) in one batch took the node to 13 GiB of RSS (docs/scale.md,
 * "Memory"). 50,000 nodes are ~100,000 operations and ~15 MB of keys and values: a batch's
 * memory stays in the tens of MB, and the ~80 batches of a million-device genesis add nothing
 * measurable to its write time (LevelDB's per-batch cost is one log record).
 */
const NODES_PER_BATCH = 50_000;

/**
 * Nodes are written grouped by the first two bytes of their hash. Every occurrence of a hash is in
 * one group, and a batch ends only between groups, so each batch holds every occurrence of its
 * hashes and writes their final reference counts. The groups also go in key order: LevelDB then
 * appends to its tables instead of scattering each batch over all of them.
 */
const HASH_PREFIX_GROUPS = 65_536;

/**
 * Writes `genesis` into a database that holds no genesis ref: its trie nodes and their reference
 * counts in batches of `NODES_PER_BATCH`, then the state mode, the genesis header and body, the
 * canonical index and the `genesis`/`best`/`finalized` refs in a last batch of their own. A crash
 * before that last batch leaves a database without a genesis ref, which the next start writes
 * again from the start: node puts are idempotent, and counts are written as final values (never
 * incremented), so the counts come out exact whatever was written before. Nodes a crashed write
 * of another chain spec left behind (same base path and chain id) are only unreferenced garbage:
 * their counts are never lowered, so they can keep a node alive, never delete one early.
 */
export async function writeGenesis(db: ChainDatabase, genesis: Pick<ChainGenesis, "header" | "hash" | "trieNodes">, pruner: ChainPruner, logger: Logger): Promise<void> {
  const nodes = genesis.trieNodes;
  const started = Date.now();
  logger.info(`Writing the genesis state: ${nodes.length} trie nodes`);
  const { order, groupEnds } = byHashPrefix(nodes);
  let chunk: Array<readonly [Uint8Array, Uint8Array]> = [];
  let next = 0;
  for (const end of groupEnds) {
    for (; next < end; next++) chunk.push([nodes.hash(order[next]), nodes.node(order[next])]);
    if (chunk.length >= NODES_PER_BATCH || (next === nodes.length && chunk.length > 0)) {
      await db.db.batch([...chunk.map(([hash, node]) => db.trieNode.putOp(hash, node)), ...pruner.genesisCountOps(chunk)]);
      chunk = [];
    }
  }
  const ref = { hash: genesis.hash, number: 0 };
  await db.db.batch([
    pruner.stateModeOp(),
    db.header.putOp(genesis.hash, genesis.header),
    db.blockBody.putOp(genesis.hash, { extrinsics: [] }),
    db.canonicalHash.putOp(0, genesis.hash),
    db.meta.putOp("genesis", ref),
    db.meta.putOp("best", ref),
    db.meta.putOp("finalized", ref),
  ]);
  logger.info(`Genesis written`, { nodes: nodes.length, ms: Date.now() - started });
}

/** Node indices sorted by the first two bytes of their hash (a counting sort), and where each group ends. */
function byHashPrefix(nodes: PackedTrieNodes): { order: Uint32Array; groupEnds: Uint32Array } {
  const prefixes = new Uint16Array(nodes.length);
  for (let i = 0; i < nodes.length; i++) {
    const hash = nodes.hash(i);
    prefixes[i] = (hash[0] << 8) | hash[1];
  }
  const prefix = (i: number): number => prefixes[i];
  const groupEnds = new Uint32Array(HASH_PREFIX_GROUPS);
  for (let i = 0; i < nodes.length; i++) groupEnds[prefix(i)]++;
  for (let g = 1; g < HASH_PREFIX_GROUPS; g++) groupEnds[g] += groupEnds[g - 1];
  const order = new Uint32Array(nodes.length);
  const fill = groupEnds.slice();
  for (let i = nodes.length - 1; i >= 0; i--) order[--fill[prefix(i)]] = i;
  return { order, groupEnds };
}
