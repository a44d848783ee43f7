import { config as read, GenesisConfigError } from "../../framework/genesisConfig.ts";
import type { ModuleGenesis } from "../../framework/module.ts";
import { Config as SystemConfig } from "../system/storage.ts";
import { mint } from "./currency.ts";

/**
 * `balances` section: `{ existentialDeposit, balances: [[address, free], ...] }`, amounts as
 * decimal strings of base units. The existential deposit goes into the runtime config (system's
 * genesis reads it); each endowment must reach it.
 */
export const balancesGenesis: ModuleGenesis = {
  build(state, section) {
    const b = read.object(section, "balances");
    const { existentialDeposit } = SystemConfig.get(state);
    read.array(b.balances, "balances.balances").forEach((entry, i) => {
      const [who, amount] = read.array(entry, `balances.balances[${i}]`);
      const free = read.amount(amount, `balances.balances[${i}][1]`);
      if (free < existentialDeposit) throw new GenesisConfigError(`balances.balances[${i}][1]`, `endowment ${free} is below the existential deposit ${existentialDeposit}`);
      mint(state, read.account(who, `balances.balances[${i}][0]`), free);
    });
  },
};
