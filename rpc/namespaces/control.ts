import { toHex } from "../../primitives/bytes.ts";
import { encodeAddress } from "../../primitives/keys/ss58.ts";
import type { ControlCommand as CommandJson } from "../../client/types.ts";

export type { CommandJson };
import { control, devices, system, type IterableStateReader } from "../../runtime/api.ts";
import type { HeadInfo } from "../../node/chain/types.ts";
import { invalidParams } from "../errors.ts";
import type { RpcNodeApi } from "../nodeApi.ts";
import type { RpcCallContext, RpcServer } from "../server/index.ts";
import { expectArray, expectNumber } from "../server/params.ts";
import { historyRemoved } from "./history.ts";
import { positional, stateAtParam } from "./params.ts";

const U32 = { integer: true, min: 0, max: 0xffffffff };
/**
 * Devices one connection may watch for pending commands, over all its subscriptions: each is a
 * device check and a prefix scan on every new best block, inside block import. 1,024 is what a
 * connection could watch before lists existed (1,024 subscriptions of one device), so the worst
 * case is unchanged; a gateway with more devices opens more connections.
 */
const MAX_WATCHED_DEVICES_PER_CONNECTION = 1024;

/** The ids of a `control_subscribePending` call, without repeats. */
function expectDeviceIds(param: unknown): number[] {
  if (!Array.isArray(param)) return [expectNumber(param, "deviceId", U32)];
  if (param.length === 0 || param.length > MAX_WATCHED_DEVICES_PER_CONNECTION) {
    throw invalidParams(`deviceIds: expected 1 to ${MAX_WATCHED_DEVICES_PER_CONNECTION} device ids`);
  }
  return [...new Set(param.map((id, i) => expectNumber(id, `deviceIds[${i}]`, U32)))];
}

const STATUS_NAMES: Readonly<Record<number, string>> = {
  [control.CommandStatus.Pending]: "Pending",
  [control.CommandStatus.Acknowledged]: "Acknowledged",
  [control.CommandStatus.Cancelled]: "Cancelled",
  [control.CommandStatus.Expired]: "Expired",
};

function commandJson(id: number, r: control.CommandRecord, blockNumber: number, ss58Format: number): CommandJson {
  return {
    id,
    deviceId: r.deviceId,
    command: control.describeCommand(r.command),
    validFrom: r.validFrom,
    validUntil: r.validUntil,
    submitter: encodeAddress(r.submitter, ss58Format),
    submittedAt: r.submittedAt,
    status: STATUS_NAMES[control.effectiveStatus(r, blockNumber)],
    receipt: r.receipt && {
      status: control.RECEIPT_STATUS_NAMES[r.receipt.status as control.ReceiptStatusValue] ?? String(r.receipt.status),
      signature: toHex(r.receipt.signature),
      block: r.receipt.block,
      submittedBy: encodeAddress(r.receipt.submittedBy, ss58Format),
    },
  };
}

/**
 * `control_get`'s answer in `state`: the command, or null if no command has that id yet. A command
 * whose record was removed (settled more than `settledRetentionBlocks` ago) is error 4005, never
 * a null that would read as "never submitted".
 */
export function commandAt(state: IterableStateReader, commandId: number, ss58Format: number): CommandJson | null {
  const record = control.command(state, commandId);
  if (record !== undefined) return commandJson(commandId, record, system.blockNumber(state), ss58Format);
  if (!control.commandRemoved(state, commandId)) return null;
  const { settledRetentionBlocks } = control.controlConfig(state);
  throw historyRemoved(
    `command ${commandId} settled more than ${settledRetentionBlocks} blocks ago (settledRetentionBlocks) and its record was removed; its CommandSubmitted and CommandAcknowledged, CommandCancelled or CommandExpired events remain in its blocks`,
    { commandId, settledRetentionBlocks },
  );
}

function pendingJson(state: IterableStateReader, deviceId: number, ss58Format: number): CommandJson[] {
  if (devices.device(state, deviceId) === undefined) throw invalidParams(`deviceId: no device ${deviceId}`);
  const number = system.blockNumber(state);
  return control.pendingCommands(state, deviceId, number).map(([id, r]) => commandJson(id, r, number, ss58Format));
}

export function registerControlRpc(server: RpcServer, api: RpcNodeApi): void {
  const ss58 = api.runtimeConfig.ss58Format;

  /** `control_get(commandId, at?)`: the command with its status and receipt, null if not submitted yet, 4005 if its record was removed. */
  server.addMethod("control_get", {
    handler: (params) => {
      const [id, at] = positional(params, 2);
      const commandId = expectNumber(id, "commandId", U32);
      return commandAt(stateAtParam(api, at).state, commandId, ss58);
    },
  });

  /** `control_pending(deviceId, at?)`: the device's commands that are pending and can still be acknowledged, by id. */
  server.addMethod("control_pending", {
    handler: (params) => {
      const [id, at] = positional(params, 2);
      const deviceId = expectNumber(id, "deviceId", U32);
      return pendingJson(stateAtParam(api, at).state, deviceId, ss58);
    },
  });

  /** Devices watched per connection (its call context), for MAX_WATCHED_DEVICES_PER_CONNECTION. */
  const watchedDevices = new WeakMap<RpcCallContext, number>();
  /** Each device's pending list at the latest new best block, shared by every subscription. */
  let listsAt: { hash: string; lists: Map<number, CommandJson[]> } = { hash: "", lists: new Map() };
  const pendingAt = (state: IterableStateReader, at: string | null, deviceId: number): CommandJson[] => {
    if (at === null) return pendingJson(state, deviceId, ss58);
    if (listsAt.hash !== at) listsAt = { hash: at, lists: new Map() };
    let list = listsAt.lists.get(deviceId);
    if (list === undefined) {
      list = pendingJson(state, deviceId, ss58);
      listsAt.lists.set(deviceId, list);
    }
    return list;
  };

  /**
   * `control_subscribePending(deviceId | [deviceId, …])`: the device's pending list now, then
   * again on each new best block that changes it (a new command, a receipt, a cancellation, an
   * expiry, a reorg). A gateway passes its devices' ids to watch them all in one subscription
   * (the list is then theirs together, each command naming its device), up to 1,024 devices per
   * connection. Each device's list is worked out once per block, however many subscriptions watch it.
   */
  server.addSubscription({
    subscribe: "control_subscribePending",
    notification: "control_pendingCommands",
    unsubscribe: "control_unsubscribePending",
    start: (params, sink, ctx) => {
      const deviceIds = expectDeviceIds(expectArray(params, 1)[0]);
      const used = watchedDevices.get(ctx) ?? 0;
      if (used + deviceIds.length > MAX_WATCHED_DEVICES_PER_CONNECTION) {
        throw invalidParams(`this connection already watches ${used} devices; at most ${MAX_WATCHED_DEVICES_PER_CONNECTION} per connection`);
      }
      let last: string | null = null;
      const send = (state: IterableStateReader, at: string | null): void => {
        const list = deviceIds.flatMap((deviceId) => pendingAt(state, at, deviceId));
        const text = JSON.stringify(list);
        if (text === last) return;
        last = text;
        sink.notify(list);
      };
      send(api.chain.stateAt(), null);
      watchedDevices.set(ctx, used + deviceIds.length);
      const listener = (head: HeadInfo): void => {
        // Runs inside the chain's block import: a failure here ends this subscription, never the import.
        try {
          send(api.chain.stateAt(head.hash), toHex(head.hash));
        } catch {
          sink.close();
        }
      };
      api.chain.on("newBest", listener);
      return () => {
        api.chain.off("newBest", listener);
        watchedDevices.set(ctx, (watchedDevices.get(ctx) ?? deviceIds.length) - deviceIds.length);
      };
    },
  });
}
