import { decodeAddress } from "../../primitives/keys/ss58.ts";
import { RpcError, invalidParams } from "../errors.ts";
import type { RpcNodeApi } from "../nodeApi.ts";
import { expectHex } from "../server/params.ts";

/** Substrate's code for a state query at a block the node does not have. */
export const UNKNOWN_BLOCK_CODE = 4003;

/** An optional `at` block hash; the best block when absent or null. */
export function blockHashParam(api: RpcNodeApi, value: unknown, name = "at"): Uint8Array {
  if (value === undefined || value === null) return api.chain.best.hash;
  return expectHex(value, name, { length: 32 });
}

/** The state at an optional `at` block; an unknown block is an error, as in Substrate. */
export function stateAtParam(api: RpcNodeApi, value: unknown) {
  const hash = blockHashParam(api, value);
  if (!api.chain.header(hash)) throw new RpcError(UNKNOWN_BLOCK_CODE, "Unknown block", `no block ${String(value)}`);
  return { hash, state: api.chain.stateAt(hash) };
}

/** An SS58 address or a 0x-hex account id. */
export function accountParam(value: unknown, name = "account"): Uint8Array {
  if (typeof value !== "string") throw invalidParams(`${name}: expected an SS58 address or 0x-hex account id`);
  try {
    return decodeAddress(value);
  } catch (e) {
    throw invalidParams(`${name}: ${(e as Error).message}`);
  }
}

/** Positional params, or none at all (Substrate accepts a missing `params` for optional ones). */
export function positional(params: unknown, max: number): unknown[] {
  if (params === undefined || params === null) return [];
  if (!Array.isArray(params)) throw invalidParams("expected params as an array");
  if (params.length > max) throw invalidParams(`expected at most ${max} params, got ${params.length}`);
  return params;
}
