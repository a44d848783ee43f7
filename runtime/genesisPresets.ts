/** The chain-spec sections of the development presets, module by module (genesis/presets.ts assembles them). */
export { controlDevSection } from "./modules/control/genesis.ts";
export { devicesDevSection } from "./modules/devices/genesis.ts";
export { flexDevSection, flexLiveSection } from "./modules/flex/genesis.ts";
export { pogDevSection, pogLiveSection } from "./modules/pog/genesis.ts";
export { recsDevSection } from "./modules/recs/genesis.ts";
export { rewardsDevSection } from "./modules/rewards/genesis.ts";
export { stakingDevSection } from "./modules/staking/genesis.ts";
export { sudoDevSection } from "./modules/sudo/genesis.ts";
