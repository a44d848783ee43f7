import type { RuntimeConfig } from "./config.ts";
import type { State } from "./framework/state.ts";
import { RUNTIME_MODULES } from "./runtime.ts";
import { buildGenesis as buildAura, type AuraGenesis } from "./modules/aura/genesis.ts";
import { buildGenesis as buildBalances, type BalancesGenesis } from "./modules/balances/genesis.ts";
import { buildGenesis as buildSystem } from "./modules/system/genesis.ts";

/** Every module's genesis config, decoded from the chain spec. */
export interface RuntimeGenesis {
  config: RuntimeConfig;
  balances: BalancesGenesis;
  aura: AuraGenesis;
}

/**
 * Writes the genesis state of every module: the core modules from their decoded config, then
 * each module with its own `genesis` hook from its chain-spec section, in module order.
 */
export function buildRuntimeGenesis(state: State, genesis: RuntimeGenesis, sections: Record<string, unknown>): void {
  buildSystem(state, genesis.config);
  buildAura(state, genesis.aura);
  buildBalances(state, genesis.balances);
  for (const m of RUNTIME_MODULES) m.genesis?.build(state, sections[m.name]);
}
