/**
 * Fair share of the event loop between RPC connections.
 *
 * Every piece of RPC work (parsing a message, running a 32-call chunk of a batch) first asks for
 * a turn, stating its cost in units (about one cheap call each). While the server keeps up, turns
 * are given at once and nothing changes. Once more than `unitsPerTick` arrive in one event-loop
 * iteration, turns queue and are handed out one per iteration in start-time fair queuing order:
 * a connection's place is the virtual time at which its previous work ended, so connections with
 * a backlog share the server evenly, and between two turns the event loop runs its timers (block
 * authoring) and I/O. A connection at most `lightUnits` ahead of the virtual clock — a client
 * making a call now and then — skips the queue altogether, so a flood does not delay it by more
 * than the slice of work running when its message arrives.
 *
 * Large messages are also bulk jobs (`bulk`): only `maxBulk` run at once, which bounds the memory
 * a flood of large batches keeps live however many connections send them.
 */

interface Waiter {
  start: number;
  seq: number;
  resolve: () => void;
}

export interface FairSchedulerOpts {
  /** Units given at once within one event-loop iteration before turns start queueing. */
  unitsPerTick: number;
  /**
   * How far ahead of the clock (in units) a connection may be and still skip the queue: a client
   * making a few calls in a row, while every connection with a backlog is a whole turn ahead.
   */
  lightUnits: number;
  /** Bulk jobs (large batches) that may be in progress at once; more wait their turn, in arrival order. */
  maxBulk: number;
}

export const defaultFairSchedulerOpts: Readonly<FairSchedulerOpts> = Object.freeze({
  // 64 units, ~0.2 ms of calls: any ordinary load runs exactly as without a scheduler, and one
  // iteration does no more than that before timers (block authoring) and other connections run.
  unitsPerTick: 64,
  // Four calls in a row (two units each: the parse and the call) skip the queue; a batch chunk is 32.
  lightUnits: 8,
  // A 1,024-call batch holds ~1 MB of parsed calls and results until it is answered; 64
  // connections flooding such batches, all in progress, kept ~150 MB live and every
  // young-generation collection copying it (20 ms pauses, measured with the rpcFlood benchmark).
  // Two keep the event loop busy (one runs while the other awaits an asynchronous handler) and
  // the live set near 2 MB. (A large single call gives its place back once dispatched: see
  // `bulk`.)
  maxBulk: 2,
});

/** A binary min-heap of waiters by (start tag, arrival). */
class WaiterHeap {
  private readonly items: Waiter[] = [];

  get size(): number {
    return this.items.length;
  }

  push(w: Waiter): void {
    const a = this.items;
    a.push(w);
    for (let i = a.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (!before(a[i], a[parent])) break;
      [a[i], a[parent]] = [a[parent], a[i]];
      i = parent;
    }
  }

  pop(): Waiter | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last) {
      a[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && before(a[l], a[m])) m = l;
        if (r < a.length && before(a[r], a[m])) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m], a[i]];
        i = m;
      }
    }
    return top;
  }
}

function before(a: Waiter, b: Waiter): boolean {
  return a.start < b.start || (a.start === b.start && a.seq < b.seq);
}

export class FairScheduler {
  private readonly opts: FairSchedulerOpts;
  private readonly queue = new WaiterHeap();
  /** Virtual time each connection's work so far ends at. */
  private readonly finish = new WeakMap<object, number>();
  /** Virtual time: the largest start tag served so far. */
  private clock = 0;
  private seq = 0;
  /** Units given at once in the current event-loop iteration. */
  private tickUnits = 0;
  private tickResetPending = false;
  private drainPending = false;
  private bulkRunning = 0;
  private readonly bulkWaiting: (() => void)[] = [];

  constructor(opts: FairSchedulerOpts) {
    this.opts = opts;
  }

  /**
   * Asks for a turn for `units` of work on behalf of `owner` (the connection). Returns null
   * when the work may run now, otherwise a promise that resolves when its turn comes; the
   * caller then does that work synchronously (up to its next await).
   */
  turn(owner: object, units: number): Promise<void> | null {
    const start = Math.max(this.finish.get(owner) ?? 0, this.clock);
    this.finish.set(owner, start + units);
    // A connection at most `lightUnits` ahead of the clock has used no more than its share: it need not queue.
    if ((this.queue.size === 0 || start <= this.clock + this.opts.lightUnits) && this.tickUnits < this.opts.unitsPerTick) {
      this.tickUnits += units;
      this.clock = Math.max(this.clock, start);
      if (!this.tickResetPending) {
        this.tickResetPending = true;
        setImmediate(() => {
          this.tickResetPending = false;
          this.tickUnits = 0;
        });
      }
      return null;
    }
    const turn = new Promise<void>((resolve) => this.queue.push({ start, seq: this.seq++, resolve }));
    this.scheduleDrain();
    return turn;
  }

  /**
   * Runs `job` once fewer than `maxBulk` bulk jobs are in progress. Whatever a job holds while it
   * runs (a large batch's results) is then held by a few jobs at a time, however many connections
   * send them, which keeps the live heap, and with it garbage-collection pauses, small. A job may
   * give its place back early (`release`) once what it holds no longer grows: a large single call
   * waiting on its handler (a gateway's `pog_submitReadings` while the BLS core verifies it), so
   * that pipelined submissions keep the verification workers fed.
   */
  async bulk<T>(job: (release: () => void) => Promise<T>): Promise<T> {
    if (this.bulkRunning >= this.opts.maxBulk) await new Promise<void>((resolve) => this.bulkWaiting.push(resolve));
    else this.bulkRunning++;
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      // The slot passes straight to the next waiter, if any.
      const next = this.bulkWaiting.shift();
      if (next) next();
      else this.bulkRunning--;
    };
    try {
      return await job(release);
    } finally {
      release();
    }
  }

  private scheduleDrain(): void {
    if (this.drainPending) return;
    this.drainPending = true;
    setImmediate(() => {
      this.drainPending = false;
      const next = this.queue.pop();
      if (!next) return;
      // Light connections served out of order may have moved the clock past this one's start.
      this.clock = Math.max(this.clock, next.start);
      next.resolve();
      if (this.queue.size > 0) this.scheduleDrain();
    });
  }
}
