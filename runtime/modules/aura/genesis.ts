import { config as read, GenesisConfigError } from "../../framework/genesisConfig.ts";
import type { ModuleGenesis } from "../../framework/module.ts";
import { Authorities } from "./storage.ts";

/** `aura` section: `{ authorities: [address, ...] }`, the authoring keys of the first slots, in order. */
export const auraGenesis: ModuleGenesis = {
  build(state, section) {
    const authorities = read.array(read.object(section, "aura").authorities, "aura.authorities").map((a, i) => read.account(a, `aura.authorities[${i}]`));
    if (authorities.length === 0) throw new GenesisConfigError("aura.authorities", "at least one authority is required");
    Authorities.set(state, authorities);
  },
};
