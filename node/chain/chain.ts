import { EventEmitter } from "node:events";
import { bytesEqual, toHex } from "../../primitives/bytes.ts";
import { codecs, type Block, type Header, type Justification } from "../../primitives/codec/index.ts";
import { blake2b256 } from "../../primitives/hash.ts";
import type { Logger } from "../../primitives/logger.ts";
import { BoundedLru } from "../../primitives/lru.ts";
import { MerkleTrie, orderedTrieRoot } from "../../primitives/trie/trie.ts";
import type { Executive, StateChange } from "../../runtime/api.ts";
import type { ChainGenesis } from "../../genesis/build.ts";
import type { DbBatchOp } from "../db/database.ts";
import type { ChainDatabase } from "../db/repositories.ts";
import { BlsVerifierError } from "../../primitives/bls/index.ts";
import { ArkreenError } from "../../primitives/errors.ts";
import { crashPoint } from "../crashPoints.ts";
import { BlockEquivocationDetector } from "./blockEquivocation.ts";
import type { ChainMetrics } from "./metrics.ts";
import { BlockImportError, FinalityError, StateError } from "./errors.ts";
import { writeGenesis } from "./genesisWrite.ts";
import { StagedBlocks, type ImportView } from "./stagedBlocks.ts";
import { ChainPruner, type PruningOpts, type PruningRequest } from "./statePruner.ts";
import type { BlockBodyVerifier, BlockOrigin, ChainEvents, ExecutedBlock, HeadInfo, HeaderVerifier, ImportedBlock, PendingSignatureCheck } from "./types.ts";

/**
 * Headers kept decoded. RPC (`chain_getHeader`, new-heads subscriptions), sync serving, fork
 * choice and finality all read recent headers by hash, each read a LevelDB lookup and a decode
 * (a quarter of the node's time under an RPC flood of header calls). 4,096 headers (~1 MB)
 * cover hours of blocks and every fork near the head.
 */
const HEADER_CACHE_SIZE = 4096;

export interface ChainDeps {
  db: ChainDatabase;
  genesis: ChainGenesis;
  executive: Executive;
  verifier: HeaderVerifier;
  bodyVerifier: BlockBodyVerifier;
  logger: Logger;
  metrics: ChainMetrics | null;
  /**
   * `--state-pruning` and `--blocks-pruning`, as given. Absent (or a field absent): a new database
   * gets `DEFAULT_PRUNING`, an existing one keeps the state mode it was created with.
   */
  pruning?: PruningRequest;
}

/** A block through every check but the readings' pairing (`Chain.prepare`). */
interface PreparedBlock {
  trieNodes: Array<[Uint8Array, Uint8Array]>;
  removedNodes: Uint8Array[];
  /** The readings' aggregate pairing still to run; null without readings (or for an own block). */
  signatures: PendingSignatureCheck | null;
  slot: bigint;
}

/** A verified block waiting for its batch; `canonical`: the canonical entries it writes as the new best, or null. */
interface StagedEntry {
  block: Block;
  hash: Uint8Array;
  origin: BlockOrigin;
  started: bigint;
  prepared: PreparedBlock;
  canonical: Array<[number, Uint8Array]> | null;
}

/** What applying a block's state changes gives: the new root, the nodes to store, the stored nodes replaced. */
export interface CommittedState {
  root: Uint8Array;
  nodes: Array<[Uint8Array, Uint8Array]>;
  removed: Uint8Array[];
}

export function headerHash(header: Header): Uint8Array {
  return blake2b256(codecs.header.encode(header));
}

/** Applies sorted state writes to a trie opened at the parent's root and commits it. */
export function applyStateChanges(trie: MerkleTrie, changes: StateChange[]): CommittedState {
  for (const { key, value } of changes) {
    if (value === null) trie.del(key);
    else trie.put(key, value);
  }
  return trie.commit();
}

/**
 * Readings a range import stages at once, at most (a block with more is a chunk of its own). A
 * staged block holds its new trie nodes and its readings' pairing inputs until the range is
 * written: 128 synced blocks at the 10,000-reading cap would hold over a million pairing parts
 * and every trie node they wrote. 20,000 readings (two full blocks) bound that to a few hundred MB
 * on a million-device state, while a range of empty or light blocks still goes in one batch.
 */
export const MAX_RANGE_READINGS = 20_000;

/** `[from, to)` slices of `blocks`, each holding at most MAX_RANGE_READINGS readings (or one block). */
export function readingsBoundedChunks(blocks: readonly Block[]): Array<{ from: number; to: number }> {
  const chunks: Array<{ from: number; to: number }> = [];
  let from = 0;
  let readings = 0;
  blocks.forEach((block, index) => {
    const count = block.readings?.length ?? 0;
    if (index > from && readings + count > MAX_RANGE_READINGS) {
      chunks.push({ from, to: index });
      from = index;
      readings = 0;
    }
    readings += count;
  });
  if (from < blocks.length) chunks.push({ from, to: blocks.length });
  return chunks;
}

/**
 * The block tree and its heads on top of the database. Every block is imported in one atomic
 * batch (header, body, trie nodes, canonical index and best head together), so a crash at any
 * point leaves either the old or the new head, never a half-written block. Fork choice: the
 * longest chain that contains the last finalized block; finalizing a block off the best chain
 * makes that block the best.
 */
export class Chain extends EventEmitter<ChainEvents> {
  readonly genesisHash: Uint8Array;
  private readonly db: ChainDatabase;
  private readonly executive: Executive;
  private readonly verifier: HeaderVerifier;
  private readonly bodyVerifier: BlockBodyVerifier;
  private readonly logger: Logger;
  private readonly metrics: ChainMetrics | null;
  private bestHead: HeadInfo;
  private finalizedHead: HeadInfo;
  /** Imports and finalizations run one at a time. */
  private queue: Promise<unknown> = Promise.resolve();
  /** Decoded headers by hash (headers are never deleted, so an entry never goes stale). */
  private readonly headers = new BoundedLru<string, Header>(HEADER_CACHE_SIZE);
  /** Every sealed header import checked the seal of, per slot and author (see `admitSealed`). */
  private readonly equivocations = new BlockEquivocationDetector({});
  private readonly pruner: ChainPruner;
  /** The committed chain as block import reads it (a range stages its blocks over it). */
  private readonly committed: ImportView;

  private constructor(deps: ChainDeps, best: HeadInfo, finalized: HeadInfo, pruner: ChainPruner) {
    super();
    this.db = deps.db;
    this.executive = deps.executive;
    this.verifier = deps.verifier;
    this.bodyVerifier = deps.bodyVerifier;
    this.logger = deps.logger;
    this.metrics = deps.metrics;
    this.genesisHash = deps.genesis.hash;
    this.bestHead = best;
    this.finalizedHead = finalized;
    this.pruner = pruner;
    const bestHead = (): HeadInfo => this.bestHead;
    this.committed = {
      header: (hash) => this.header(hash),
      nodes: this.db.trieNode,
      canonicalHash: (number) => this.db.canonicalHash.getSync(number),
      get best() {
        return bestHead();
      },
    };
    // Every RPC subscription (new heads, a device's pending commands) listens here; they are
    // bounded by the RPC server's connection and per-connection subscription limits instead.
    this.setMaxListeners(0);
    this.metrics?.setHeights(best.number, finalized.number);
  }

  /**
   * Opens the chain, writing the genesis block into a database without one: an empty database, or
   * one whose genesis write a crash interrupted (see `writeGenesis`).
   */
  static async open(deps: ChainDeps): Promise<Chain> {
    const { db, genesis } = deps;
    const storedGenesis = db.meta.getSync("genesis");
    if (storedGenesis && !bytesEqual(storedGenesis.hash, genesis.hash)) {
      throw new BlockImportError(
        { code: "MALFORMED", reason: "database genesis differs from chain spec" },
        `the database at ${db.db.path} holds another chain (genesis ${toHex(storedGenesis.hash)}, chain spec genesis ${toHex(genesis.hash)}); use another --base-path or purge-chain`,
      );
    }
    // The pruner reads headers through the chain's cache once the chain exists.
    const opened: { chain?: Chain } = {};
    const header = (hash: Uint8Array): Header | undefined => (opened.chain ? opened.chain.header(hash) : db.header.getSync(hash));
    const pruner = await ChainPruner.open(deps.pruning, { db, logger: deps.logger, header }, !storedGenesis);
    if (!storedGenesis) await writeGenesis(db, genesis, pruner, deps.logger);
    const load = (key: "best" | "finalized"): HeadInfo => {
      const ref = db.meta.getSync(key);
      const header = ref && db.header.getSync(ref.hash);
      if (!ref || !header) throw new Error(`database is missing the ${key} head`);
      return { hash: ref.hash, number: ref.number, header };
    };
    const chain = new Chain(deps, load("best"), load("finalized"), pruner);
    opened.chain = chain;
    return chain;
  }

  /** The state and blocks pruning this chain runs with. */
  get pruning(): PruningOpts {
    return this.pruner.opts;
  }

  get best(): HeadInfo {
    return this.bestHead;
  }

  get finalized(): HeadInfo {
    return this.finalizedHead;
  }

  /** The stored header of `hash`; callers share the cached object and must not modify it. */
  header(hash: Uint8Array): Header | undefined {
    const key = Buffer.from(hash.buffer, hash.byteOffset, hash.byteLength).toString("latin1");
    let header = this.headers.get(key);
    if (header === undefined) {
      header = this.db.header.getSync(hash);
      if (header !== undefined) this.headers.set(key, header);
    }
    return header;
  }

  block(hash: Uint8Array): Block | undefined {
    const header = this.header(hash);
    const body = header && this.db.blockBody.getSync(hash);
    return header && body ? { header, extrinsics: body.extrinsics, readings: body.readings, readingsSignature: body.readingsSignature } : undefined;
  }

  justification(hash: Uint8Array): Justification | undefined {
    return this.db.justification.getSync(hash);
  }

  /** Hash of the canonical (best chain) block at `number`. */
  hashAt(number: number): Uint8Array | undefined {
    if (number > this.bestHead.number) return undefined;
    return this.db.canonicalHash.getSync(number);
  }

  /**
   * The state after block `hash` (the best block by default), read lazily from the database. A
   * known block whose state is pruned (older than the kept window, or discarded by finality)
   * fails with a `StateError`, decided by its number and chain, before any node is read.
   */
  stateAt(hash: Uint8Array = this.bestHead.hash): MerkleTrie {
    const header = hash === this.bestHead.hash ? this.bestHead.header : this.header(hash);
    if (!header) throw new FinalityError({ code: "UNKNOWN_BLOCK", hash: toHex(hash) });
    if (hash !== this.bestHead.hash) this.checkStateKept(hash, header.number);
    return new MerkleTrie(header.stateRoot, this.db.trieNode);
  }

  /** Throws the `StateError` of a block whose state pruning dropped; nothing for an archive. */
  private checkStateKept(hash: Uint8Array, number: number): void {
    const keep = this.pruner.opts.state;
    if (keep === "archive") return;
    const finalized = this.finalizedHead;
    if (number > finalized.number) {
      if (this.descendsFromFinalized(hash, number)) return;
    } else {
      const canonical = this.db.canonicalHash.getSync(number);
      if (canonical && bytesEqual(canonical, hash)) {
        const keptFrom = this.pruner.stateKeptFrom;
        if (number >= keptFrom) return;
        throw new StateError(
          { code: "STATE_PRUNED", number, hash: toHex(hash), keptFrom, keep },
          `state of block #${number} (${toHex(hash)}) is pruned: this node keeps the state of the last ${keep} finalized blocks (from #${keptFrom}); run with --state-pruning archive to keep every state`,
        );
      }
    }
    throw new StateError(
      { code: "STATE_DISCARDED", number, hash: toHex(hash) },
      `state of block #${number} (${toHex(hash)}) is pruned: the block is not on the finalized chain and its state was discarded at finality; run with --state-pruning archive to keep every state`,
    );
  }

  /** Imports a block; resolves to null when it was already known. Imports run one at a time. */
  importBlock(block: Block, origin: BlockOrigin, executed?: ExecutedBlock): Promise<ImportedBlock | null> {
    return this.serialize(() => this.doImport(block, origin, executed));
  }

  /** Marks `hash` (a canonical descendant of the finalized head) and its ancestors final. */
  finalize(hash: Uint8Array, justification: Justification | null): Promise<void> {
    return this.serialize(() => this.doFinalize(hash, justification));
  }

  /** Emits to every listener; one that throws is logged and cannot undo a committed import. */
  private notify<E extends keyof ChainEvents>(event: E, ...args: ChainEvents[E]): void {
    for (const listener of this.listeners(event) as Array<(...a: ChainEvents[E]) => void>) {
      try {
        listener(...args);
      } catch (e) {
        this.logger.error(`A ${event} listener failed`, {}, e);
      }
    }
  }

  /** Resolves once every queued import and finalization has finished (before closing the database). */
  async idle(): Promise<void> {
    await this.queue;
  }

  private serialize<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Cheapest check first, so that a block fails on the cheapest rule it breaks: header and
   * parent, then the seal and slot rules (an ed25519 verification), then the roots, the readings'
   * structure and keys, execution and the state root, and last the readings' aggregate pairing
   * (~0.35 ms a reading, on the BLS workers). Every sealed header is remembered before anything
   * expensive runs, so that one author's variants of one slot cost one verification (see
   * `admitSealed`).
   */
  private async doImport(block: Block, origin: BlockOrigin, executed?: ExecutedBlock): Promise<ImportedBlock | null> {
    const started = process.hrtime.bigint();
    const { header } = block;
    const hash = headerHash(header);
    if (this.header(hash)) return null;
    try {
      const prepared = this.prepare(block, hash, origin, this.committed, executed);
      await this.checkSignatures(prepared, block, hash);
      const canonical = header.number > this.bestHead.number ? this.canonicalizeEntries(hash, header, this.committed) : null;
      const [imported] = await this.commit([{ block, hash, origin, started, prepared, canonical }]);
      return imported;
    } catch (e) {
      if (e instanceof BlockImportError) this.metrics?.blockRefused(e.code, Number(process.hrtime.bigint() - started) / 1e9);
      throw e;
    }
  }

  /**
   * Imports blocks of one chain segment (a synced range, parents first) with one atomic batch:
   * each block verified as `importBlock` does, against the blocks before it in the range, their
   * readings' pairings run side by side on the BLS workers, then every verified block written at
   * once and announced in order. A block that fails ends the range: the blocks before it are
   * written (they are valid), nothing after it, and its error is thrown once they are.
   * `onImported(i)` is called, in order, for each block of the range that the chain holds
   * afterwards (imported now or already known).
   *
   * One batch per range instead of per block: a fresh node's sync of empty blocks spent ~13 % of
   * its time in LevelDB batches (docs/scale.md), and the reference counts of the trie nodes that
   * every block rewrites (the top of the trie, the system module's entries) are written once per
   * range instead of once per block. A range holding more than MAX_RANGE_READINGS readings is
   * written in chunks that each hold at most that many. A crash leaves the database at the best
   * before a chunk or after it, never inside it.
   */
  importBlocks(blocks: readonly Block[], origin: BlockOrigin, onImported: (index: number) => void = () => undefined): Promise<ImportedBlock[]> {
    return this.serialize(async () => {
      const imported: ImportedBlock[] = [];
      for (const { from, to } of readingsBoundedChunks(blocks)) {
        imported.push(...(await this.doImportRange(blocks.slice(from, to), origin, (index) => onImported(from + index))));
      }
      return imported;
    });
  }

  private async doImportRange(blocks: readonly Block[], origin: BlockOrigin, onImported: (index: number) => void): Promise<ImportedBlock[]> {
    const staged = new StagedBlocks(this.committed);
    const entries: Array<StagedEntry & { index: number }> = [];
    const known: number[] = [];
    let failure: { index: number; error: unknown } | null = null;
    // Each block's pairing starts on the BLS workers as soon as it is prepared, while the main
    // thread executes the next; a pairing that has failed stops the preparing (a peer that swapped
    // one block's aggregate costs the blocks prepared meanwhile, not the whole range).
    const pairings: Array<Promise<void>> = [];
    let pairingFailed = false;
    for (let index = 0; index < blocks.length && failure === null && !pairingFailed; index++) {
      const started = process.hrtime.bigint();
      const block = blocks[index];
      const hash = headerHash(block.header);
      if (staged.header(hash)) {
        known.push(index);
        continue;
      }
      try {
        const prepared = this.prepare(block, hash, origin, staged);
        const isNewBest = block.header.number > staged.best.number;
        const canonical = isNewBest ? this.canonicalizeEntries(hash, block.header, staged) : null;
        staged.add(hash, block.header, prepared.trieNodes, canonical);
        entries.push({ index, block, hash, origin, started, prepared, canonical });
        const pairing = this.checkSignatures(prepared, block, hash);
        pairing.catch(() => (pairingFailed = true));
        pairings.push(pairing);
        // Lets finished pairings report before the next block is executed.
        if (prepared.signatures !== null) await new Promise<void>((resolve) => setImmediate(resolve));
      } catch (e) {
        failure = { index, error: e };
      }
    }
    // The range is cut before the first block whose pairing fails.
    const verdicts = await Promise.allSettled(pairings);
    const bad = verdicts.findIndex((v) => v.status === "rejected");
    if (bad >= 0) {
      failure = { index: entries[bad].index, error: (verdicts[bad] as PromiseRejectedResult).reason };
      entries.length = bad;
    }
    if (failure !== null && failure.error instanceof BlockImportError) {
      this.metrics?.blockRefused(failure.error.code, 0);
    }
    const imported = entries.length > 0 ? await this.commit(entries) : [];
    // Every block before the failure is in the chain now: imported here, or known before.
    const held = failure === null ? blocks.length : failure.index;
    for (let i = 0; i < held; i++) onImported(i);
    if (failure !== null) throw failure.error;
    return imported;
  }

  /**
   * Everything but the readings' pairing, against `view` (the committed chain, or a range's
   * staged blocks): header and parent, seal and slot, extrinsics root, readings' structure,
   * execution and state root. The pairing is handed back (`checkSignatures`).
   */
  private prepare(block: Block, hash: Uint8Array, origin: BlockOrigin, view: ImportView, executed?: ExecutedBlock): PreparedBlock {
    const { header } = block;
    const parent = view.header(header.parentHash);
    if (!parent) throw new BlockImportError({ code: "UNKNOWN_PARENT", parentHash: toHex(header.parentHash) });
    if (header.number !== parent.number + 1) throw new BlockImportError({ code: "BAD_NUMBER", number: header.number, parentNumber: parent.number });
    if (header.number <= this.finalizedHead.number || !this.descendsFromFinalized(header.parentHash, parent.number, view)) {
      throw new BlockImportError({ code: "NOT_DESCENDANT_OF_FINALIZED", number: header.number, finalized: this.finalizedHead.number });
    }
    const parentState = new MerkleTrie(parent.stateRoot, view.nodes);
    let sealed: { slot: bigint; author: Uint8Array };
    try {
      sealed = this.verifier.verify(header, parentState);
    } catch (e) {
      const future = (e as { code?: string }).code === "FUTURE_SLOT";
      throw new BlockImportError({ code: future ? "FUTURE_BLOCK" : "CONSENSUS", reason: (e as Error).message });
    }
    this.admitSealed(header, hash, block.readingsSignature ?? new Uint8Array(0), sealed, origin);

    const extrinsicsRoot = orderedTrieRoot(block.extrinsics);
    if (!bytesEqual(extrinsicsRoot, header.extrinsicsRoot)) {
      throw new BlockImportError({ code: "BAD_EXTRINSICS_ROOT", expected: toHex(header.extrinsicsRoot), actual: toHex(extrinsicsRoot) });
    }
    if (executed && origin === "own") {
      checkStateRoot(header, executed.stateRoot);
      return { trieNodes: executed.trieNodes, removedNodes: executed.removedNodes, signatures: null, slot: sealed.slot };
    }
    let signatures: PendingSignatureCheck | null;
    try {
      signatures = this.bodyVerifier.check(block, parentState);
    } catch (e) {
      throw new BlockImportError({ code: "BAD_READINGS", reason: (e as Error).message });
    }
    // From here on every check is expensive and every failure is the author's: what the header
    // commits to does not execute to its state root, or its readings' aggregate (the one part a
    // relayer could have swapped) does not verify. Gossip spends this on a header once.
    try {
      const { stateRoot, trieNodes, removedNodes } = this.execute(block, parentState);
      checkStateRoot(header, stateRoot);
      return { trieNodes, removedNodes, signatures, slot: sealed.slot };
    } catch (e) {
      if (e instanceof BlockImportError) this.equivocations.markFailed(sealed.slot, hash);
      throw e;
    }
  }

  /**
   * The readings' aggregate pairing of a prepared block, if it has readings. A failure is a verdict
   * on this header *with this aggregate*: the aggregate is the one part of a block its hash does not
   * cover, so a relayer may have swapped it, and the author's own version must still be importable
   * when it arrives (`BlockEquivocationDetector.markAggregateFailed`).
   */
  private async checkSignatures(prepared: PreparedBlock, block: Block, hash: Uint8Array): Promise<void> {
    if (prepared.signatures === null) return;
    try {
      await this.verifySignatures(prepared.signatures);
    } catch (e) {
      if (e instanceof BlockImportError) this.equivocations.markAggregateFailed(prepared.slot, hash, block.readingsSignature ?? new Uint8Array(0));
      throw e;
    }
  }

  /**
   * Remembers a header whose seal checked out, valid or not, before anything expensive runs. A
   * second, different header by the same author for the same slot is an equivocation: reported
   * (the `blockEquivocation` event) and, from gossip, refused without a check, since an author who
   * seals variants could otherwise make every node verify each. Gossip also verifies a header
   * only once when its execution failed, and once per aggregate (a few at most) when its pairing
   * failed. Sync (`network`) verifies what a peer's chain holds in any case: the network may have
   * built on a variant this node refused, and must be followable.
   */
  private admitSealed(header: Header, hash: Uint8Array, aggregate: Uint8Array, { slot, author }: { slot: bigint; author: Uint8Array }, origin: BlockOrigin): void {
    const verdict = this.equivocations.onSealed(header, hash, author, slot, aggregate);
    if (verdict.kind === "equivocation") {
      if (verdict.first) {
        this.metrics?.blockEquivocation();
        this.logger.warn(`Block equivocation: two headers sealed for slot ${slot}`, { author: toHex(author), first: toHex(blake2b256(verdict.detected.proof.firstHeader)), second: toHex(hash) });
        this.notify("blockEquivocation", verdict.detected);
      }
      if (origin === "gossip") throw new BlockImportError({ code: "SLOT_EQUIVOCATION", slot: slot.toString(), author: toHex(author) });
    } else if (origin === "gossip") {
      if (verdict.kind === "again" && verdict.failed) throw new BlockImportError({ code: "ALREADY_FAILED", hash: toHex(hash) });
      if (verdict.kind === "stale") throw new BlockImportError({ code: "STALE_SLOT", slot: slot.toString(), floor: verdict.floor.toString() });
    }
  }

  private execute(block: Block, parentState: MerkleTrie): { stateRoot: Uint8Array; trieNodes: Array<[Uint8Array, Uint8Array]>; removedNodes: Uint8Array[] } {
    let changes: StateChange[];
    try {
      changes = this.executive.executeBlock(parentState, block);
    } catch (e) {
      throw new BlockImportError({ code: "EXECUTION_FAILED", reason: (e as Error).message });
    }
    const { root, nodes, removed } = applyStateChanges(parentState, changes);
    return { stateRoot: root, trieNodes: nodes, removedNodes: removed };
  }

  private async verifySignatures(signatures: PendingSignatureCheck): Promise<void> {
    const started = process.hrtime.bigint();
    let valid = false;
    try {
      await signatures.verify();
      valid = true;
    } catch (e) {
      // Not a verdict (the verifier closed, its workers died): the block may be fine.
      if (!(e instanceof ArkreenError) || e instanceof BlsVerifierError) throw e;
      throw new BlockImportError({ code: "BAD_READINGS", reason: (e as Error).message });
    } finally {
      this.metrics?.readingsPairing(signatures.count, Number(process.hrtime.bigint() - started) / 1e9, valid);
    }
  }

  /**
   * Writes verified blocks (one, or a range in order) with one atomic batch — headers, bodies,
   * trie nodes, canonical entries, best head, pruning journals and counts — then moves the best
   * head and tells the listeners, block by block.
   */
  private async commit(entries: readonly StagedEntry[]): Promise<ImportedBlock[]> {
    const ops: DbBatchOp[] = [];
    let best: StagedEntry | null = null;
    for (const entry of entries) {
      const { block, hash, prepared, canonical } = entry;
      ops.push(
        this.db.header.putOp(hash, block.header),
        this.db.blockBody.putOp(hash, { extrinsics: block.extrinsics, readings: block.readings ?? [], readingsSignature: block.readingsSignature ?? new Uint8Array(0) }),
      );
      for (const [h, n] of prepared.trieNodes) ops.push(this.db.trieNode.putOp(h, n));
      if (canonical !== null) {
        for (const [number, h] of canonical) ops.push(this.db.canonicalHash.putOp(number, h));
        best = entry;
      }
    }
    if (best !== null) ops.push(this.db.meta.putOp("best", { hash: best.hash, number: best.block.header.number }));
    const pruning = this.pruner.importRangeOps(entries.map(({ block, hash, prepared }) => ({ ref: { hash, number: block.header.number }, inserted: prepared.trieNodes, removed: prepared.removedNodes })));
    ops.push(...pruning.ops);
    crashPoint("import.before-batch");
    await this.db.db.batch(ops);
    pruning.committed();
    crashPoint("import.after-batch");
    for (const { prepared } of entries) this.db.trieNode.cacheNodes(prepared.trieNodes);

    const imported: ImportedBlock[] = [];
    // A range's blocks share its time: each is given an equal part of it (verification, pairings,
    // the batch), so that the import-time metric sums to the time spent, as for single imports.
    const rangeShareMs = entries.length > 1 ? Number(process.hrtime.bigint() - entries[0].started) / 1e6 / entries.length : null;
    for (const { block, hash, origin, started, canonical } of entries) {
      const { header } = block;
      const isNewBest = canonical !== null;
      const item: ImportedBlock = { hash, origin, header, extrinsics: block.extrinsics, readings: block.readings ?? [], isNewBest };
      const elapsedMs = rangeShareMs ?? Number(process.hrtime.bigint() - started) / 1e6;
      this.metrics?.blockImported(elapsedMs / 1000);
      this.logger.info(`Imported #${header.number} (${shortHash(hash)})`, { extrinsics: block.extrinsics.length, origin, ms: Math.round(elapsedMs) });
      // The in-memory head follows the committed batch before anyone hears of the block, so
      // listeners (pools, RPC, finality) read the new state; in a range it walks the blocks in
      // order, so each block's listeners see it as the head.
      if (isNewBest) {
        this.bestHead = { hash, number: header.number, header };
        this.metrics?.setHeights(this.bestHead.number, this.finalizedHead.number);
      }
      crashPoint("import.after-head-update");
      this.notify("imported", item);
      if (isNewBest) this.notify("newBest", this.bestHead);
      imported.push(item);
    }
    return imported;
  }

  /** Canonical entries a new best block writes: itself and, after a reorg, its new ancestors. */
  private canonicalizeEntries(hash: Uint8Array, header: Header, view: ImportView): Array<[number, Uint8Array]> {
    const out: Array<[number, Uint8Array]> = [[header.number, hash]];
    let cursor = header;
    while (cursor.number > 0) {
      const canonical = view.canonicalHash(cursor.number - 1);
      if (canonical && bytesEqual(canonical, cursor.parentHash)) break;
      out.push([cursor.number - 1, cursor.parentHash]);
      const parent = view.header(cursor.parentHash);
      if (!parent) throw new BlockImportError({ code: "UNKNOWN_PARENT", parentHash: toHex(cursor.parentHash) });
      cursor = parent;
    }
    return out;
  }

  /** Canonical-index writes for a new best block (finality's reorg to the finalized block). */
  private canonicalizeOps(hash: Uint8Array, header: Header): DbBatchOp[] {
    return this.canonicalizeEntries(hash, header, this.committed).map(([number, h]) => this.db.canonicalHash.putOp(number, h));
  }

  private descendsFromFinalized(hash: Uint8Array, number: number, view: ImportView = this.committed): boolean {
    let cursorHash = hash;
    let cursorNumber = number;
    while (cursorNumber > this.finalizedHead.number) {
      const h = view.header(cursorHash);
      if (!h) return false;
      cursorHash = h.parentHash;
      cursorNumber = h.number - 1;
    }
    return bytesEqual(cursorHash, this.finalizedHead.hash);
  }

  private async doFinalize(hash: Uint8Array, justification: Justification | null): Promise<void> {
    const header = this.header(hash);
    if (!header) throw new FinalityError({ code: "UNKNOWN_BLOCK", hash: toHex(hash) });
    if (header.number <= this.finalizedHead.number) {
      if (bytesEqual(hash, this.finalizedHead.hash) || bytesEqual(this.db.canonicalHash.getSync(header.number) ?? new Uint8Array(), hash)) return;
      throw new FinalityError({ code: "BEHIND_FINALIZED", number: header.number, finalized: this.finalizedHead.number });
    }
    const ops: DbBatchOp[] = [this.db.meta.putOp("finalized", { hash, number: header.number })];
    // A block finalized off the best chain (a sibling was best: say this node's own block that
    // never reached the others, while they finalized theirs) becomes the best block, whatever
    // the lengths: the best chain always contains the finalized block. Canonical entries above
    // it belonged to the abandoned branch and go.
    const canonical = this.db.canonicalHash.getSync(header.number);
    const reorg = !canonical || !bytesEqual(canonical, hash);
    if (reorg) {
      if (!this.descendsFromFinalized(header.parentHash, header.number - 1)) {
        throw new FinalityError({ code: "CONFLICTS_WITH_FINALIZED", hash: toHex(hash), finalized: this.finalizedHead.number });
      }
      ops.push(...this.canonicalizeOps(hash, header), this.db.meta.putOp("best", { hash, number: header.number }));
      for (let n = header.number + 1; n <= this.bestHead.number; n++) ops.push(this.db.canonicalHash.delOp(n));
    }
    if (justification) ops.push(this.db.justification.putOp(hash, justification));
    // Pruning what this finality settles goes in the same batch: a crash leaves both or neither.
    const pruning = this.pruner.finalizeOps({ hash, number: header.number }, { hash: this.finalizedHead.hash, number: this.finalizedHead.number });
    ops.push(...pruning.ops);
    crashPoint("finality.before-finalize-batch");
    await this.db.db.batch(ops);
    pruning.committed();
    crashPoint("finality.after-finalize-batch");
    this.finalizedHead = { hash, number: header.number, header };
    if (reorg) {
      this.logger.info(`Reorganized to the finalized #${header.number} (${shortHash(hash)}) from best #${this.bestHead.number} (${shortHash(this.bestHead.hash)})`);
      this.bestHead = { hash, number: header.number, header };
    }
    this.metrics?.setHeights(this.bestHead.number, this.finalizedHead.number);
    if (reorg) this.notify("newBest", this.bestHead);
    this.notify("finalized", this.finalizedHead, justification);
  }
}

function checkStateRoot(header: Header, stateRoot: Uint8Array): void {
  if (!bytesEqual(stateRoot, header.stateRoot)) {
    throw new BlockImportError({ code: "BAD_STATE_ROOT", expected: toHex(header.stateRoot), actual: toHex(stateRoot) });
  }
}

/** `0xabcd…1234`, as Substrate logs hashes. */
export function shortHash(hash: Uint8Array): string {
  const hex = toHex(hash);
  return `${hex.slice(0, 6)}…${hex.slice(-4)}`;
}
