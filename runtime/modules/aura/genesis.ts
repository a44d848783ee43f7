import type { State } from "../../framework/state.ts";
import { Authorities } from "./storage.ts";

export interface AuraGenesis {
  authorities: Uint8Array[];
}

export function buildGenesis(state: State, genesis: AuraGenesis): void {
  Authorities.set(state, genesis.authorities);
}
