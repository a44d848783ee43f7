import type { RuntimeModule } from "../../framework/module.ts";
import { transfer, transferKeepAlive } from "./calls.ts";

export const balancesModule: RuntimeModule = {
  name: "balances",
  calls: { transfer, transferKeepAlive },
};
