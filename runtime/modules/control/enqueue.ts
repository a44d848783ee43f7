import type { BlockContext } from "../../framework/module.ts";
import { controlEvents } from "./events.ts";
import { openCommand } from "./lifecycle.ts";
import { Config, NextCommandId, PendingCount } from "./storage.ts";
import { CommandStatus, describeCommand, type ControlCommand } from "./types.ts";

/**
 * For other runtime modules (flex): enqueues `command` for `deviceId` as a pending command that
 * `control_pending` and `control_subscribePending` show and a receipt may acknowledge, with
 * `submitter` (the account on whose behalf the module acts) recorded as its submitter. The caller has checked the device and
 * the command; the window is clamped to the chain's command lifetime. Returns the command id, or
 * null when the device already holds `maxPendingPerDevice` pending commands (nothing is written).
 */
export function enqueueCommand(ctx: BlockContext, deviceId: number, command: ControlCommand, submitter: Uint8Array, validUntil: number): number | null {
  const config = Config.get(ctx.state);
  if ((PendingCount.get(ctx.state, deviceId) ?? 0) >= config.maxPendingPerDevice) return null;
  const until = Math.max(ctx.number, Math.min(validUntil, ctx.number + config.maxCommandLifetimeBlocks));
  const commandId = NextCommandId.get(ctx.state);
  const view = describeCommand(command);
  openCommand(ctx.state, commandId, { deviceId, command, validFrom: ctx.number, validUntil: until, submitter, submittedAt: ctx.number, status: CommandStatus.Pending, receipt: null });
  NextCommandId.set(ctx.state, commandId + 1);
  controlEvents.deposit(ctx, "CommandSubmitted", { commandId, deviceId, submitter, kind: view?.kind ?? "none", value: view && "watts" in view ? view.watts : 0, validFrom: ctx.number, validUntil: until });
  return commandId;
}
