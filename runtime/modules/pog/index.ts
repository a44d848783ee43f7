import type { RuntimeModule } from "../../framework/module.ts";
import { pogGenesis } from "./genesis.ts";

/** Proof of generation. Readings are not extrinsics: they enter blocks aggregated (see apply.ts). */
export const pogModule: RuntimeModule = {
  name: "pog",
  calls: {},
  genesis: pogGenesis,
};
