import type { StateReader } from "../../framework/state.ts";
import { TotalIssuance } from "./storage.ts";

/** The balances module as node, RPC and clients see it. */
export { transferArgs } from "./types.ts";

/** Every unit in existence. */
export function totalIssuance(state: StateReader): bigint {
  return TotalIssuance.get(state);
}
