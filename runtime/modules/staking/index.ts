import type { RuntimeModule } from "../../framework/module.ts";
import { bond, bondExtra, chill, reportBlockEquivocation, reportEquivocation, unbond, validate, withdrawUnbonded } from "./calls.ts";
import { stakingGenesis } from "./genesis.ts";
import { onFinalize } from "./session.ts";

export {
  authoringPopMessage,
  devFinalityKeypair,
  finalityKeypairFromAuthoringSeed,
  finalityPopMessage,
  signAuthoringPop,
  signFinalityPop,
  verifyAuthoringPop,
  verifyFinalityPop,
} from "./keys.ts";
export { currentFinalitySet, validatorStakes } from "./queries.ts";

/**
 * Proof of stake (docs/staking.md): bonds, validator candidacy with session keys,
 * sessions whose validator set is elected two sessions ahead by stake, and slashing on proven
 * equivocations (two finality votes in one round, two blocks in one Aura slot). Rotates Aura's
 * authorities and the finality authority set.
 */
export const stakingModule: RuntimeModule = {
  name: "staking",
  calls: { bond, bondExtra, unbond, withdrawUnbonded, validate, chill, reportEquivocation, reportBlockEquivocation },
  hooks: { onFinalize },
  genesis: stakingGenesis,
};
