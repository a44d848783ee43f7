import { config as read } from "../../framework/genesisConfig.ts";
import type { ModuleGenesis } from "../../framework/module.ts";
import { Key } from "./storage.ts";

/** `sudo` section: `{ key: address }`. */
export const sudoGenesis: ModuleGenesis = {
  build(state, section) {
    const s = read.object(section, "sudo");
    Key.set(state, read.account(s.key, "sudo.key"));
  },
};

/** Dev and local chains: a dev account (Alice) holds the root key. */
export function sudoDevSection(key: string): Record<string, unknown> {
  return { key };
}
