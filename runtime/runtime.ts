import type { CallDefinition, RuntimeModule } from "./framework/module.ts";
import { auraModule } from "./modules/aura/index.ts";
import { balancesModule } from "./modules/balances/index.ts";
import { controlModule } from "./modules/control/index.ts";
import { devicesModule } from "./modules/devices/index.ts";
import { flexModule } from "./modules/flex/index.ts";
import { pogModule } from "./modules/pog/index.ts";
import { rewardsModule } from "./modules/rewards/index.ts";
import { recsModule } from "./modules/recs/index.ts";
import { stakingModule } from "./modules/staking/index.ts";
import { createSudoModule } from "./modules/sudo/index.ts";
import { systemModule } from "./modules/system/index.ts";

/**
 * The modules of this runtime, in hook order (Substrate's `construct_runtime!`): `system` first
 * so the block number is set before anyone reads it, `aura` before modules that pay the author,
 * `staking` after `rewards` so an epoch's validators are paid before a session boundary rotates them,
 * `flex` after `control` and `recs`: its finalize hook enqueues event commands once control's
 * expiry sweep has freed the block's expired commands' places in device queues, and settles from
 * the block's readings (applied at initialization) after the modules that claim or pay for them.
 */
export const RUNTIME_MODULES: readonly RuntimeModule[] = [systemModule, auraModule, balancesModule, devicesModule, pogModule, rewardsModule, stakingModule, controlModule, recsModule, flexModule, createSudoModule(findCall)];

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each call has its own argument type
export function findCall(module: string, method: string): CallDefinition<any> | undefined {
  const m = RUNTIME_MODULES.find((x) => x.name === module);
  return m && Object.hasOwn(m.calls, method) ? m.calls[method] : undefined;
}

/** `module.method` names of every dispatchable call, for RPC metadata and the CLI. */
export function callNames(): string[] {
  return RUNTIME_MODULES.flatMap((m) => Object.keys(m.calls).map((c) => `${m.name}.${c}`));
}
