import { toHex } from "../../primitives/bytes.ts";

/** What the runtime sees of the state: synchronous key/value access, nothing else. */
export interface StateReader {
  get(key: Uint8Array): Uint8Array | undefined;
}

/** A state that can also list the entries under a key prefix, in ascending key order, optionally from above a key. */
export interface IterableStateReader extends StateReader {
  entries(prefix?: Uint8Array, after?: Uint8Array): IterableIterator<[Uint8Array, Uint8Array]>;
}

export interface State extends StateReader {
  set(key: Uint8Array, value: Uint8Array): void;
  delete(key: Uint8Array): void;
}

/** A pending write: a value, or `null` for a deletion. */
export type StateChange = { key: Uint8Array; value: Uint8Array | null };

interface Entry {
  key: Uint8Array;
  value: Uint8Array | null;
}

/**
 * The block's write overlay above the parent state, with nested storage transactions
 * (Substrate's `with_transaction`): every write made inside a transaction is journaled so that
 * a failing call rolls back exactly its own writes. Reads hit the overlay first, then the base.
 */
export class OverlayState implements State {
  private readonly base: StateReader | IterableStateReader;
  private readonly writes = new Map<string, Entry>();
  /** One undo journal per open transaction: the entries' previous states. */
  private readonly journals: Array<Array<[string, Entry | undefined]>> = [];

  constructor(base: StateReader | IterableStateReader) {
    this.base = base;
  }

  get(key: Uint8Array): Uint8Array | undefined {
    const entry = this.writes.get(toHex(key));
    if (entry) return entry.value ?? undefined;
    return this.base.get(key);
  }

  set(key: Uint8Array, value: Uint8Array): void {
    this.write(key, value);
  }

  delete(key: Uint8Array): void {
    this.write(key, null);
  }

  private write(key: Uint8Array, value: Uint8Array | null): void {
    const id = toHex(key);
    const journal = this.journals[this.journals.length - 1];
    if (journal) journal.push([id, this.writes.get(id)]);
    this.writes.set(id, { key, value });
  }

  startTransaction(): void {
    this.journals.push([]);
  }

  commitTransaction(): void {
    const journal = this.journals.pop();
    if (!journal) throw new Error("no open storage transaction");
    const parent = this.journals[this.journals.length - 1];
    if (parent) for (const undo of journal) parent.push(undo);
  }

  rollbackTransaction(): void {
    const journal = this.journals.pop();
    if (!journal) throw new Error("no open storage transaction");
    for (let i = journal.length - 1; i >= 0; i--) {
      const [id, previous] = journal[i];
      if (previous) this.writes.set(id, previous);
      else this.writes.delete(id);
    }
  }

  /** Runs `fn` in a storage transaction: committed if it returns, rolled back if it throws. */
  transactional<R>(fn: () => R): R {
    this.startTransaction();
    try {
      const result = fn();
      this.commitTransaction();
      return result;
    } catch (e) {
      this.rollbackTransaction();
      throw e;
    }
  }

  /**
   * Entries under `prefix` in ascending key order (with `after`, only the keys above it): the
   * base state's, with this overlay's writes and deletions applied. Requires a base that can
   * iterate (the trie).
   */
  *entries(prefix: Uint8Array = new Uint8Array(0), after?: Uint8Array): IterableIterator<[Uint8Array, Uint8Array]> {
    if (!("entries" in this.base)) throw new Error("the base state cannot iterate");
    const id = toHex(prefix);
    const afterId = after === undefined ? "" : toHex(after);
    // Lower-case hex strings sort exactly like the bytes they encode.
    const pending = [...this.writes.entries()].filter(([k]) => k.startsWith(id) && k > afterId).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    let i = 0;
    for (const [key, value] of this.base.entries(prefix, after)) {
      const kid = toHex(key);
      for (; i < pending.length && pending[i][0] < kid; i++) if (pending[i][1].value) yield [pending[i][1].key, pending[i][1].value as Uint8Array];
      if (i < pending.length && pending[i][0] === kid) {
        if (pending[i][1].value) yield [pending[i][1].key, pending[i][1].value as Uint8Array];
        i++;
        continue;
      }
      yield [key, value];
    }
    for (; i < pending.length; i++) if (pending[i][1].value) yield [pending[i][1].key, pending[i][1].value as Uint8Array];
  }

  /** All pending writes, sorted by key so that applying them is deterministic. */
  changes(): StateChange[] {
    if (this.journals.length > 0) throw new Error("storage transaction still open");
    return [...this.writes.keys()].sort().map((id) => {
      const e = this.writes.get(id) as Entry;
      return { key: e.key, value: e.value };
    });
  }
}
