import type { RuntimeModule } from "../../framework/module.ts";
import { onInitialize } from "./hooks.ts";

export const auraModule: RuntimeModule = {
  name: "aura",
  calls: {},
  hooks: { onInitialize },
};
