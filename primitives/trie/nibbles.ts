/**
 * Keys are walked as nibble sequences (base 16): one nibble per byte of a `Uint8Array`,
 * high nibble of each key byte first.
 */

export function keyToNibbles(key: Uint8Array): Uint8Array {
  const out = new Uint8Array(key.length * 2);
  for (let i = 0; i < key.length; i++) {
    out[2 * i] = key[i] >> 4;
    out[2 * i + 1] = key[i] & 15;
  }
  return out;
}

/** Packs the first `length` nibbles (an even count) back into key bytes. */
export function nibblesToKey(nibbles: ArrayLike<number>, length: number): Uint8Array {
  const out = new Uint8Array(length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = (nibbles[2 * i] << 4) | nibbles[2 * i + 1];
  return out;
}

/** Length of the common prefix of `path` and `key` read from `offset`. */
export function commonPrefixLength(path: Uint8Array, key: Uint8Array, offset: number): number {
  const n = Math.min(path.length, key.length - offset);
  let i = 0;
  while (i < n && path[i] === key[offset + i]) i++;
  return i;
}

/** Whether `key` continues with exactly `path` at `offset` and ends there. */
export function pathEquals(path: Uint8Array, key: Uint8Array, offset: number): boolean {
  return key.length - offset === path.length && commonPrefixLength(path, key, offset) === path.length;
}

export function concatNibbles(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
