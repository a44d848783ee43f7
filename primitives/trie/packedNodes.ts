/**
 * Smallest and largest chunk a `PackedTrieNodes` appends to. Each new chunk is as large as all the
 * bytes so far, within these bounds: a dev genesis (a few hundred nodes) takes one 64 KiB chunk,
 * and a million-device genesis (4 million nodes, ~1.5 GB of hashes and encodings) ~100 chunks of
 * 16 MiB — few enough that their count costs nothing, small enough that the unused tail of a chunk
 * (a record that does not fit starts the next one) wastes at most a few MB.
 */
const MIN_CHUNK = 64 * 1024;
const MAX_CHUNK = 16 * 1024 * 1024;
const HASH_LENGTH = 32;
/** Index slots per node: chunk, offset of its hash (its encoding follows), encoding length. */
const STRIDE = 3;

/**
 * Trie nodes as [hash, encoding], in the order they were pushed, packed into a few large buffers
 * with an offset index: no object per node. An array of `[hash, encoding]` tuples costs an array
 * and two typed-array views (and an ArrayBuffer per encoding) per node, ~1 GB of heap for the
 * 4 million nodes of a million-device genesis, which the node holds until it has written them
 * (node/chain/genesisWrite.ts; docs/scale.md, "Memory"). `hash(i)`/`node(i)` are views into the
 * buffers; iterating yields `[hash, encoding]` views one at a time.
 */
export class PackedTrieNodes implements Iterable<[Uint8Array, Uint8Array]> {
  private readonly chunks: Uint8Array[] = [];
  private index = new Uint32Array(1024 * STRIDE);
  private count = 0;
  private used = 0;
  private bytes = 0;

  get length(): number {
    return this.count;
  }

  push(hash: Uint8Array, encoded: Uint8Array): void {
    if (hash.length !== HASH_LENGTH) throw new RangeError(`PackedTrieNodes: a ${hash.length}-byte hash`);
    const size = HASH_LENGTH + encoded.length;
    let chunk = this.chunks.at(-1);
    if (!chunk || this.used + size > chunk.length) {
      chunk = new Uint8Array(Math.max(size, Math.min(MAX_CHUNK, Math.max(MIN_CHUNK, this.bytes))));
      this.chunks.push(chunk);
      this.used = 0;
    }
    chunk.set(hash, this.used);
    chunk.set(encoded, this.used + HASH_LENGTH);
    if ((this.count + 1) * STRIDE > this.index.length) {
      const grown = new Uint32Array(this.index.length * 2);
      grown.set(this.index);
      this.index = grown;
    }
    const at = this.count * STRIDE;
    this.index[at] = this.chunks.length - 1;
    this.index[at + 1] = this.used;
    this.index[at + 2] = encoded.length;
    this.count++;
    this.used += size;
    this.bytes += size;
  }

  hash(i: number): Uint8Array {
    const at = this.slot(i);
    const offset = this.index[at + 1];
    return this.chunks[this.index[at]].subarray(offset, offset + HASH_LENGTH);
  }

  node(i: number): Uint8Array {
    const at = this.slot(i);
    const offset = this.index[at + 1] + HASH_LENGTH;
    return this.chunks[this.index[at]].subarray(offset, offset + this.index[at + 2]);
  }

  *[Symbol.iterator](): Iterator<[Uint8Array, Uint8Array]> {
    for (let i = 0; i < this.count; i++) yield [this.hash(i), this.node(i)];
  }

  private slot(i: number): number {
    if (!Number.isInteger(i) || i < 0 || i >= this.count) throw new RangeError(`PackedTrieNodes: no node ${i} of ${this.count}`);
    return i * STRIDE;
  }
}
