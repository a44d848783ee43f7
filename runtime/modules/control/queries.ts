import type { IterableStateReader, StateReader } from "../../framework/state.ts";
import { Commands, PendingByDevice } from "./storage.ts";
import { CommandStatus, type CommandRecord, type CommandStatusValue } from "./types.ts";

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
