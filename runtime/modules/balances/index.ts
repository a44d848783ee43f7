import type { RuntimeModule } from "../../framework/module.ts";
import { transfer, transferKeepAlive } from "./calls.ts";
import { balancesGenesis } from "./genesis.ts";

export const balancesModule: RuntimeModule = {
  name: "balances",
  genesis: balancesGenesis,
  calls: { transfer, transferKeepAlive },
};
