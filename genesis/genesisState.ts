import type { StateChange } from "../runtime/api.ts";

/**
 * The state a runtime genesis is written into: a plain key/value map, without the block overlay's
 * storage transactions (genesis builds nothing it might roll back) and keyed by the key's bytes as
 * a one-byte-per-character string instead of hex — half the memory, and a genesis may hold
 * millions of entries (a `devices.generated` section: docs/scale.md). Latin-1 strings compare
 * code unit by code unit, which is byte order, so sorting the keys sorts the entries by key.
 */
export class GenesisState {
  private readonly entries = new Map<string, { key: Uint8Array; value: Uint8Array | null }>();

  get(key: Uint8Array): Uint8Array | undefined {
    return this.entries.get(id(key))?.value ?? undefined;
  }

  set(key: Uint8Array, value: Uint8Array): void {
    this.entries.set(id(key), { key, value });
  }

  delete(key: Uint8Array): void {
    this.entries.set(id(key), { key, value: null });
  }

  /**
   * Every write, sorted by key; deletions (of keys genesis wrote and removed) left out. Keys and
   * values are copied into shared slabs: the entries live until the genesis trie is built, and an
   * array with a buffer of its own costs several times the ~100 bytes of a key.
   */
  changes(): StateChange[] {
    const ids = [...this.entries.keys()].sort();
    const out: StateChange[] = [];
    const pack = slabs();
    for (const k of ids) {
      const e = this.entries.get(k) as { key: Uint8Array; value: Uint8Array | null };
      if (e.value !== null) out.push({ key: pack(e.key), value: pack(e.value) });
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
