/**
 * Geohash (Gustavo Niemeyer's public-domain encoding; base32 `0123456789bcdefghjkmnpqrstuvwxyz`,
 * bits interleaved longitude first): what a device record's `location` holds. Encoding is used
 * by the device simulator, decoding by the forecaster (a cell's centre as the device's position).
 */
const BASE32 = "0123456789bcdefghjkmnpqrstuvwxyz";

/** Standard geohash of (latitude, longitude) with `precision` characters. */
export function encodeGeohash(lat: number, lon: number, precision = 8): string {
  let latRange: [number, number] = [-90, 90];
  let lonRange: [number, number] = [-180, 180];
  let hash = "";
  let bits = 0;
  let ch = 0;
  let even = true;
  while (hash.length < precision) {
    const range = even ? lonRange : latRange;
    const value = even ? lon : lat;
    const mid = (range[0] + range[1]) / 2;
    ch <<= 1;
    if (value >= mid) {
      ch |= 1;
      range[0] = mid;
    } else {
      range[1] = mid;
    }
    if (even) lonRange = range;
    else latRange = range;
    even = !even;
    if (++bits === 5) {
      hash += BASE32[ch];
      bits = 0;
      ch = 0;
    }
  }
  return hash;
}

/** A geohash cell: its centre and half its extent, in degrees. */
export interface GeohashCell {
  lat: number;
  lon: number;
  latError: number;
  lonError: number;
}

/**
 * The cell of `hash` (case-insensitive): its centre and half-extents. Throws on an empty hash or
 * a character outside the alphabet (`a`, `i`, `l`, `o` are not in it).
 */
export function decodeGeohash(hash: string): GeohashCell {
  if (hash.length === 0) throw new Error("empty geohash");
  const latRange = [-90, 90];
  const lonRange = [-180, 180];
  let even = true;
  for (const c of hash.toLowerCase()) {
    const value = BASE32.indexOf(c);
    if (value < 0) throw new Error(`invalid geohash character '${c}'`);
    for (let bit = 4; bit >= 0; bit--) {
      const range = even ? lonRange : latRange;
      const mid = (range[0] + range[1]) / 2;
      if ((value >> bit) & 1) range[0] = mid;
      else range[1] = mid;
      even = !even;
    }
  }
  return {
    lat: (latRange[0] + latRange[1]) / 2,
    lon: (lonRange[0] + lonRange[1]) / 2,
    latError: (latRange[1] - latRange[0]) / 2,
    lonError: (lonRange[1] - lonRange[0]) / 2,
  };
}
