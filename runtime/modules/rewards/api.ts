/** The rewards module as node, RPC and clients see it: queries over a state, the emission schedule, and the types they return. */
export { deviceRewardsPage, epochRemoved, epochRewards, historyStart, payoutCursor, pendingEmission, rewardsConfig, validatorRewards } from "./queries.ts";
export { epochEmission } from "./schedule.ts";
export { PayoutPhase, type DeviceReward, type EpochRewardsRecord, type PayoutPhaseValue, type RewardsConfig } from "./types.ts";
