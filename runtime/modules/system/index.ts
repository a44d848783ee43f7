import type { RuntimeModule } from "../../framework/module.ts";
import { remark } from "./calls.ts";
import { systemGenesis } from "./genesis.ts";
import { onInitialize } from "./hooks.ts";

export const systemModule: RuntimeModule = {
  name: "system",
  genesis: systemGenesis,
  calls: { remark },
  hooks: { onInitialize },
};
