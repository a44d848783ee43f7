import { blake2b } from "@noble/hashes/blake2.js";
import { concatBytes, fromHex, utf8 } from "../bytes.ts";
import { base58Decode, base58Encode } from "./base58.ts";
import { AddressError } from "./errors.ts";

/**
 * SS58 addresses exactly as Substrate's `Ss58Codec` (sp-core): base58 of
 * `prefix ++ publicKey ++ blake2b-512("SS58PRE" ++ prefix ++ publicKey)[0..2]`.
 */

/** Generic Substrate prefix; the `5…` addresses every Substrate tool shows by default. */
export const SS58_DEFAULT_PREFIX = 42;
/** Largest prefix the 14-bit two-byte form can carry. */
export const SS58_MAX_PREFIX = 16383;

const PUBLIC_KEY_LENGTH = 32;
const CHECKSUM_LENGTH = 2;
const SS58_CONTEXT = utf8("SS58PRE");
/**
 * Prefixes the SS58 registry reserves. Substrate refuses to decode them (`FormatNotAllowed`);
 * we also refuse to encode them (as polkadot.js does) rather than print undecodable addresses.
 */
const RESERVED_PREFIXES = new Set([46, 47]);
/**
 * A 32-byte key with a two-byte prefix is 50 base58 characters at most; anything much longer is
 * refused before the quadratic base58 decoder sees it.
 */
const MAX_ADDRESS_CHARS = 64;
const HEX_RE = /^0x([0-9a-fA-F]{2})*$/;

/**
 * The few registry names `--network` accepts and `key inspect` prints (Substrate prints the
 * registry name for known prefixes and the number otherwise). Not the whole registry: these are the
 * networks an Arkreen operator meets.
 */
export const SS58_NETWORK_NAMES: ReadonlyMap<number, string> = new Map([
  [0, "polkadot"],
  [2, "kusama"],
  [42, "substrate"],
]);

export function networkName(prefix: number): string {
  return SS58_NETWORK_NAMES.get(prefix) ?? String(prefix);
}

function ss58Checksum(payload: Uint8Array): Uint8Array {
  return blake2b(concatBytes(SS58_CONTEXT, payload), { dkLen: 64 }).subarray(0, CHECKSUM_LENGTH);
}

/** Whether addresses can be encoded with `prefix`: 0..16383, not reserved. */
export function isUsableSs58Prefix(prefix: number): boolean {
  return Number.isInteger(prefix) && prefix >= 0 && prefix <= SS58_MAX_PREFIX && !RESERVED_PREFIXES.has(prefix);
}

function encodePrefix(prefix: number): Uint8Array {
  if (RESERVED_PREFIXES.has(prefix)) throw new AddressError({ code: "RESERVED_PREFIX", prefix }, `SS58 prefix ${prefix} is reserved`);
  if (!isUsableSs58Prefix(prefix)) {
    throw new AddressError({ code: "PREFIX_OUT_OF_RANGE", prefix }, `SS58 prefix ${prefix} is outside 0..${SS58_MAX_PREFIX}`);
  }
  if (prefix < 64) return Uint8Array.of(prefix);
  // Two-byte form: the 14-bit identifier split as Substrate does, first byte tagged 0b01xxxxxx.
  const first = ((prefix & 0b1111_1100) >> 2) | 0b0100_0000;
  const second = (prefix >> 8) | ((prefix & 0b11) << 6);
  return Uint8Array.of(first, second);
}

export function encodeAddress(publicKey: Uint8Array, prefix: number = SS58_DEFAULT_PREFIX): string {
  if (publicKey.length !== PUBLIC_KEY_LENGTH) {
    throw new TypeError(`an account public key is ${PUBLIC_KEY_LENGTH} bytes, got ${publicKey.length}`);
  }
  const payload = concatBytes(encodePrefix(prefix), publicKey);
  return base58Encode(concatBytes(payload, ss58Checksum(payload)));
}

export interface DecodedSs58 {
  publicKey: Uint8Array;
  prefix: number;
}

/** Decodes an SS58 address, keeping its network prefix. Throws `AddressError`. */
export function decodeSs58(address: string): DecodedSs58 {
  if (address.length === 0 || address.length > MAX_ADDRESS_CHARS) {
    throw new AddressError({ code: "INVALID_ADDRESS", address: address.slice(0, MAX_ADDRESS_CHARS), reason: "wrong length" }, "invalid address: wrong length");
  }
  const data = base58Decode(address);
  if (data === null) {
    throw new AddressError({ code: "INVALID_ADDRESS", address, reason: "not base58" }, `invalid address ${address}: not base58`);
  }
  if (data.length < 2) throw new AddressError({ code: "BAD_LENGTH", address, length: data.length }, `invalid address ${address}: too short`);

  let prefixLength: number;
  let prefix: number;
  if (data[0] < 64) {
    prefixLength = 1;
    prefix = data[0];
  } else if (data[0] < 128) {
    prefixLength = 2;
    const lower = ((data[0] << 2) | (data[1] >> 6)) & 0xff;
    const upper = data[1] & 0b0011_1111;
    prefix = lower | (upper << 8);
  } else {
    throw new AddressError({ code: "INVALID_PREFIX", address, firstByte: data[0] }, `invalid address ${address}: bad prefix byte ${data[0]}`);
  }

  if (data.length !== prefixLength + PUBLIC_KEY_LENGTH + CHECKSUM_LENGTH) {
    throw new AddressError({ code: "BAD_LENGTH", address, length: data.length }, `invalid address ${address}: ${data.length} bytes`);
  }
  if (RESERVED_PREFIXES.has(prefix)) {
    throw new AddressError({ code: "RESERVED_PREFIX", address, prefix }, `invalid address ${address}: prefix ${prefix} is reserved`);
  }
  const bodyEnd = prefixLength + PUBLIC_KEY_LENGTH;
  const expected = ss58Checksum(data.subarray(0, bodyEnd));
  if (data[bodyEnd] !== expected[0] || data[bodyEnd + 1] !== expected[1]) {
    throw new AddressError({ code: "BAD_CHECKSUM", address }, `invalid address ${address}: bad checksum`);
  }
  return { publicKey: data.slice(prefixLength, bodyEnd), prefix };
}

/**
 * An account's public key from what a user types: an SS58 address (any prefix, unless
 * `expectedPrefix` is given) or a `0x`-hex 32-byte public key. Throws `AddressError`.
 */
export function decodeAddress(address: string, expectedPrefix?: number): Uint8Array {
  if (address.startsWith("0x")) {
    if (!HEX_RE.test(address)) {
      throw new AddressError({ code: "INVALID_ADDRESS", address: address.slice(0, MAX_ADDRESS_CHARS), reason: "not hex" }, "invalid address: not hex");
    }
    const publicKey = fromHex(address);
    if (publicKey.length !== PUBLIC_KEY_LENGTH) {
      throw new AddressError({ code: "BAD_LENGTH", address: address.slice(0, MAX_ADDRESS_CHARS), length: publicKey.length }, `invalid address: ${publicKey.length} bytes, expected ${PUBLIC_KEY_LENGTH}`);
    }
    return publicKey;
  }
  const { publicKey, prefix } = decodeSs58(address);
  if (expectedPrefix !== undefined && prefix !== expectedPrefix) {
    throw new AddressError({ code: "PREFIX_MISMATCH", address, prefix, expectedPrefix }, `address ${address} has prefix ${prefix}, expected ${expectedPrefix}`);
  }
  return publicKey;
}
