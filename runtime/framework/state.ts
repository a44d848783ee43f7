import { toHex } from "../../primitives/bytes.ts";

/** What the runtime sees of the state: synchronous key/value access, nothing else. */
export interface StateReader {
  get(key: Uint8Array): Uint8Array | undefined;
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
  private readonly base: StateReader;
  private readonly entries = new Map<string, Entry>();
  /** One undo journal per open transaction: the entries' previous states. */
  private readonly journals: Array<Array<[string, Entry | undefined]>> = [];

  constructor(base: StateReader) {
    this.base = base;
  }

  get(key: Uint8Array): Uint8Array | undefined {
    const entry = this.entries.get(toHex(key));
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
    if (journal) journal.push([id, this.entries.get(id)]);
    this.entries.set(id, { key, value });
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
      if (previous) this.entries.set(id, previous);
      else this.entries.delete(id);
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

  /** All pending writes, sorted by key so that applying them is deterministic. */
  changes(): StateChange[] {
    if (this.journals.length > 0) throw new Error("storage transaction still open");
    return [...this.entries.keys()].sort().map((id) => {
      const e = this.entries.get(id) as Entry;
      return { key: e.key, value: e.value };
    });
  }
}
