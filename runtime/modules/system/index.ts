import type { RuntimeModule } from "../../framework/module.ts";
import { remark } from "./calls.ts";
import { onInitialize } from "./hooks.ts";

export const systemModule: RuntimeModule = {
  name: "system",
  calls: { remark },
  hooks: { onInitialize },
};
