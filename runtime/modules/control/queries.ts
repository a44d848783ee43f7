import type { IterableStateReader, StateReader } from "../../framework/state.ts";
import { Commands, Config, NextCommandId, PendingByDevice } from "./storage.ts";
import { CommandStatus, type CommandRecord, type CommandStatusValue, type ControlConfig } from "./types.ts";

/**
 * A command's status as of the state after block `blockNumber`: a command still `Pending` whose
 * window closed with that block or earlier (the expiry hook has not reached it yet) is `Expired`.
 */
export function effectiveStatus(record: CommandRecord, blockNumber: number): CommandStatusValue {
  if (record.status === CommandStatus.Pending && record.validUntil <= blockNumber) return CommandStatus.Expired;
  return record.status as CommandStatusValue;
}

/** What a device should act on after block `blockNumber`: its pending commands that a receipt can still settle, by id. */
export function pendingCommands(state: IterableStateReader, deviceId: number, blockNumber: number): Array<[number, CommandRecord]> {
  const prefix = PendingByDevice.prefixFor(deviceId);
  const out: Array<[number, CommandRecord]> = [];
  for (const [key] of state.entries(prefix)) {
    const id = PendingByDevice.decodeKey2(key, prefix.length);
    const record = Commands.get(state, id) as CommandRecord;
    if (effectiveStatus(record, blockNumber) === CommandStatus.Pending) out.push([id, record]);
  }
  return out.sort((a, b) => a[0] - b[0]);
}

export function command(state: StateReader, commandId: number): CommandRecord | undefined {
  return Commands.get(state, commandId);
}

/** Whether command `commandId` was submitted and its record since removed (it settled more than `settledRetentionBlocks` ago). */
export function commandRemoved(state: StateReader, commandId: number): boolean {
  return commandId < NextCommandId.get(state) && !Commands.contains(state, commandId);
}

export function controlConfig(state: StateReader): ControlConfig {
  return Config.get(state);
}
