import { ClassicLevel } from "classic-level";
import { ArkreenError } from "../../primitives/errors.ts";

export type DbBatchOp = { type: "put"; key: Uint8Array; value: Uint8Array } | { type: "del"; key: Uint8Array };

/**
 * `DISK_FULL`: a write failed with ENOSPC. `WRITE_FAILED`: any other write failure (I/O error,
 * read-only file system, LevelDB's background error after a failed compaction).
 */
export type DatabaseErrorType =
  | { code: "OPEN_FAILED"; path: string; reason: string }
  | { code: "LOCKED"; path: string }
  | { code: "DISK_FULL"; path: string; reason: string }
  | { code: "WRITE_FAILED"; path: string; reason: string };

export class DatabaseError extends ArkreenError<DatabaseErrorType> {}

/** The error of a failed write: `DISK_FULL` when the cause is ENOSPC. */
export function writeError(path: string, reason: string): DatabaseError {
  return /ENOSPC|No space left on device/i.test(reason)
    ? new DatabaseError({ code: "DISK_FULL", path, reason }, `database write failed: no space left on device at ${path} (${reason})`)
    : new DatabaseError({ code: "WRITE_FAILED", path, reason }, `database write failed at ${path}: ${reason}`);
}

/**
 * The embedded LevelDB (classic-level) holding every bucket; keys and values are raw bytes.
 *
 * The first failed write is final: every later batch fails with the same error, and the
 * write-failure listener (the node's fatal path) hears of it once. After a failed write LevelDB's
 * log may end in a torn record and the caller's in-memory view (heads, votes) is ahead of or
 * beside what is stored; writing on would store blocks or votes on top of something missing.
 */
export class Database {
  private readonly db: ClassicLevel<Uint8Array, Uint8Array>;
  readonly path: string;
  private writeFailure: DatabaseError | null = null;
  private writeFailureListener: ((error: DatabaseError) => void) | null = null;

  private constructor(path: string) {
    this.path = path;
    this.db = new ClassicLevel<Uint8Array, Uint8Array>(path, { keyEncoding: "view", valueEncoding: "view" });
  }

  static async open(path: string): Promise<Database> {
    const database = new Database(path);
    try {
      await database.db.open();
    } catch (e) {
      const cause = (e as { cause?: Error & { code?: string } }).cause ?? (e as Error);
      // LevelDB's LOCK file: another process (a running node) has the database open.
      if ((cause as { code?: string }).code === "LEVEL_LOCKED") {
        throw new DatabaseError({ code: "LOCKED", path }, `the database at ${path} is in use by another process (a running node?): stop it first`);
      }
      const reason = cause.message;
      // Opening writes (the log, the manifest): on a full disk that is a full disk, not a bad database.
      const full = writeError(path, reason);
      if (full.code === "DISK_FULL") throw full;
      throw new DatabaseError({ code: "OPEN_FAILED", path, reason }, `cannot open database at ${path}: ${reason}`);
    }
    return database;
  }

  getSync(key: Uint8Array): Uint8Array | undefined {
    return this.db.getSync(key);
  }

  async get(key: Uint8Array): Promise<Uint8Array | undefined> {
    return this.db.get(key);
  }

  /** Writes every operation or none (LevelDB's atomic write batch). */
  async batch(ops: DbBatchOp[]): Promise<void> {
    if (this.writeFailure) throw this.writeFailure;
    try {
      await this.db.batch(ops);
    } catch (e) {
      if (this.writeFailure) throw this.writeFailure;
      const failure = writeError(this.path, ((e as { cause?: Error }).cause ?? (e as Error)).message);
      this.writeFailure = failure;
      this.writeFailureListener?.(failure);
      throw failure;
    }
  }

  /** Registers the listener told (once) of the first failed write; at once if a write already failed. */
  onWriteFailure(listener: (error: DatabaseError) => void): void {
    this.writeFailureListener = listener;
    if (this.writeFailure) listener(this.writeFailure);
  }

  /** Entries whose key starts with `prefix`, in key order. */
  async *entries(prefix: Uint8Array): AsyncGenerator<[Uint8Array, Uint8Array]> {
    const upper = Uint8Array.from(prefix);
    let i = upper.length - 1;
    while (i >= 0 && upper[i] === 0xff) i--;
    const range = i < 0 ? { gte: prefix } : { gte: prefix, lt: (upper[i]++, upper.subarray(0, i + 1)) };
    for await (const entry of this.db.iterator(range)) yield entry;
  }

  /** Keys (values unread) that start with `prefix`, in key order. */
  async *keys(prefix: Uint8Array): AsyncGenerator<Uint8Array> {
    const upper = Uint8Array.from(prefix);
    let i = upper.length - 1;
    while (i >= 0 && upper[i] === 0xff) i--;
    const range = i < 0 ? { gte: prefix } : { gte: prefix, lt: (upper[i]++, upper.subarray(0, i + 1)) };
    for await (const key of this.db.keys(range)) yield key;
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}
