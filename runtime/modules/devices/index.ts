import type { RuntimeModule } from "../../framework/module.ts";
import { devicesGenesis } from "./genesis.ts";

export const devicesModule: RuntimeModule = {
  name: "devices",
  calls: {},
  genesis: devicesGenesis,
};
