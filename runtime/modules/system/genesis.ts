import type { State } from "../../framework/state.ts";
import type { RuntimeConfig } from "../../config.ts";
import { BlockNumber, Config } from "./storage.ts";

export function buildGenesis(state: State, config: RuntimeConfig): void {
  Config.set(state, config);
  BlockNumber.set(state, 0);
}
