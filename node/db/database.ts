import { ClassicLevel } from "classic-level";
import { ArkreenError } from "../../primitives/errors.ts";

export type DbBatchOp = { type: "put"; key: Uint8Array; value: Uint8Array } | { type: "del"; key: Uint8Array };

export type DatabaseErrorType =
  | { code: "OPEN_FAILED"; path: string; reason: string }
  | { code: "WRITE_FAILED"; reason: string; diskFull: boolean };

export class DatabaseError extends ArkreenError<DatabaseErrorType> {}

/** The embedded LevelDB (classic-level) holding every bucket; keys and values are raw bytes. */
export class Database {
  private readonly db: ClassicLevel<Uint8Array, Uint8Array>;
  readonly path: string;

  private constructor(path: string) {
    this.path = path;
    this.db = new ClassicLevel<Uint8Array, Uint8Array>(path, { keyEncoding: "view", valueEncoding: "view" });
  }

  static async open(path: string): Promise<Database> {
    const database = new Database(path);
    try {
      await database.db.open();
    } catch (e) {
      const cause = (e as { cause?: Error }).cause;
      throw new DatabaseError({ code: "OPEN_FAILED", path, reason: (cause ?? (e as Error)).message }, `cannot open database at ${path}: ${(cause ?? (e as Error)).message}`);
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
    try {
      await this.db.batch(ops);
    } catch (e) {
      const message = ((e as { cause?: Error }).cause ?? (e as Error)).message;
      throw new DatabaseError({ code: "WRITE_FAILED", reason: message, diskFull: /ENOSPC|No space left/i.test(message) }, `database write failed: ${message}`);
    }
  }

  /** Entries whose key starts with `prefix`, in key order. */
  async *entries(prefix: Uint8Array): AsyncGenerator<[Uint8Array, Uint8Array]> {
    const upper = Uint8Array.from(prefix);
    let i = upper.length - 1;
    while (i >= 0 && upper[i] === 0xff) i--;
    const range = i < 0 ? { gte: prefix } : { gte: prefix, lt: (upper[i]++, upper.subarray(0, i + 1)) };
    for await (const entry of this.db.iterator(range)) yield entry;
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}
