import { toHex } from "../../primitives/bytes.ts";
import { encodeAddress } from "../../primitives/keys/ss58.ts";
import type { Device as DeviceJson } from "../../client/types.ts";

export type { DeviceJson };
import { devices } from "../../runtime/api.ts";
import type { RpcNodeApi } from "../nodeApi.ts";
import type { RpcServer } from "../server/index.ts";
import { expectNumber } from "../server/params.ts";
import { accountParam, positional, stateAtParam } from "./params.ts";

/**
 * Devices per `device_listByOwner` page: an operator may hold many thousands; 1,000 records
 * keep a response near 300 KiB. Pages are in storage order (by the hash of the id); the next
 * starts after the last id returned, where the owner index is entered directly (a page costs
 * its own 1,000 lookups, not a walk of every device before it).
 */
const MAX_DEVICES_PER_PAGE = 1000;

const DEVICE_ID = { integer: true, min: 0, max: 0xffffffff };

function deviceJson(id: number, d: devices.DeviceRecord, ss58Format: number): DeviceJson {
  return {
    id,
    owner: encodeAddress(d.owner, ss58Format),
    blsKey: toHex(d.blsKey),
    kind: devices.deviceKindName(d.kind) ?? String(d.kind),
    capacityW: d.capacityW,
    location: d.location,
    status: devices.deviceStatusName(d.status) ?? String(d.status),
    registrar: encodeAddress(d.registrar, ss58Format),
    registeredAt: d.registeredAt,
  };
}

export function registerDevicesRpc(server: RpcServer, api: RpcNodeApi): void {
  const ss58 = api.runtimeConfig.ss58Format;

  /** `device_get(id, at?)`: the device, or null if no such id. */
  server.addMethod("device_get", {
    handler: (params) => {
      const [id, at] = positional(params, 2);
      const deviceId = expectNumber(id, "id", DEVICE_ID);
      const device = devices.device(stateAtParam(api, at).state, deviceId);
      return device === undefined ? null : deviceJson(deviceId, device, ss58);
    },
  });

  /** `device_listByOwner(address, at?, startAfter?)`: the owner's devices in storage order, a page at a time after the id `startAfter`. */
  server.addMethod("device_listByOwner", {
    handler: (params) => {
      const [address, at, startAfter] = positional(params, 3);
      const owner = accountParam(address, "address");
      const after = startAfter === undefined || startAfter === null ? undefined : expectNumber(startAfter, "startAfter", DEVICE_ID);
      const { state } = stateAtParam(api, at);
      return devices.deviceIdsOfOwnerPage(state, owner, MAX_DEVICES_PER_PAGE, after).map((id) => deviceJson(id, devices.device(state, id) as devices.DeviceRecord, ss58));
    },
  });

  /** `device_registrars(at?)`: the onboarding authorities, `{account, name}`, in storage order. */
  server.addMethod("device_registrars", {
    handler: (params) => {
      const { state } = stateAtParam(api, positional(params, 1)[0]);
      return devices.registrars(state).map(({ account, name }) => ({ account: encodeAddress(account, ss58), name }));
    },
  });
}
