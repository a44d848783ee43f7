import type { Header } from "../../primitives/codec/index.ts";
import type { TrieNodeReader } from "../../primitives/trie/nodeStore.ts";
import type { HeadInfo } from "./types.ts";

/**
 * What block import reads of the chain besides the block itself: headers (parent, ancestry back
 * to the finalized head), trie nodes (the parent's state) and the canonical index (a new best
 * block's reorg), and the best head it is compared with.
 */
export interface ImportView {
  header(hash: Uint8Array): Header | undefined;
  readonly nodes: TrieNodeReader;
  canonicalHash(number: number): Uint8Array | undefined;
  readonly best: HeadInfo;
}

/**
 * Blocks verified but not yet written, over the committed chain: a synced range is imported
 * with one LevelDB batch (`Chain.importBlocks`), so block k + 1 is verified against block k's
 * header, state and canonical entry before either is in the database. Nothing here is visible
 * outside the import that stages it: RPC, gossip and finality read the committed chain only,
 * and a range that is never written leaves no trace (content-addressed nodes included).
 */
export class StagedBlocks implements ImportView {
  private readonly base: ImportView;
  private readonly headers = new Map<string, Header>();
  private readonly trieNodes = new Map<string, Uint8Array>();
  private readonly canonical = new Map<number, Uint8Array>();
  private head: HeadInfo;

  constructor(base: ImportView) {
    this.base = base;
    this.head = base.best;
  }

  get best(): HeadInfo {
    return this.head;
  }

  get nodes(): TrieNodeReader {
    return this;
  }

  header(hash: Uint8Array): Header | undefined {
    return this.headers.get(idOf(hash)) ?? this.base.header(hash);
  }

  getNode(hash: Uint8Array): Uint8Array | undefined {
    return this.trieNodes.get(idOf(hash)) ?? this.base.nodes.getNode(hash);
  }

  canonicalHash(number: number): Uint8Array | undefined {
    if (number > this.head.number) return undefined;
    return this.canonical.get(number) ?? this.base.canonicalHash(number);
  }

  /**
   * Stages a verified block: its header and nodes, and, when it is the new best, the canonical
   * entries its import writes (`canonical`: number and hash, itself and any reorged ancestors).
   */
  add(hash: Uint8Array, header: Header, nodes: ReadonlyArray<readonly [Uint8Array, Uint8Array]>, canonical: ReadonlyArray<readonly [number, Uint8Array]> | null): void {
    this.headers.set(idOf(hash), header);
    for (const [h, node] of nodes) this.trieNodes.set(idOf(h), node);
    if (canonical === null) return;
    for (const [number, h] of canonical) this.canonical.set(number, h);
    this.head = { hash, number: header.number, header };
  }
}

/** A hash as a Latin-1 string: a cheap map key (as the chain's header cache keys). */
function idOf(hash: Uint8Array): string {
  return Buffer.from(hash.buffer, hash.byteOffset, hash.byteLength).toString("latin1");
}
