import { DeviceKind } from "./types.ts";

/**
 * Upper bound of a device's nameplate capacity: 1 GW. A device is one metering point, and the
 * largest single solar or wind plants behind one meter are of this order; the bound rejects
 * mistyped capacities (the physical bound on readings is derived from it) and keeps one hour
 * at full capacity (1.1 GWh with a 10 % tolerance) inside a reading's u32 Wh field (4.29 GWh).
 */
export const MAX_CAPACITY_W = 1_000_000_000;

/** Registrar names are labels for explorers and the CLI, not identities. */
export const MAX_REGISTRAR_NAME_LENGTH = 64;

/**
 * Geohash (base-32 alphabet without a, i, l, o), 1 to 12 characters: 12 characters locate a
 * point to a few centimetres, more carry no information; owners may publish coarser cells.
 */
const GEOHASH_RE = /^[0-9b-hjkmnp-z]{1,12}$/;

export function isGeohash(location: string): boolean {
  return GEOHASH_RE.test(location);
}

export function isDeviceKind(kind: number): boolean {
  return (Object.values(DeviceKind) as number[]).includes(kind);
}

export function isValidCapacity(capacityW: number): boolean {
  return capacityW > 0 && capacityW <= MAX_CAPACITY_W;
}
