import { DispatchError } from "./errors.ts";
import type { Origin } from "./module.ts";

/**
 * Origin guards (Substrate's `ensure_signed` / `ensure_root`). The root origin is never derived
 * from a signature: only `sudo.sudo` dispatches with it. A wrong origin is `system.BadOrigin`,
 * the same code the balances calls use.
 */
function badOrigin(): DispatchError {
  return new DispatchError({ code: "BadOrigin", module: "system" });
}

export function ensureSigned(origin: Origin): Uint8Array {
  if (origin.kind !== "signed") throw badOrigin();
  return origin.who;
}

export function ensureRoot(origin: Origin): void {
  if (origin.kind !== "root") throw badOrigin();
}
