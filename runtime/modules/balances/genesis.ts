import type { State } from "../../framework/state.ts";
import { mint } from "./currency.ts";

export interface BalancesGenesis {
  balances: Array<[account: Uint8Array, free: bigint]>;
}

export function buildGenesis(state: State, genesis: BalancesGenesis): void {
  for (const [account, free] of genesis.balances) mint(state, account, free);
}
