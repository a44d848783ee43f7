import { toHex, u32ToBytes, utf8 } from "../../primitives/bytes.ts";
import { codecs, type BlockBody, type BlockRef, type Header, type Justification } from "../../primitives/codec/index.ts";
import { BoundedLru } from "../../primitives/lru.ts";
import type { TrieNodeReader } from "../../primitives/trie/nodeStore.ts";
import { Bucket } from "./buckets.ts";
import type { Database } from "./database.ts";
import { Repository, rawBytes, type KeyCodec } from "./repository.ts";

const hashKey: KeyCodec<Uint8Array> = { encode: (h) => h };
const numberKey: KeyCodec<number> = { encode: u32ToBytes };
const metaKey: KeyCodec<ChainMetaKey> = { encode: (k) => utf8(k) };

export type ChainMetaKey = "best" | "finalized" | "genesis";

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
}

/** Every repository of the node's database. */
export class ChainDatabase {
  readonly db: Database;
  readonly header: HeaderRepository;
  readonly blockBody: BlockBodyRepository;
  readonly canonicalHash: CanonicalHashRepository;
  readonly meta: ChainMetaRepository;
  readonly justification: JustificationRepository;
  readonly trieNode: TrieNodeRepository;

  constructor(db: Database) {
    this.db = db;
    this.header = new HeaderRepository(db);
    this.blockBody = new BlockBodyRepository(db);
    this.canonicalHash = new CanonicalHashRepository(db);
    this.meta = new ChainMetaRepository(db);
    this.justification = new JustificationRepository(db);
    this.trieNode = new TrieNodeRepository(db);
  }
}
