/**
 * Signer bitfields of justifications: bit i (LSB-first in byte i/8) set when authority i signed.
 * The length is exactly ceil(n / 8) bytes for a set of n authorities, and bits past n are zero,
 * so every signer set has one encoding.
 */
export function bitfieldLength(size: number): number {
  return Math.ceil(size / 8);
}

export function encodeSigners(indices: Iterable<number>, size: number): Uint8Array {
  const bits = new Uint8Array(bitfieldLength(size));
  for (const i of indices) {
    if (!Number.isInteger(i) || i < 0 || i >= size) throw new RangeError(`signer ${i} outside a set of ${size}`);
    bits[i >> 3] |= 1 << (i & 7);
  }
  return bits;
}

/** The signer indices in ascending order, or null when the bitfield is not the canonical encoding for `size`. */
export function decodeSigners(bits: Uint8Array, size: number): number[] | null {
  if (bits.length !== bitfieldLength(size)) return null;
  const out: number[] = [];
  for (let i = 0; i < bits.length * 8; i++) {
    if ((bits[i >> 3] & (1 << (i & 7))) === 0) continue;
    if (i >= size) return null;
    out.push(i);
  }
  return out;
}
