import { toHex } from "../bytes.ts";

/** Where a trie reads its nodes: the encoded node by its blake2b-256 hash. */
export interface TrieNodeReader {
  getNode(hash: Uint8Array): Uint8Array | undefined;
}

/** An in-memory node store, for tests, tools and genesis building. */
export class MemoryNodeStore implements TrieNodeReader {
  private readonly nodes = new Map<string, Uint8Array>();

  getNode(hash: Uint8Array): Uint8Array | undefined {
    return this.nodes.get(toHex(hash));
  }

  putNode(hash: Uint8Array, encoded: Uint8Array): void {
    this.nodes.set(toHex(hash), encoded);
  }

  /** Stores the nodes returned by `MerkleTrie.commit()` (or a proof's nodes, keyed by hash). */
  putNodes(nodes: Iterable<readonly [Uint8Array, Uint8Array]>): void {
    for (const [hash, encoded] of nodes) this.putNode(hash, encoded);
  }

  get size(): number {
    return this.nodes.size;
  }
}
