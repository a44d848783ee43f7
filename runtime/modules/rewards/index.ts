import type { RuntimeModule } from "../../framework/module.ts";
import { rewardsGenesis } from "./genesis.ts";
import { onFinalize, onInitialize } from "./hooks.ts";

/** Token minting: each epoch's emission, paid to validators at the epoch's end and to device owners over the following blocks; the records of the last `historyEpochs` epochs. No calls. */
export const rewardsModule: RuntimeModule = {
  name: "rewards",
  calls: {},
  hooks: { onInitialize, onFinalize },
  genesis: rewardsGenesis,
};
