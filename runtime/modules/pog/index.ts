import type { RuntimeModule } from "../../framework/module.ts";
import { onInitialize } from "./expiry.ts";
import { pogGenesis } from "./genesis.ts";

/** Proof of generation. Readings are not extrinsics: they enter blocks aggregated (see apply.ts). Pages older than the claim window expire in `onInitialize` (expiry.ts). */
export const pogModule: RuntimeModule = {
  name: "pog",
  calls: {},
  hooks: { onInitialize },
  genesis: pogGenesis,
};
