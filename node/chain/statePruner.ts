import { bytesEqual, toHex } from "../../primitives/bytes.ts";
import type { BlockRef, Header } from "../../primitives/codec/index.ts";
import type { Logger } from "../../primitives/logger.ts";
import { BoundedLru } from "../../primitives/lru.ts";
import { crashPoint } from "../crashPoints.ts";
import type { DbBatchOp } from "../db/database.ts";
import type { ChainDatabase, JournalKey } from "../db/repositories.ts";
import { PruningModeError } from "./errors.ts";

/** `--state-pruning`: keep the state of the last `n` finalized blocks (and every unfinalized one), or every state. */
export type StatePruning = number | "archive";
/** `--blocks-pruning`: every body, the finalized canonical bodies (non-canonical ones go at finality), or the last `n` finalized ones. */
export type BlocksPruning = number | "archive" | "archive-canonical";

export interface PruningOpts {
  state: StatePruning;
  blocks: BlocksPruning;
}

/**
 * What the operator asked for: a field is absent when its flag was not given. An absent
 * `--state-pruning` takes the database's stored mode (archive for a database written before
 * pruning existed, 256 for a pruned one whose window is not stored), as Substrate does: only an
 * explicit flag that contradicts the stored mode is refused.
 */
export type PruningRequest = Partial<PruningOpts>;

/**
 * Substrate's defaults: the state of the last 256 finalized blocks (a few minutes of history for
 * RPC clients and late finality work at 6 s blocks, and a small multiple of one block's churn on
 * disk), and every finalized canonical body (so that the node serves full sync).
 */
export const DEFAULT_PRUNING: Readonly<PruningOpts> = { state: 256, blocks: "archive-canonical" };

/**
 * Bodies deleted by one finalization at most (`--blocks-pruning <n>`): a node switched to it on a
 * long chain catches up over several finalizations instead of writing one batch of a million
 * deletes. 4,096 deletes are a ~150 KB batch; with one finalization a block the backlog of a
 * year of 6 s blocks is gone in about 20 minutes.
 */
const MAX_BODY_DELETES_PER_FINALIZATION = 4096;

/**
 * Reference counts read or written recently. Import adds to the count of every node it inserts
 * and finality subtracts; the hot top of the trie is touched by every block, so a write-through
 * cache saves most LevelDB reads. 200,000 counts (hex key + number, ~150 bytes each) ≈ 30 MB.
 */
const COUNT_CACHE_SIZE = 200_000;

export interface PruningDeps {
  db: ChainDatabase;
  logger: Logger;
  /** A stored header by hash (the chain's cached lookup). */
  header(hash: Uint8Array): Header | undefined;
}

/** The writes of one import or finalization, and what to do in memory once they are committed. */
export interface PruningBatch {
  ops: DbBatchOp[];
  /** Call after the batch is written (never if it failed: a failed write is final). */
  committed(): void;
}

const NOTHING: PruningBatch = { ops: [], committed: () => undefined };

/**
 * State pruning by per-block journals and per-node reference counts, and blocks pruning
 * (docs/pruning.md).
 *
 * Import: every inserted node occurrence adds 1 to its hash's count, and the block's journal
 * (its inserted hashes and the stored hashes its state no longer has) is written, in the block's
 * own batch. Finality of F settles the journals of blocks it decides: a canonical block c with
 * c ≤ F − n + 1 gives back its *removed* list (the state of c − 1 is dropped), a block that is not
 * on F's chain gives back its *inserted* list (its state is dropped); a count at 0 deletes the node.
 * In a linear history each occurrence is inserted once and removed once, so a node's count is
 * inserted(≤ head) − removed(≤ F − n + 1), at least its number of occurrences in every kept state:
 * a node is deleted only when no kept state holds it. Everything of one finalization is one batch.
 *
 * Imports and finalizations run one at a time (the chain's queue), so the in-memory index of
 * pending journals and the count cache always match the database once a batch is committed.
 */
export class ChainPruner {
  readonly opts: PruningOpts;
  private readonly db: ChainDatabase;
  private readonly logger: Logger;
  private readonly header: (hash: Uint8Array) => Header | undefined;
  /** Blocks finality has not settled yet (with a journal), by `number:hash` hex. */
  private readonly pending = new Map<string, JournalKey>();
  private readonly counts = new BoundedLru<string, number>(COUNT_CACHE_SIZE);
  private stateFrom: number;
  private bodiesFrom: number;

  private constructor(opts: PruningOpts, deps: PruningDeps, stateFrom: number, bodiesFrom: number) {
    this.opts = opts;
    this.db = deps.db;
    this.logger = deps.logger;
    this.header = deps.header;
    this.stateFrom = stateFrom;
    this.bodiesFrom = bodiesFrom;
  }

  /**
   * Checks `request` against the mode the database was created with and loads the pending journals.
   * `fresh`: the database is empty (genesis not yet written); its mode is then the request's, or
   * the default (written with the genesis: `stateModeOp`). A database written before pruning existed holds every
   * state: it is archive. Without `request.state` (no `--state-pruning`, offline tools) the
   * database's own mode is used and logged: archive stays archive, a pruned database keeps the
   * default window; only a `request.state` that contradicts the stored mode is refused.
   */
  static async open(request: PruningRequest | undefined, deps: PruningDeps, fresh: boolean): Promise<ChainPruner> {
    const stored = fresh ? undefined : (deps.db.stateMode.read() ?? "archive");
    const resolved: PruningOpts = {
      state: request?.state ?? (stored === "archive" ? "archive" : DEFAULT_PRUNING.state),
      blocks: request?.blocks ?? DEFAULT_PRUNING.blocks,
    };
    if (request?.state === undefined && stored !== undefined) {
      deps.logger.info(
        stored === "archive"
          ? `No --state-pruning given: the database was created as an archive (with --state-pruning archive, or before pruning existed), so every state is kept`
          : `No --state-pruning given: the database was created with state pruning, keeping the last ${DEFAULT_PRUNING.state} finalized states`,
        { path: deps.db.db.path },
      );
    }
    const requested = resolved.state === "archive" ? "archive" : "pruned";
    if (stored !== undefined && stored !== requested) {
      throw new PruningModeError(
        { code: "STATE_PRUNING_MISMATCH", stored, requested },
        stored === "archive"
          ? `the database at ${deps.db.db.path} was created with --state-pruning archive (every state kept, no reference counts): run with --state-pruning archive, or sync a new database (purge-chain) to prune`
          : `the database at ${deps.db.db.path} was created with state pruning (--state-pruning <n>): its pruned states cannot come back; run with --state-pruning <n>, or sync a new database with --state-pruning archive`,
      );
    }
    const stateFrom = fresh ? 0 : (deps.db.meta.getSync("stateKeptFrom")?.number ?? 0);
    const bodiesFrom = fresh ? 1 : (deps.db.meta.getSync("bodiesKeptFrom")?.number ?? 1);
    const pruner = new ChainPruner(resolved, deps, stateFrom, bodiesFrom);
    if (!fresh) for (const key of await deps.db.stateJournal.keys()) pruner.pending.set(keyId(key), key);
    return pruner;
  }

  /** Whether states are pruned (reference counts and journals kept). */
  get prunesState(): boolean {
    return this.opts.state !== "archive";
  }

  /** Whether anything is tracked per block: pruned states, or bodies to drop at finality. */
  private get tracksBlocks(): boolean {
    return this.prunesState || this.opts.blocks !== "archive";
  }

  /** The lowest canonical block number whose state is kept (0 for an archive). */
  get stateKeptFrom(): number {
    return this.stateFrom;
  }

  /** The database's state mode, for the last batch of a new database's genesis (node/chain/genesisWrite.ts). */
  stateModeOp(): DbBatchOp {
    return this.db.stateMode.writeOp(this.prunesState ? "pruned" : "archive");
  }

  /**
   * The reference counts of a chunk of genesis trie nodes that holds every occurrence of each of
   * its hashes, written as the final count (a put, never an increment): writing a chunk again
   * (after a crash before the genesis was complete) gives the same counts. None for an archive.
   */
  genesisCountOps(trieNodes: ReadonlyArray<readonly [Uint8Array, Uint8Array]>): DbBatchOp[] {
    if (!this.prunesState) return [];
    const counts = new Map<string, { hash: Uint8Array; count: number }>();
    for (const [hash] of trieNodes) {
      const id = toHex(hash);
      const entry = counts.get(id);
      if (entry) entry.count++;
      else counts.set(id, { hash, count: 1 });
    }
    return [...counts.values()].map(({ hash, count }) => this.db.trieNodeRefs.putOp(hash, count));
  }

  /** The journal and count writes of an imported block, for its import batch. */
  importOps(ref: BlockRef, inserted: ReadonlyArray<readonly [Uint8Array, Uint8Array]>, removed: Uint8Array[]): PruningBatch {
    return this.importRangeOps([{ ref, inserted, removed }]);
  }

  /**
   * The journal and count writes of blocks imported together in one batch (a synced range, in
   * order): one count write per node, with every block's insertions summed, so that a node
   * inserted by several blocks of the range is counted once per insertion and not read back
   * stale between them.
   */
  importRangeOps(blocks: ReadonlyArray<{ ref: BlockRef; inserted: ReadonlyArray<readonly [Uint8Array, Uint8Array]>; removed: Uint8Array[] }>): PruningBatch {
    if (!this.tracksBlocks || blocks.length === 0) return NOTHING;
    const keys: JournalKey[] = blocks.map(({ ref }) => ({ number: ref.number, hash: ref.hash }));
    if (!this.prunesState) {
      return {
        ops: keys.map((key) => this.db.stateJournal.putOp(key, { inserted: [], removed: [] })),
        committed: () => {
          for (const key of keys) this.pending.set(keyId(key), key);
        },
      };
    }
    const deltas = new Deltas();
    for (const { inserted } of blocks) for (const [hash] of inserted) deltas.add(hash, 1);
    const { ops, counts } = this.countOps(deltas);
    blocks.forEach(({ inserted, removed }, i) => ops.push(this.db.stateJournal.putOp(keys[i], { inserted: inserted.map(([hash]) => hash), removed })));
    return {
      ops,
      committed: () => {
        for (const [id, count] of counts) this.counts.set(id, count);
        for (const key of keys) this.pending.set(keyId(key), key);
      },
    };
  }

  /**
   * The writes that settle what finalizing `finalized` decides (previous finalized head:
   * `previous`): canonical journals that leave the kept window give back their removed nodes,
   * blocks off the finalized chain give back their inserted nodes (and their bodies, unless
   * `--blocks-pruning archive`), and with `--blocks-pruning <n>` canonical bodies older than the
   * last n finalized ones go. To be written in the finalization's own batch.
   */
  finalizeOps(finalized: BlockRef, previous: BlockRef): PruningBatch {
    if (!this.tracksBlocks) return NOTHING;
    const keep = this.opts.state;
    const newStateFrom = keep === "archive" ? 0 : Math.max(this.stateFrom, finalized.number - keep + 1);
    const ancestors = this.ancestorsAbove(finalized, previous.number);
    const canonicalAt = (number: number): Uint8Array | undefined =>
      number <= previous.number ? this.db.canonicalHash.getSync(number) : ancestors.get(number);
    const ops: DbBatchOp[] = [];
    const deltas = new Deltas();
    const settled: string[] = [];
    let discarded = 0;
    for (const [id, key] of this.sortedPending()) {
      let onChain: boolean;
      if (key.number <= finalized.number) {
        const canonical = canonicalAt(key.number);
        onChain = canonical !== undefined && bytesEqual(canonical, key.hash);
        // A canonical block inside the kept window stays pending (its removed list still counts).
        if (onChain && this.prunesState && key.number > newStateFrom) continue;
      } else {
        onChain = this.descends(key, finalized);
        if (onChain) continue;
      }
      if (this.prunesState) {
        const journal = this.db.stateJournal.getSync(key);
        if (!journal) throw new Error(`the state journal of #${key.number} (${toHex(key.hash)}) is missing`);
        for (const hash of onChain ? journal.removed : journal.inserted) deltas.add(hash, -1);
      }
      if (!onChain) {
        discarded++;
        if (this.opts.blocks !== "archive") ops.push(this.db.blockBody.delOp(key.hash));
      }
      ops.push(this.db.stateJournal.delOp(key));
      settled.push(id);
    }
    let newBodiesFrom = this.bodiesFrom;
    if (typeof this.opts.blocks === "number") {
      const last = Math.min(finalized.number - this.opts.blocks, this.bodiesFrom + MAX_BODY_DELETES_PER_FINALIZATION - 1);
      for (let number = this.bodiesFrom; number <= last; number++) {
        const hash = canonicalAt(number);
        if (hash) ops.push(this.db.blockBody.delOp(hash));
        newBodiesFrom = number + 1;
      }
      const at = canonicalAt(newBodiesFrom);
      if (newBodiesFrom !== this.bodiesFrom && at) ops.push(this.db.meta.putOp("bodiesKeptFrom", { number: newBodiesFrom, hash: at }));
    }
    const { ops: countOps, counts, deleted } = this.countOps(deltas);
    ops.push(...countOps);
    if (newStateFrom !== this.stateFrom) {
      const at = canonicalAt(newStateFrom);
      if (at) ops.push(this.db.meta.putOp("stateKeptFrom", { number: newStateFrom, hash: at }));
    }
    crashPoint("pruning.finalize-ops-built");
    if (deleted.length > 0 || discarded > 0) {
      this.logger.debug(`Pruning at #${finalized.number}`, { nodesDeleted: deleted.length, blocksDiscarded: discarded, stateKeptFrom: newStateFrom });
    }
    return {
      ops,
      committed: () => {
        for (const id of settled) this.pending.delete(id);
        for (const [id, count] of counts) this.counts.set(id, count);
        for (const id of deleted) this.counts.delete(id);
        this.db.trieNode.evict(deleted);
        this.stateFrom = newStateFrom;
        this.bodiesFrom = newBodiesFrom;
      },
    };
  }

  /** Blocks not yet settled, lowest number first (ties by hash): a deterministic order for the batch. */
  private sortedPending(): Array<[string, JournalKey]> {
    return [...this.pending].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** Hashes of `head`'s ancestors (and itself) above `floor`, by number. */
  private ancestorsAbove(head: BlockRef, floor: number): Map<number, Uint8Array> {
    const out = new Map<number, Uint8Array>();
    let hash = head.hash;
    for (let number = head.number; number > floor; number--) {
      out.set(number, hash);
      const header = this.header(hash);
      if (!header) throw new Error(`the header of #${number} (${toHex(hash)}) is missing`);
      hash = header.parentHash;
    }
    return out;
  }

  /** Whether block `key` (above `ancestor`) has `ancestor` on its chain. */
  private descends(key: JournalKey, ancestor: BlockRef): boolean {
    let hash = key.hash;
    for (let number = key.number; number > ancestor.number; number--) {
      const header = this.header(hash);
      if (!header) return false;
      hash = header.parentHash;
    }
    return bytesEqual(hash, ancestor.hash);
  }

  /** Count writes for `deltas`: a count at zero deletes the node and its count. */
  private countOps(deltas: Deltas): { ops: DbBatchOp[]; counts: Map<string, number>; deleted: string[] } {
    const ops: DbBatchOp[] = [];
    const counts = new Map<string, number>();
    const deleted: string[] = [];
    for (const [id, { hash, delta }] of deltas.entries()) {
      if (delta === 0) continue;
      const current = this.countOf(id, hash);
      let next = current + delta;
      if (next < 0) {
        // Never expected: the counts would be wrong. The node is deleted either way; say so loudly.
        this.logger.error(`A trie node's reference count went below zero`, { hash: id, count: current, delta });
        next = 0;
      }
      if (next === 0) {
        ops.push(this.db.trieNode.delOp(hash), this.db.trieNodeRefs.delOp(hash));
        deleted.push(id);
      } else {
        ops.push(this.db.trieNodeRefs.putOp(hash, next));
        counts.set(id, next);
      }
    }
    return { ops, counts, deleted };
  }

  private countOf(id: string, hash: Uint8Array): number {
    const cached = this.counts.get(id);
    if (cached !== undefined) return cached;
    return this.db.trieNodeRefs.getSync(hash) ?? 0;
  }
}

/** Count changes by node, in first-touched order. */
class Deltas {
  private readonly byId = new Map<string, { hash: Uint8Array; delta: number }>();

  add(hash: Uint8Array, delta: number): void {
    const id = toHex(hash);
    const entry = this.byId.get(id);
    if (entry) entry.delta += delta;
    else this.byId.set(id, { hash, delta });
  }

  entries(): IterableIterator<[string, { hash: Uint8Array; delta: number }]> {
    return this.byId.entries();
  }
}

function keyId(key: JournalKey): string {
  return `${key.number.toString(16).padStart(8, "0")}:${toHex(key.hash)}`;
}
