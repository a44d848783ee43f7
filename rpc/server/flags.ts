/**
 * Parsers for the values of the `run` command's `--rpc-*` flags. Each returns the option's
 * value in the server's units (bytes, milliseconds) or throws `RpcServerError`
 * `RPC_INVALID_OPTION` naming the flag, the value and what is accepted.
 */
import { createIpMatcher } from "./clientAddress.ts";
import type { CorsPolicy, RpcMethodsPolicy } from "./options.ts";
import { RpcServerError } from "./serverError.ts";

const MiB = 1024 * 1024;
/** Requests and responses become JS strings, which V8 caps at 2^29 − 24 characters (just under 512 MiB). */
const MAX_MESSAGE_MIB = 511;
/** A day: no timeout or period of the server needs more. */
const MAX_SECONDS = 86_400;

function invalid(flag: string, value: string, accepted: string): RpcServerError {
  return new RpcServerError({ code: "RPC_INVALID_OPTION", option: flag, value }, `--${flag} must be ${accepted}, got ${JSON.stringify(value)}`);
}

function integerIn(flag: string, value: string, min: number, max: number, accepted: string): number {
  const v = value.trim();
  const n = /^\d+$/.test(v) ? Number(v) : NaN;
  if (!(n >= min && n <= max)) throw invalid(flag, value, accepted);
  return n;
}

/** Parses `--rpc-cors`: `all`, `none`, or a comma-separated list of origins. */
export function parseCors(value: string): CorsPolicy {
  const v = value.trim();
  if (v === "all" || v === "*") return "all";
  if (v === "none") return [];
  const origins = v.split(",").map((o) => o.trim()).filter((o) => o.length > 0);
  if (origins.length === 0) throw invalid("rpc-cors", value, "all, none or a comma-separated list of origins");
  return origins;
}

export function parseRpcMethods(value: string): RpcMethodsPolicy {
  if (value === "auto" || value === "safe" || value === "unsafe") return value;
  throw invalid("rpc-methods", value, "auto, safe or unsafe");
}

/** A count such as `--rpc-max-connections` or `--rpc-max-batch-request-len`: an integer from 1. */
export function parseCount(flag: string, value: string, max = 1_000_000): number {
  return integerIn(flag, value, 1, max, `an integer from 1 to ${max}`);
}

/** `--rpc-max-request-size` / `--rpc-max-response-size`: whole MiB, as Substrate takes them; returns bytes. */
export function parseMiB(flag: string, value: string): number {
  return integerIn(flag, value, 1, MAX_MESSAGE_MIB, `a whole number of MiB from 1 to ${MAX_MESSAGE_MIB}`) * MiB;
}

/** `--rpc-rate-limit`: calls per minute per connection, or `off`. */
export function parseRateLimit(value: string): number | null {
  if (value.trim() === "off") return null;
  return integerIn("rpc-rate-limit", value, 1, 1_000_000_000, "calls per minute (an integer from 1) or off");
}

/** A timeout or period in seconds (fractions allowed, down to a millisecond); returns milliseconds. */
export function parseSeconds(flag: string, value: string): number {
  const v = value.trim();
  const seconds = /^\d+(\.\d+)?$/.test(v) ? Number(v) : NaN;
  const ms = Math.round(seconds * 1000);
  if (!(ms >= 1 && seconds <= MAX_SECONDS)) throw invalid(flag, value, `a number of seconds from 0.001 to ${MAX_SECONDS}`);
  return ms;
}

/** `--rpc-rate-limit-whitelisted-ips`: one IP address or CIDR block per value, accumulated. */
export function parseIpBlock(value: string, previous: readonly string[] = []): string[] {
  createIpMatcher([value]);
  return [...previous, value.trim()];
}
