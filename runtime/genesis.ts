import type { RuntimeConfig } from "./config.ts";
import type { State } from "./framework/state.ts";
import { buildGenesis as buildAura, type AuraGenesis } from "./modules/aura/genesis.ts";
import { buildGenesis as buildBalances, type BalancesGenesis } from "./modules/balances/genesis.ts";
import { buildGenesis as buildSystem } from "./modules/system/genesis.ts";

/** Every module's genesis config, decoded from the chain spec. */
export interface RuntimeGenesis {
  config: RuntimeConfig;
  balances: BalancesGenesis;
  aura: AuraGenesis;
}

/** Writes the genesis state of every module, in module order. */
export function buildRuntimeGenesis(state: State, genesis: RuntimeGenesis): void {
  buildSystem(state, genesis.config);
  buildAura(state, genesis.aura);
  buildBalances(state, genesis.balances);
}
