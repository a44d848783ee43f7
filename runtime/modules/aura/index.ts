import type { RuntimeModule } from "../../framework/module.ts";
import { auraGenesis } from "./genesis.ts";
import { onInitialize } from "./hooks.ts";

export const auraModule: RuntimeModule = {
  name: "aura",
  genesis: auraGenesis,
  calls: {},
  hooks: { onInitialize },
};
