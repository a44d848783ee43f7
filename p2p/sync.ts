import type { Logger } from "../primitives/logger.ts";
import { NetworkError } from "./errors.ts";
import type { NetworkMetrics } from "./metrics.ts";
import type { PenaltyReason } from "./peerScore.ts";
import { MAX_BLOCKS_PER_REQUEST } from "./protocols.ts";
import type { ChainStatus, PeerInfo } from "./statusHandshake.ts";
import type { BlockWithJustification } from "./wire.ts";

/** Hand-overs caught up in one round at most: each needs progress, and a session is many blocks. */
const MAX_HAND_OVER_ROUNDS = 8;

/** The parts of NetworkHost that sync uses. */
export interface SyncNetwork {
  peers(): PeerInfo[];
  requestBlocks(peerId: string, from: number, count: number): Promise<BlockWithJustification[]>;
  reportPeer(peerId: string, reason: PenaltyReason): void;
  on(event: "peer:status", listener: (peer: PeerInfo) => void): unknown;
  off(event: "peer:status", listener: (peer: PeerInfo) => void): unknown;
}

/**
 * Imports one synced block, verifying it and its justification (the node passes
 * `chain.importBlock` plus justification checks); throws when either is invalid, or
 * `NetworkError` `LOCAL_IMPORT_FAILURE` when the failure is ours (a database write, a clock
 * behind the block's slot): sync stops without holding it against the peer.
 */
export type ImportSyncedBlock = (block: Uint8Array, justification: Uint8Array | null, from: string) => Promise<void>;

/**
 * Imports a range of synced blocks in order, finalizing it with the justifications it needs
 * (node/finality/syncImport.ts: the set hand-overs' in order, then the range's last); calls
 * `imported(i)` once block `i` is imported. Throws like `ImportSyncedBlock`.
 */
export type ImportSyncedRange = (items: readonly BlockWithJustification[], from: string, imported: (index: number) => void) => Promise<void>;

export interface SyncServiceOpts {
  /** Blocks per request (default and maximum 128). */
  batchSize?: number;
  /**
   * How far below our best a sync restarts (default 32), bounded below by our finalized block:
   * when our best is on a fork the peer does not have, the common ancestor is usually a few
   * blocks back, and re-importing blocks we already have costs only a lookup.
   */
  reorgWindow?: number;
}

export interface SyncServiceDeps {
  network: SyncNetwork;
  chain: ChainStatus;
  importBlock: ImportSyncedBlock;
  /** Imports whole ranges when given (the node's sync); `importBlock` one block at a time otherwise. */
  importRange?: ImportSyncedRange;
  /**
   * The first block on our best chain above our finalized head that hands the finality set over,
   * when we hold one unfinalized (node/finality/voterSets.ts `pendingHandOver`); none when absent.
   */
  pendingHandOver?: () => number | null;
  logger: Logger;
  metrics: NetworkMetrics | null;
}

/**
 * Range sync, the simple form of Substrate's chain sync: whenever a peer's status shows a best
 * block above ours, ask the most advanced peer for ranges of canonical blocks from just above our
 * best and import them in order until we reach its best. A peer whose blocks fail to import is
 * penalised (and, through the score, disconnected) and sync moves on to the next peer.
 */
export class SyncService {
  private readonly batchSize: number;
  private readonly reorgWindow: number;
  private readonly deps: SyncServiceDeps;
  private running: Promise<void> | null = null;
  private rerun = false;
  private stopped = false;
  private readonly onStatus = (): void => this.trigger();

  constructor(opts: SyncServiceOpts, deps: SyncServiceDeps) {
    this.batchSize = Math.min(opts.batchSize ?? MAX_BLOCKS_PER_REQUEST, MAX_BLOCKS_PER_REQUEST);
    this.reorgWindow = opts.reorgWindow ?? 32;
    this.deps = deps;
  }

  start(): void {
    this.stopped = false;
    this.deps.network.on("peer:status", this.onStatus);
    this.trigger();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.deps.network.off("peer:status", this.onStatus);
    await this.running;
  }

  /** True while a sync round is running. */
  get isSyncing(): boolean {
    return this.running !== null;
  }

  /** Resolves when no sync round is running (a round triggered meanwhile is awaited too). */
  async idle(): Promise<void> {
    while (this.running !== null) await this.running;
  }

  /** Starts a sync round, or schedules one more after the current round. */
  trigger(): void {
    if (this.stopped) return;
    if (this.running !== null) {
      this.rerun = true;
      return;
    }
    this.running = this.syncRound().finally(() => {
      this.running = null;
      if (this.rerun) {
        this.rerun = false;
        this.trigger();
      }
    });
  }

  private bestPeer(excluded: Set<string>): PeerInfo | undefined {
    const ours = this.deps.chain.best.number;
    let best: PeerInfo | undefined;
    for (const peer of this.deps.network.peers()) {
      if (excluded.has(peer.peerId) || peer.status.best.number <= ours) continue;
      if (best === undefined || peer.status.best.number > best.status.best.number) best = peer;
    }
    return best;
  }

  private async syncRound(): Promise<void> {
    const failed = new Set<string>();
    for (let peer = this.bestPeer(failed); peer !== undefined && !this.stopped; peer = this.bestPeer(failed)) {
      const ok = await this.syncFrom(peer);
      if (!ok) failed.add(peer.peerId);
    }
    if (!this.stopped) await this.catchUpFinality();
  }

  /**
   * A node that has the blocks but missed the votes that finalized them (a validator restarted
   * during the round that ended a voter set) would wait for votes nobody sends any more: it
   * takes the justification of the highest finalized head a peer reports, among blocks it has
   * (Substrate's sync requests the justifications of set-change blocks for the same reason).
   * A failure here is not held against the peer: our own chain may be on a fork at that height.
   */
  private async catchUpFinality(): Promise<void> {
    await this.catchUpHandOvers();
    const { best, finalized } = this.deps.chain;
    let peer: PeerInfo | undefined;
    for (const p of this.deps.network.peers()) {
      const theirs = p.status.finalized.number;
      if (theirs > finalized.number && theirs <= best.number && (peer === undefined || theirs > peer.status.finalized.number)) peer = p;
    }
    if (peer === undefined) return;
    try {
      const [item] = await this.deps.network.requestBlocks(peer.peerId, peer.status.finalized.number, 1);
      if (!item?.justification) return;
      if (this.deps.importRange !== undefined) await this.deps.importRange([item], peer.peerId, () => undefined);
      else await this.deps.importBlock(item.block, item.justification, peer.peerId);
    } catch (error) {
      this.deps.logger.debug("Finality catch-up failed", { peer: peer.peerId, number: peer.status.finalized.number, error: String(error) });
    }
  }

  /**
   * A hand-over we hold but never saw justified — a peer left its justification out of a range,
   * or we stopped between importing a range and applying its justifications — blocks finality:
   * every later justification is refused until it is applied (node/finality/applyJustification.ts).
   * A round that starts near our best never asks for it again, so we ask a peer that finalized
   * past it for the blocks from there: their stored justifications include the hand-over's
   * (Substrate's sync requests set-change justifications the same way). Bounded rounds, each
   * needing progress; a failure is not held against the peer (its blocks may be on another fork).
   */
  private async catchUpHandOvers(): Promise<void> {
    for (let round = 0; round < MAX_HAND_OVER_ROUNDS && !this.stopped; round++) {
      const from = this.deps.pendingHandOver?.() ?? null;
      if (from === null) return;
      let peer: PeerInfo | undefined;
      for (const p of this.deps.network.peers()) {
        if (p.status.finalized.number >= from && (peer === undefined || p.status.finalized.number > peer.status.finalized.number)) peer = p;
      }
      if (peer === undefined) return;
      const before = this.deps.chain.finalized.number;
      try {
        const items = await this.deps.network.requestBlocks(peer.peerId, from, Math.min(this.batchSize, peer.status.finalized.number - from + 1));
        if (this.deps.importRange !== undefined) await this.deps.importRange(items, peer.peerId, () => undefined);
        else for (const item of items) await this.deps.importBlock(item.block, item.justification, peer.peerId);
      } catch (error) {
        this.deps.logger.debug("Hand-over catch-up failed", { peer: peer.peerId, from, error: String(error) });
        return;
      }
      if (this.deps.chain.finalized.number === before) return;
    }
  }

  /**
   * Syncs up to the peer's best; false when the peer failed us. The next range is requested as
   * soon as the current one has arrived, so that the peer reads and sends it (and the network
   * carries it) while we import: measured on the 2-core machine, a fresh node syncing empty
   * blocks spent about half its time waiting on each response before it pipelined (docs/scale.md).
   * One range ahead is enough to keep the importer busy; more would only hold more blocks in
   * memory and, on a failure, waste more of the peer's work.
   */
  private async syncFrom(peer: PeerInfo): Promise<boolean> {
    const { best, finalized } = this.deps.chain;
    let next = Math.max(finalized.number + 1, best.number + 1 - this.reorgWindow, 1);
    const target = peer.status.best.number;
    this.deps.logger.info("Syncing", { peer: peer.peerId, from: next, target });
    const request = (from: number): Promise<BlockWithJustification[]> => this.deps.network.requestBlocks(peer.peerId, from, Math.min(this.batchSize, target - from + 1));
    let pending: Promise<BlockWithJustification[]> | null = next <= target ? request(next) : null;
    while (pending !== null && !this.stopped) {
      let items: BlockWithJustification[];
      try {
        items = await pending;
      } catch (error) {
        this.deps.logger.debug("Block request failed", { peer: peer.peerId, from: next, error: String(error) });
        return false;
      }
      if (items.length === 0) {
        // A round starts inside the reorg window, which may lie below a peer's oldest body
        // (`--blocks-pruning n`); the blocks up to our best are ours already: ask from past it.
        const ownNext = this.deps.chain.best.number + 1;
        if (ownNext <= next || ownNext > target) return false;
        next = ownNext;
        pending = request(next);
        continue;
      }
      const after = next + items.length;
      pending = after <= target && !this.stopped ? request(after) : null;
      // A range we stop importing (a bad block, stop()) is dropped unread: its failure is no news.
      pending?.catch(() => {});
      if (!(await this.importRange(peer, items))) return false;
      next = after;
    }
    return true;
  }

  /**
   * Imports a range in order: through `importRange` when given, which verifies only the
   * justifications the range needs (node/finality/syncImport.ts), else block by block, each with
   * its own justification. Importing only a range's last justification was tried and withdrawn:
   * the justification of a block that hands the voter set over was dropped (no finality proof
   * could cross that hand-over, docs/proofs.md), and a set several hand-overs old could finalize
   * the range's end in one step; `importRange` applies every hand-over in order.
   */
  private async importRange(peer: PeerInfo, items: BlockWithJustification[]): Promise<boolean> {
    const { importRange, metrics } = this.deps;
    if (importRange !== undefined) {
      let done = 0;
      try {
        await importRange(items, peer.peerId, (index) => {
          done = index + 1;
          metrics?.syncBlocksImported.inc();
        });
      } catch (error) {
        return this.failed(peer, items[Math.min(done, items.length - 1)], error);
      }
      return true;
    }
    for (const item of items) {
      try {
        await this.deps.importBlock(item.block, item.justification, peer.peerId);
      } catch (error) {
        return this.failed(peer, item, error);
      }
      metrics?.syncBlocksImported.inc();
    }
    return true;
  }

  private failed(peer: PeerInfo, item: BlockWithJustification, error: unknown): false {
    this.deps.logger.warn("Synced block failed to import", { peer: peer.peerId, number: item.number }, error);
    if (!(error instanceof NetworkError && error.type.code === "LOCAL_IMPORT_FAILURE")) this.deps.network.reportPeer(peer.peerId, "bad_sync_response");
    return false;
  }
}
