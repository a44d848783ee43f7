import { toHex } from "../../primitives/bytes.ts";
import { blake2b256 } from "../../primitives/hash.ts";
import type { Logger } from "../../primitives/logger.ts";
import type { LocallyAccepted, SubmissionOrigin } from "../localAccepted.ts";
import { BanList } from "./bans.ts";
import { TxPoolError } from "./errors.ts";
import { IndexedHeap } from "./heap.ts";
import type { TxPoolMetrics } from "./metrics.ts";
import { defaultTxPoolOpts } from "./options.ts";
import type { TxPoolOpts } from "./options.ts";
import type {
  FinalizedBlock,
  ImportedBlock,
  TxPoolStatusListener,
  TxStatus,
  TxStatusListener,
  TxValidator,
  ValidTransaction,
} from "./types.ts";

export interface TxPoolDeps {
  validator: TxValidator;
  logger: Logger;
  metrics: TxPoolMetrics | null;
}

interface PoolEntry {
  tx: ValidTransaction;
  hashHex: string;
  /** Submission order: among equal priorities the earlier one is included first and evicted last. */
  seq: number;
  /** In the ready queue (else in the future queue). */
  ready: boolean;
}

/**
 * One sender's transactions. Its ready ones are exactly the nonces `accountNonce .. readyEnd-1`
 * (a chain the runtime can apply in order); any other nonce waits in the future queue.
 */
interface SenderQueue {
  id: string;
  accountNonce: number;
  readyEnd: number;
  byNonce: Map<number, PoolEntry>;
  /** The ready chain's last entry as the eviction heap last saw it (its key must not change while queued). */
  heapTail: PoolEntry | undefined;
}

interface StatusEvent {
  hash: Uint8Array;
  hashHex: string;
  status: TxStatus;
}

interface FinalityWait {
  hash: Uint8Array;
  blockHash: Uint8Array;
  blockNumber: number;
}

// Shared by every event and listener, hence frozen.
const READY: TxStatus = Object.freeze({ type: "ready" });
const FUTURE: TxStatus = Object.freeze({ type: "future" });
const DROPPED: TxStatus = Object.freeze({ type: "dropped" });
const INVALID: TxStatus = Object.freeze({ type: "invalid" });

const TERMINAL = new Set<TxStatus["type"]>(["finalized", "finalityTimeout", "usurped", "dropped", "invalid"]);
/** Statuses with which a transaction leaves the pool (counted in `removed`). */
const LEAVING = new Set<TxStatus["type"]>(["inBlock", "usurped", "dropped", "invalid"]);

/** `a` is a worse transaction than `b`: lower priority, or as high but submitted later. */
function worse(a: PoolEntry, b: PoolEntry): boolean {
  return a.tx.priority < b.tx.priority || (a.tx.priority === b.tx.priority && a.seq > b.seq);
}

/**
 * Substrate-like transaction pool: a ready queue of transactions the next block can include, in
 * nonce chains per sender, and a future queue of those waiting for a missing nonce. It knows
 * nothing of the runtime; the node's `TxValidator` checks transactions against the best state.
 * All methods are synchronous; status listeners run after the pool is consistent again.
 */
export class TxPool implements LocallyAccepted<ValidTransaction> {
  private readonly opts: TxPoolOpts;
  private readonly validator: TxValidator;
  private readonly logger: Logger;
  private readonly metrics: TxPoolMetrics | null;

  private readonly byHash = new Map<string, PoolEntry>();
  private readonly senders = new Map<string, SenderQueue>();
  /** Ready chains by their tail, worst first: eviction takes a tail so no nonce gap is left. */
  private readonly readyTails = new IndexedHeap<SenderQueue>((a, b) => worse(a.heapTail!, b.heapTail!));
  private readonly futureQueue = new IndexedHeap<PoolEntry>(worse);
  private readonly bans: BanList;
  private readyBytes = 0;
  private futureBytes = 0;
  private readyTotal = 0;
  private nextSeq = 0;
  private bestNumber: number;

  private readonly watchers = new Map<string, Set<TxStatusListener>>();
  private readonly statusListeners = new Set<TxPoolStatusListener>();
  private readonly acceptedListeners: Array<(txs: readonly ValidTransaction[]) => void> = [];
  /** Watched transactions included in a block not yet finalized, in inclusion order. */
  private readonly awaitingFinality = new Map<string, FinalityWait>();
  private readonly events: StatusEvent[] = [];
  private flushing = false;

  constructor(opts: Partial<TxPoolOpts>, deps: TxPoolDeps) {
    this.opts = { ...defaultTxPoolOpts, ...opts };
    this.validator = deps.validator;
    this.logger = deps.logger;
    this.metrics = deps.metrics;
    this.bestNumber = this.opts.bestNumber;
    this.bans = new BanList({ banBlocks: this.opts.banBlocks, maxEntries: this.opts.maxBanned });
  }

  get size(): number {
    return this.byHash.size;
  }

  get readyCount(): number {
    return this.readyTotal;
  }

  get futureCount(): number {
    return this.futureQueue.size;
  }

  has(hash: Uint8Array): boolean {
    return this.byHash.has(toHex(hash));
  }

  /** Current status of a pooled transaction, or `inBlock` for a watched one awaiting finality. */
  status(hash: Uint8Array): TxStatus | undefined {
    const hashHex = toHex(hash);
    const entry = this.byHash.get(hashHex);
    if (entry) return entry.ready ? READY : FUTURE;
    const wait = this.awaitingFinality.get(hashHex);
    return wait && { type: "inBlock", blockHash: wait.blockHash };
  }

  /**
   * Validates and adds a transaction; throws `TxPoolError` when it is refused. A replacement
   * (same sender and nonce) needs a strictly higher priority; the replaced one is `usurped`.
   * One that did not arrive by gossip is handed to the `onAccepted` listeners (the network
   * announces it); gossipsub forwards gossiped ones itself.
   */
  submit(bytes: Uint8Array, opts: { origin?: SubmissionOrigin } = {}): ValidTransaction {
    this.metrics?.submitted.inc();
    let tx: ValidTransaction;
    try {
      tx = this.admit(bytes);
      this.logger.debug("Transaction submitted", { hash: tx.hash, sender: tx.sender, nonce: tx.nonce });
    } catch (e) {
      if (e instanceof TxPoolError) {
        this.metrics?.rejected.inc({ code: e.code });
        this.logger.debug("Transaction rejected", { ...e.toObject(), message: e.message });
      }
      throw e;
    } finally {
      this.flush();
    }
    if (opts.origin !== "gossip") for (const listener of this.acceptedListeners) this.call(() => listener([tx]), toHex(tx.hash));
    return tx;
  }

  /**
   * Ready transactions in the order a block author includes them: repeatedly the best of every
   * sender's next nonce (priority, then submission order), so each sender's nonces stay in order.
   */
  ready(): ValidTransaction[] {
    const heads = new IndexedHeap<PoolEntry>((a, b) => worse(b, a));
    for (const sender of this.senders.values()) {
      const head = sender.byNonce.get(sender.accountNonce);
      if (head?.ready) heads.push(head);
    }
    const out: ValidTransaction[] = [];
    for (let best = heads.pop(); best; best = heads.pop()) {
      out.push(best.tx);
      const next = this.senders.get(best.tx.sender)!.byNonce.get(best.tx.nonce + 1);
      if (next?.ready) heads.push(next);
    }
    return out;
  }

  /**
   * The nonce a new transaction of `sender` should carry: the first from `accountNonce` (the
   * chain's) that the sender has no transaction pooled for — what `system_accountNextIndex` answers.
   */
  nextNonce(sender: string, accountNonce: number): number {
    const pooled = new Set<number>();
    for (const entry of this.byHash.values()) if (entry.tx.sender === sender) pooled.add(entry.tx.nonce);
    let next = accountNonce;
    while (pooled.has(next)) next++;
    return next;
  }

  /** Ready transactions in inclusion order, then future ones in submission order. */
  pending(): ValidTransaction[] {
    const future: PoolEntry[] = [];
    for (const entry of this.byHash.values()) if (!entry.ready) future.push(entry);
    future.sort((a, b) => a.seq - b.seq);
    return [...this.ready(), ...future.map((e) => e.tx)];
  }

  /**
   * Takes a new best block into account: included transactions leave with `inBlock` and are
   * banned; every other one is rechecked against the new state (`invalid` when it fails or its
   * mortality ended); future ones whose nonce gap closed become `ready`.
   */
  onBlockImported(block: ImportedBlock): void {
    this.bestNumber = block.number;
    this.bans.expire(block.number);
    const inBlock: TxStatus = { type: "inBlock", blockHash: block.hash };
    let included = 0;
    for (const hash of block.extrinsicHashes) {
      const hashHex = toHex(hash);
      this.bans.ban(hashHex, block.number);
      const entry = this.byHash.get(hashHex);
      if (!entry) continue;
      this.detach(this.senders.get(entry.tx.sender)!, entry);
      this.emit(entry.tx.hash, hashHex, inBlock);
      included++;
    }
    this.expireFinalityWaits(block.number);

    let invalid = 0;
    for (const sender of [...this.senders.values()]) {
      let accountNonce = sender.accountNonce;
      for (const entry of [...sender.byNonce.values()]) {
        const result = this.validator.recheck(entry.tx);
        this.metrics?.validations.inc();
        if (result.ok && entry.tx.validUntil > block.number) {
          accountNonce = result.accountNonce;
          continue;
        }
        this.detach(sender, entry);
        this.emit(entry.tx.hash, entry.hashHex, INVALID);
        // Like on submission, only a definite `INVALID` verdict bans (not `UNKNOWN`).
        if (result.ok || result.error.code === "INVALID") this.bans.ban(entry.hashHex, block.number);
        invalid++;
      }
      this.resetSender(sender, accountNonce);
    }
    this.enforceLimits();
    this.flush();
    this.logger.debug("Transaction pool maintained", {
      number: block.number,
      included,
      invalid,
      ready: this.readyCount,
      future: this.futureCount,
    });
  }

  /** Reports `finalized` to watchers of the transactions included in `block`. */
  onBlockFinalized(block: FinalizedBlock): void {
    for (const hash of block.extrinsicHashes) {
      const hashHex = toHex(hash);
      const wait = this.awaitingFinality.get(hashHex);
      if (!wait) continue;
      this.awaitingFinality.delete(hashHex);
      this.emit(wait.hash, hashHex, { type: "finalized", blockHash: block.hash });
    }
    this.flush();
  }

  /**
   * Removes transactions, e.g. ones the author found failing to apply. `invalid` also bans them.
   * Later nonces of the same sender go back to the future queue. Returns those removed.
   */
  remove(hashes: Uint8Array[], reason: "invalid" | "dropped"): ValidTransaction[] {
    const removed: ValidTransaction[] = [];
    for (const hash of hashes) {
      const entry = this.byHash.get(toHex(hash));
      if (!entry) continue;
      this.removeEntry(entry, reason === "invalid" ? INVALID : DROPPED);
      removed.push(entry.tx);
    }
    this.enforceLimits();
    this.flush();
    return removed;
  }

  /**
   * Calls `listener` on every later status of a pooled transaction until a terminal one
   * (or until the returned function is called). The current status is `status(hash)`: an RPC
   * subscription sends it after its id.
   */
  watch(hash: Uint8Array, listener: TxStatusListener): () => void {
    const hashHex = toHex(hash);
    if (!this.byHash.has(hashHex) && !this.awaitingFinality.has(hashHex)) {
      throw new Error(`transaction ${hashHex} is not in the pool`);
    }
    let set = this.watchers.get(hashHex);
    if (!set) this.watchers.set(hashHex, (set = new Set()));
    set.add(listener);
    return () => {
      const current = this.watchers.get(hashHex);
      if (!current?.delete(listener) || current.size > 0) return;
      this.watchers.delete(hashHex);
      this.awaitingFinality.delete(hashHex);
    };
  }

  /** Calls `listener` with each transaction accepted from a local origin (RPC, the node's own reports). */
  onAccepted(listener: (txs: readonly ValidTransaction[]) => void): void {
    this.acceptedListeners.push(listener);
  }

  /** Calls `listener` on every status of every transaction. */
  onStatus(listener: TxPoolStatusListener): () => void {
    this.statusListeners.add(listener);
    return () => void this.statusListeners.delete(listener);
  }

  private admit(bytes: Uint8Array): ValidTransaction {
    if (bytes.length > this.opts.maxTxBytes) {
      throw TxPoolError.invalid("EXHAUSTS_RESOURCES", `${bytes.length} bytes, the pool takes at most ${this.opts.maxTxBytes}`);
    }
    const hash = blake2b256(bytes);
    const hashHex = toHex(hash);
    if (this.byHash.has(hashHex)) throw new TxPoolError({ code: "ALREADY_IMPORTED", hash: hashHex });
    if (this.bans.isBanned(hashHex, this.bestNumber)) throw new TxPoolError({ code: "TEMPORARILY_BANNED", hash: hashHex });

    const result = this.validator.validate(bytes);
    this.metrics?.validations.inc();
    if (!result.ok) {
      if (result.error.code === "INVALID") this.bans.ban(hashHex, this.bestNumber);
      throw result.error;
    }
    const tx: ValidTransaction = { ...result.tx, hash, bytes };
    if (tx.nonce < result.accountNonce) {
      this.bans.ban(hashHex, this.bestNumber);
      throw TxPoolError.invalid("STALE", `nonce ${tx.nonce}, account nonce ${result.accountNonce}`);
    }
    if (tx.validUntil <= this.bestNumber) {
      this.bans.ban(hashHex, this.bestNumber);
      throw TxPoolError.invalid("OUTDATED", `valid until #${tx.validUntil}, next block #${this.bestNumber + 1}`);
    }
    const existing = this.senders.get(tx.sender)?.byNonce.get(tx.nonce);
    if (existing && tx.priority <= existing.tx.priority) {
      throw new TxPoolError({ code: "PRIORITY_TOO_LOW", old: existing.tx.priority, new: tx.priority });
    }

    const eventsBefore = this.events.length;
    const entry: PoolEntry = { tx, hashHex, seq: this.nextSeq++, ready: false };
    const sender = this.senderFor(tx.sender, result.accountNonce);
    // `existing` survives `senderFor`: only nonces below the account nonce are dropped there.
    if (existing) this.replace(sender, existing, entry);
    else this.insert(sender, entry);
    this.enforceLimits();
    if (!this.byHash.has(hashHex)) {
      // Evicted at once: it never was in the pool as far as listeners are concerned.
      for (let i = this.events.length - 1; i >= eventsBefore; i--) if (this.events[i].hashHex === hashHex) this.events.splice(i, 1);
      throw new TxPoolError({ code: "IMMEDIATELY_DROPPED", hash: hashHex });
    }
    return tx;
  }

  /** The sender's queue, created or brought up to date with the account nonce just validated against. */
  private senderFor(id: string, accountNonce: number): SenderQueue {
    const sender = this.senders.get(id);
    if (!sender) {
      const created: SenderQueue = { id, accountNonce, readyEnd: accountNonce, byNonce: new Map(), heapTail: undefined };
      this.senders.set(id, created);
      return created;
    }
    if (sender.accountNonce !== accountNonce) this.resetSender(sender, accountNonce);
    return sender;
  }

  private insert(sender: SenderQueue, entry: PoolEntry): void {
    const nonce = entry.tx.nonce;
    sender.byNonce.set(nonce, entry);
    this.byHash.set(entry.hashHex, entry);
    if (nonce !== sender.readyEnd) {
      this.enqueue(entry, false);
    } else {
      this.enqueue(entry, true);
      sender.readyEnd++;
      // The newcomer may close a gap: the future nonces after it join the chain.
      for (let next = sender.byNonce.get(sender.readyEnd); next; next = sender.byNonce.get(++sender.readyEnd)) {
        this.requeue(next, true);
      }
    }
    this.settle(sender);
  }

  private replace(sender: SenderQueue, old: PoolEntry, entry: PoolEntry): void {
    sender.byNonce.set(entry.tx.nonce, entry);
    this.byHash.delete(old.hashHex);
    this.byHash.set(entry.hashHex, entry);
    this.dequeue(old);
    this.enqueue(entry, old.ready);
    this.emit(old.tx.hash, old.hashHex, { type: "usurped", by: entry.tx.hash });
    this.settle(sender);
  }

  /**
   * Takes `entry` out of the pool with `status`; if it was in the ready chain, the later nonces
   * go back to the future queue (they cannot be applied without it).
   */
  private removeEntry(entry: PoolEntry, status: TxStatus): void {
    const sender = this.senders.get(entry.tx.sender)!;
    this.detach(sender, entry);
    if (entry.ready) {
      const end = sender.readyEnd;
      sender.readyEnd = entry.tx.nonce;
      for (let nonce = entry.tx.nonce + 1; nonce < end; nonce++) this.requeue(sender.byNonce.get(nonce)!, false);
    }
    this.emit(entry.tx.hash, entry.hashHex, status);
    if (status.type === "invalid") this.bans.ban(entry.hashHex, this.bestNumber);
    this.settle(sender);
  }

  /**
   * Re-derives a sender's queues from its account nonce: lower nonces are stale (`invalid`), the
   * contiguous run from the account nonce is ready, the rest future.
   */
  private resetSender(sender: SenderQueue, accountNonce: number): void {
    sender.accountNonce = accountNonce;
    for (const entry of [...sender.byNonce.values()]) {
      if (entry.tx.nonce >= accountNonce) continue;
      this.detach(sender, entry);
      this.emit(entry.tx.hash, entry.hashHex, INVALID);
      this.bans.ban(entry.hashHex, this.bestNumber);
    }
    let end = accountNonce;
    while (sender.byNonce.has(end)) end++;
    sender.readyEnd = end;
    for (const entry of sender.byNonce.values()) this.requeue(entry, entry.tx.nonce < end);
    this.settle(sender);
  }

  /** Evicts the worst transactions until both queues are within their limits. */
  private enforceLimits(): void {
    const { ready, future } = this.opts;
    while (this.readyTotal > ready.count || this.readyBytes > ready.bytes) {
      this.removeEntry(this.readyTails.peek()!.heapTail!, DROPPED);
    }
    while (this.futureQueue.size > future.count || this.futureBytes > future.bytes) {
      this.removeEntry(this.futureQueue.peek()!, DROPPED);
    }
  }

  /** Removes an entry from the indexes and its queue; the caller keeps the chain consistent. */
  private detach(sender: SenderQueue, entry: PoolEntry): void {
    sender.byNonce.delete(entry.tx.nonce);
    this.byHash.delete(entry.hashHex);
    this.dequeue(entry);
  }

  private enqueue(entry: PoolEntry, ready: boolean): void {
    entry.ready = ready;
    if (ready) {
      this.readyTotal++;
      this.readyBytes += entry.tx.bytes.length;
    } else {
      this.futureBytes += entry.tx.bytes.length;
      this.futureQueue.push(entry);
    }
    this.emit(entry.tx.hash, entry.hashHex, ready ? READY : FUTURE);
  }

  private dequeue(entry: PoolEntry): void {
    if (entry.ready) {
      this.readyTotal--;
      this.readyBytes -= entry.tx.bytes.length;
    } else {
      this.futureBytes -= entry.tx.bytes.length;
      this.futureQueue.remove(entry);
    }
  }

  private requeue(entry: PoolEntry, ready: boolean): void {
    if (entry.ready === ready) return;
    this.dequeue(entry);
    this.enqueue(entry, ready);
  }

  /** Re-keys the sender's ready tail in the eviction heap and forgets an empty sender. */
  private settle(sender: SenderQueue): void {
    const tail = sender.readyEnd > sender.accountNonce ? sender.byNonce.get(sender.readyEnd - 1) : undefined;
    if (tail !== sender.heapTail) {
      this.readyTails.remove(sender);
      sender.heapTail = tail;
      if (tail) this.readyTails.push(sender);
    }
    if (sender.byNonce.size === 0) this.senders.delete(sender.id);
  }

  private expireFinalityWaits(blockNumber: number): void {
    for (const [hashHex, wait] of this.awaitingFinality) {
      if (wait.blockNumber + this.opts.finalityTimeoutBlocks >= blockNumber) break;
      this.awaitingFinality.delete(hashHex);
      this.emit(wait.hash, hashHex, { type: "finalityTimeout", blockHash: wait.blockHash });
    }
  }

  private emit(hash: Uint8Array, hashHex: string, status: TxStatus): void {
    if (status.type === "inBlock" && this.watchers.has(hashHex)) {
      this.awaitingFinality.set(hashHex, { hash, blockHash: status.blockHash, blockNumber: this.bestNumber });
    }
    this.events.push({ hash, hashHex, status });
  }

  /** Delivers queued statuses; a listener that calls back into the pool has its events delivered in the same loop. */
  private flush(): void {
    this.metrics?.readyTransactions.set(this.readyTotal);
    this.metrics?.futureTransactions.set(this.futureQueue.size);
    if (this.flushing) return;
    this.flushing = true;
    try {
      for (let i = 0; i < this.events.length; i++) this.dispatch(this.events[i]);
    } finally {
      this.events.length = 0;
      this.flushing = false;
    }
  }

  private dispatch({ hash, hashHex, status }: StatusEvent): void {
    if (LEAVING.has(status.type)) this.metrics?.removed.inc({ status: status.type });
    for (const listener of this.statusListeners) this.call(() => listener(hash, status), hashHex);
    const watchers = this.watchers.get(hashHex);
    if (!watchers) return;
    if (TERMINAL.has(status.type)) this.watchers.delete(hashHex);
    for (const listener of [...watchers]) this.call(() => listener(status), hashHex);
  }

  private call(fn: () => void, hashHex: string): void {
    try {
      fn();
    } catch (e) {
      this.logger.warn("Transaction pool listener failed", { hash: hashHex }, e);
    }
  }
}
