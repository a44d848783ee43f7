import type { RuntimeGenesis } from "./framework/module.ts";
import type { State } from "./framework/state.ts";
import { RUNTIME_MODULES } from "./runtime.ts";

export type { RuntimeGenesis } from "./framework/module.ts";

/** Writes the genesis state of every module from its chain-spec section, in module order. */
export function buildRuntimeGenesis(state: State, genesis: RuntimeGenesis): void {
  for (const m of RUNTIME_MODULES) m.genesis?.build(state, genesis.sections[m.name], genesis);
}
