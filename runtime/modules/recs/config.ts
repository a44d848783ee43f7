import { bytesToBigint } from "../../../primitives/bytes.ts";
import type { StateReader } from "../../framework/state.ts";
import { Config } from "./storage.ts";

/**
 * A request may name this many devices: enough to bundle a site's or a small fleet's output
 * into one certificate, few enough that the argument list stays a few hundred bytes.
 */
export const MAX_DEVICES_PER_REQUEST = 100;

/**
 * Bound on devices × intervals one request scans. Each (device, day) page it touches costs a trie
 * read, and each page holding energy a write of its claims (and another on cancel); each slot
 * holding energy ~50 bytes in the REC's slot list (with its 32-byte reading hash). 10,000 is a leap year of hourly readings for one device (8,784) with
 * room to spare and keeps the slot list under ~500 KB (~100 KB before reading hashes were kept). Measured on the 2-core dev box: a full
 * 10,000-slot request dispatches in ~0.35 s and its cancel in ~0.1 s, a few percent of a 6 s block.
 */
export const MAX_SLOTS_PER_REQUEST = 10_000;

/** Serials are identifiers (e.g. "AKRE-2025-000042"): printable ASCII, no spaces. */
export const MAX_SERIAL_BYTES = 64;
export const MAX_ISSUER_NAME_BYTES = 64;
export const MAX_REASON_BYTES = 256;
export const MAX_BENEFICIARY_BYTES = 128;
export const MAX_MESSAGE_BYTES = 256;

/** The fee in AKRE base units escrowed by each request, from the chain spec. */
export function requestFee(state: StateReader): bigint {
  return bytesToBigint(Config.get(state).requestFee);
}
