import type { RuntimeModule } from "../../framework/module.ts";
import { setKey, sudoCall, type CallResolver } from "./calls.ts";
import { sudoGenesis } from "./genesis.ts";

export type { CallResolver } from "./calls.ts";

/**
 * The root origin's only door (Substrate's `pallet_sudo`): one key, set at genesis, dispatches
 * any call as root. `resolve` is the runtime's `findCall`, so that wrapped calls are looked up
 * among all modules without this module importing the runtime that lists it.
 */
export function createSudoModule(resolve: CallResolver): RuntimeModule {
  return {
    name: "sudo",
    calls: { sudo: sudoCall(resolve), setKey },
    genesis: sudoGenesis,
  };
}
