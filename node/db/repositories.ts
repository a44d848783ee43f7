import { bytesToU32, concatBytes, toHex, u32ToBytes, utf8 } from "../../primitives/bytes.ts";
import { codecs, type BlockBody, type BlockRef, type Header, type Justification } from "../../primitives/codec/index.ts";
import { BoundedLru } from "../../primitives/lru.ts";
import type { TrieNodeReader } from "../../primitives/trie/nodeStore.ts";
import { Bucket } from "./buckets.ts";
import type { Database, DbBatchOp } from "./database.ts";
import { Repository, rawBytes, type KeyCodec, type RepoValueCodec } from "./repository.ts";

const hashKey: KeyCodec<Uint8Array> = { encode: (h) => h };
const numberKey: KeyCodec<number> = { encode: u32ToBytes };
const metaKey: KeyCodec<ChainMetaKey> = { encode: (k) => utf8(k) };

/**
 * `stateKeptFrom`: the lowest canonical block whose state is kept (state pruning); `bodiesKeptFrom`:
 * the lowest canonical block whose body may still be stored (`--blocks-pruning <n>`).
 */
export type ChainMetaKey = "best" | "finalized" | "genesis" | "stateKeptFrom" | "bodiesKeptFrom";

export class HeaderRepository extends Repository<Uint8Array, Header> {
  constructor(db: Database) {
    super(db, Bucket.header, hashKey, codecs.header);
  }
}

export class BlockBodyRepository extends Repository<Uint8Array, BlockBody> {
  constructor(db: Database) {
    super(db, Bucket.blockBody, hashKey, codecs.blockBody);
  }
}

export class CanonicalHashRepository extends Repository<number, Uint8Array> {
  constructor(db: Database) {
    super(db, Bucket.canonicalHash, numberKey, rawBytes);
  }
}

export class ChainMetaRepository extends Repository<ChainMetaKey, BlockRef> {
  constructor(db: Database) {
    super(db, Bucket.chainMeta, metaKey, codecs.blockRef);
  }
}

export class JustificationRepository extends Repository<Uint8Array, Justification> {
  constructor(db: Database) {
    super(db, Bucket.justification, hashKey, codecs.justification);
  }
}

/**
 * Trie nodes by hash, read synchronously by the state trie. Recently used nodes are cached:
 * the upper levels of the trie are on every path, and a block touches thousands of paths.
 * 200,000 nodes of ~100–600 bytes stay well under 100 MiB.
 */
const TRIE_NODE_CACHE_SIZE = 200_000;

export class TrieNodeRepository extends Repository<Uint8Array, Uint8Array> implements TrieNodeReader {
  private readonly cache = new BoundedLru<string, Uint8Array>(TRIE_NODE_CACHE_SIZE);

  constructor(db: Database) {
    super(db, Bucket.trieNode, hashKey, rawBytes);
  }

  getNode(hash: Uint8Array): Uint8Array | undefined {
    const id = toHex(hash);
    const cached = this.cache.get(id);
    if (cached) return cached;
    const node = this.getSync(hash);
    if (node) this.cache.set(id, node);
    return node;
  }

  /** Remembers nodes just written so the next block reads them without touching LevelDB. */
  cacheNodes(nodes: Array<[Uint8Array, Uint8Array]>): void {
    for (const [hash, node] of nodes) this.cache.set(toHex(hash), node);
  }

  /** Forgets nodes just deleted from the database (pruned). */
  evict(hashes: Iterable<string>): void {
    for (const id of hashes) this.cache.delete(id);
  }
}

const u32Value: RepoValueCodec<number> = { encode: u32ToBytes, decode: bytesToU32 };

/** Reference counts of trie nodes by hash (state pruning; see node/chain/statePruner.ts). */
export class TrieNodeRefRepository extends Repository<Uint8Array, number> {
  constructor(db: Database) {
    super(db, Bucket.trieNodeRefs, hashKey, u32Value);
  }
}

/** What one block did to the trie: node occurrences it inserted, stored node occurrences it replaced. */
export interface StateJournal {
  inserted: Uint8Array[];
  removed: Uint8Array[];
}

/** A block not yet settled by finality: its number and hash (the key of its journal). */
export interface JournalKey {
  number: number;
  hash: Uint8Array;
}

const HASH_BYTES = 32;

/** `u32 count | hashes | u32 count | hashes`, each hash 32 bytes. */
export const stateJournalCodec: RepoValueCodec<StateJournal> = {
  encode: ({ inserted, removed }) => {
    const out = new Uint8Array(8 + HASH_BYTES * (inserted.length + removed.length));
    const view = new DataView(out.buffer);
    let at = 0;
    for (const list of [inserted, removed]) {
      view.setUint32(at, list.length);
      at += 4;
      for (const hash of list) {
        if (hash.length !== HASH_BYTES) throw new Error(`a journal hash of ${hash.length} bytes`);
        out.set(hash, at);
        at += HASH_BYTES;
      }
    }
    return out;
  },
  decode: (bytes) => {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let at = 0;
    const list = (): Uint8Array[] => {
      if (at + 4 > bytes.length) throw new Error("a truncated state journal");
      const count = view.getUint32(at);
      at += 4;
      if (at + count * HASH_BYTES > bytes.length) throw new Error("a truncated state journal");
      const out: Uint8Array[] = [];
      for (let i = 0; i < count; i++, at += HASH_BYTES) out.push(bytes.slice(at, at + HASH_BYTES));
      return out;
    };
    const inserted = list();
    const removed = list();
    if (at !== bytes.length) throw new Error("trailing bytes after a state journal");
    return { inserted, removed };
  },
};

const journalKey: KeyCodec<JournalKey> = { encode: (k) => concatBytes(u32ToBytes(k.number), k.hash) };

/** Per-block state journals of the blocks finality has not settled yet, by (number, hash). */
export class StateJournalRepository extends Repository<JournalKey, StateJournal> {
  constructor(db: Database) {
    super(db, Bucket.stateJournal, journalKey, stateJournalCodec);
  }

  /** Every stored journal's key, in (number, hash) order, values unread. */
  async keys(): Promise<JournalKey[]> {
    const out: JournalKey[] = [];
    for await (const key of this.db.keys(Uint8Array.of(Bucket.stateJournal))) out.push({ number: bytesToU32(key.subarray(1, 5)), hash: key.slice(5) });
    return out;
  }
}

/** How the database keeps states, fixed when it is created: `archive` or `pruned`. */
export type StoredStateMode = "archive" | "pruned";

const STATE_MODE_KEY = "statePruning";

/** The state-pruning mode the database was created with, in the chain meta bucket. */
export class StateModeRepository extends Repository<typeof STATE_MODE_KEY, StoredStateMode> {
  constructor(db: Database) {
    super(db, Bucket.chainMeta, { encode: (k) => utf8(k) }, stateModeValue);
  }

  read(): StoredStateMode | undefined {
    return this.getSync(STATE_MODE_KEY);
  }

  writeOp(mode: StoredStateMode): DbBatchOp {
    return this.putOp(STATE_MODE_KEY, mode);
  }
}

const stateModeValue: RepoValueCodec<StoredStateMode> = {
  encode: (mode) => utf8(mode),
  decode: (bytes) => {
    const text = new TextDecoder().decode(bytes);
    if (text !== "archive" && text !== "pruned") throw new Error(`an unknown stored state-pruning mode "${text}"`);
    return text;
  },
};

/** Every repository of the node's database. */
export class ChainDatabase {
  readonly db: Database;
  readonly header: HeaderRepository;
  readonly blockBody: BlockBodyRepository;
  readonly canonicalHash: CanonicalHashRepository;
  readonly meta: ChainMetaRepository;
  readonly justification: JustificationRepository;
  readonly trieNode: TrieNodeRepository;
  readonly trieNodeRefs: TrieNodeRefRepository;
  readonly stateJournal: StateJournalRepository;
  readonly stateMode: StateModeRepository;

  constructor(db: Database) {
    this.db = db;
    this.header = new HeaderRepository(db);
    this.blockBody = new BlockBodyRepository(db);
    this.canonicalHash = new CanonicalHashRepository(db);
    this.meta = new ChainMetaRepository(db);
    this.justification = new JustificationRepository(db);
    this.trieNode = new TrieNodeRepository(db);
    this.trieNodeRefs = new TrieNodeRefRepository(db);
    this.stateJournal = new StateJournalRepository(db);
    this.stateMode = new StateModeRepository(db);
  }
}
