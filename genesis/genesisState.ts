import type { StateChange } from "../runtime/api.ts";

/**
 * The state a runtime genesis is written into: a plain key/value map, without the block overlay's
 * storage transactions (genesis builds nothing it might roll back) and keyed by the key's bytes as
 * a one-byte-per-character string instead of hex — half the memory, and a genesis may hold
 * millions of entries (a `devices.generated` section: docs/scale.md). Latin-1 strings compare
 * code unit by code unit, which is byte order, so sorting the keys sorts the entries by key.
 */
export class GenesisState {
  /**
   * Values by key id; null for a key genesis wrote and removed. The key's bytes are its id's, and
   * values are copied into slabs as they are written: the map is the largest structure of a
   * million-device genesis build, and 3 million value arrays with buffers of their own cost ~0.5 GB
   * more than views into slabs. A value written again leaves its old bytes in a slab; genesis
   * rewrites few keys (a counter, a small list), and values over `SLAB_SIZE / 16` are not slabbed.
   */
  private readonly entries = new Map<string, Uint8Array | null>();
  private readonly pack = slabs();

  get(key: Uint8Array): Uint8Array | undefined {
    return this.entries.get(id(key)) ?? undefined;
  }

  set(key: Uint8Array, value: Uint8Array): void {
    this.entries.set(id(key), this.pack(value));
  }

  delete(key: Uint8Array): void {
    this.entries.set(id(key), null);
  }

  /**
   * Every write, sorted by key; deletions (of keys genesis wrote and removed) left out. Keys are
   * copied into shared slabs too: the entries live until the genesis trie is built, and an array
   * with a buffer of its own costs several times the ~100 bytes of a key. The map empties as
   * the copies are made (and the sorted ids with it), so that the map and the copies are never both
   * whole (a million-device genesis holds 3 million entries: docs/scale.md, "Memory"): called once,
   * it leaves the state empty.
   */
  changes(): StateChange[] {
    const ids = [...this.entries.keys()].sort();
    const out: StateChange[] = [];
    for (let i = 0; i < ids.length; i++) {
      const k = ids[i];
      ids[i] = "";
      const value = this.entries.get(k) as Uint8Array | null;
      this.entries.delete(k);
      if (value !== null) out.push({ key: this.pack(Buffer.from(k, "latin1")), value });
    }
    return out;
  }
}

const SLAB_SIZE = 65536;

/** Copies arrays into shared slabs (larger ones keep their own buffer). */
function slabs(): (bytes: Uint8Array) => Uint8Array {
  let slab = new Uint8Array(SLAB_SIZE);
  let offset = 0;
  return (bytes) => {
    if (bytes.length > SLAB_SIZE / 16) return bytes.slice();
    if (offset + bytes.length > SLAB_SIZE) {
      slab = new Uint8Array(SLAB_SIZE);
      offset = 0;
    }
    const out = slab.subarray(offset, offset + bytes.length);
    out.set(bytes);
    offset += bytes.length;
    return out;
  };
}

function id(key: Uint8Array): string {
  return Buffer.from(key.buffer, key.byteOffset, key.length).toString("latin1");
}
