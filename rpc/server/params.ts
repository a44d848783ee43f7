/**
 * Parameter validation for method handlers. Each helper returns the typed value or throws
 * `RpcError` -32602 "Invalid params" whose `data` says which parameter is wrong and why,
 * so a handler reads like its signature:
 *
 *   const [key, at] = expectArray(params, 1, 2);
 *   const storageKey = expectHex(key, "key");
 *   const blockHash = optional(at, (v) => expectHex(v, "at", { length: 32 }));
 */
import { fromHex, isHex } from "../../primitives/bytes.ts";
import { invalidParams } from "../errors.ts";

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `${typeof value}`;
}

/**
 * Positional parameters: an array of `min` to `max` entries. Absent params (`undefined` or
 * `null`) count as `[]`, as Substrate does for methods called without params.
 */
export function expectArray(params: unknown, min: number, max: number = min): unknown[] {
  const list = params === undefined || params === null ? [] : params;
  if (!Array.isArray(list)) throw invalidParams(`expected positional parameters (an array), got ${describe(params)}`);
  if (list.length < min || list.length > max) {
    const wanted = min === max ? `${min}` : `${min} to ${max}`;
    throw invalidParams(`expected ${wanted} parameter${max === 1 ? "" : "s"}, got ${list.length}`);
  }
  return list;
}

export function expectString(value: unknown, name: string, opts: { maxLength?: number } = {}): string {
  if (typeof value !== "string") throw invalidParams(`${name}: expected a string, got ${describe(value)}`);
  if (opts.maxLength !== undefined && value.length > opts.maxLength) {
    throw invalidParams(`${name}: longer than ${opts.maxLength} characters`);
  }
  return value;
}

/** A `0x`-prefixed hex string, returned as bytes; `length` and `maxLength` are in bytes. */
export function expectHex(value: unknown, name: string, opts: { length?: number; maxLength?: number } = {}): Uint8Array {
  if (!isHex(value)) throw invalidParams(`${name}: expected a 0x-prefixed hex string of whole bytes`);
  const byteLength = (value.length - 2) / 2;
  if (opts.length !== undefined && byteLength !== opts.length) {
    throw invalidParams(`${name}: expected ${opts.length} bytes, got ${byteLength}`);
  }
  if (opts.maxLength !== undefined && byteLength > opts.maxLength) {
    throw invalidParams(`${name}: longer than ${opts.maxLength} bytes`);
  }
  return fromHex(value);
}

export function expectNumber(value: unknown, name: string, opts: { integer?: boolean; min?: number; max?: number } = {}): number {
  if (typeof value !== "number" || !Number.isFinite(value)) throw invalidParams(`${name}: expected a number, got ${describe(value)}`);
  if (opts.integer && !Number.isSafeInteger(value)) throw invalidParams(`${name}: expected an integer, got ${value}`);
  if (opts.min !== undefined && value < opts.min) throw invalidParams(`${name}: must be at least ${opts.min}, got ${value}`);
  if (opts.max !== undefined && value > opts.max) throw invalidParams(`${name}: must be at most ${opts.max}, got ${value}`);
  return value;
}

export function expectBoolean(value: unknown, name: string): boolean {
  if (typeof value !== "boolean") throw invalidParams(`${name}: expected a boolean, got ${describe(value)}`);
  return value;
}

/** A JSON object (not an array, not null): named parameters or a structured argument. */
export function expectObject(value: unknown, name: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw invalidParams(`${name}: expected an object, got ${describe(value)}`);
  }
  return value as Record<string, unknown>;
}

/** An optional parameter: `undefined` or `null` give `undefined`, anything else goes through `parse`. */
export function optional<T>(value: unknown, parse: (value: unknown) => T): T | undefined {
  return value === undefined || value === null ? undefined : parse(value);
}
