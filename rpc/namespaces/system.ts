import { toHex } from "../../primitives/bytes.ts";
import { system } from "../../runtime/api.ts";
import { nextAccountNonce } from "../../node/accountNonce.ts";
import type { RpcNodeApi } from "../nodeApi.ts";
import type { RpcServer } from "../server/index.ts";
import { invalidParams, RpcError, RpcErrorCode } from "../errors.ts";
import { accountParam, positional } from "./params.ts";

export function registerSystemRpc(server: RpcServer, api: RpcNodeApi): void {
  server.addMethod("system_name", { handler: () => api.nodeName });
  server.addMethod("system_version", { handler: () => api.version });
  server.addMethod("system_chain", { handler: () => api.spec.name });
  server.addMethod("system_chainType", { handler: () => api.spec.chainType });
  server.addMethod("system_properties", { handler: () => api.spec.properties });
  server.addMethod("system_health", { handler: () => api.health() });
  server.addMethod("system_peers", {
    handler: () =>
      (api.network?.peers() ?? []).map((p) => ({
        peerId: p.peerId,
        roles: "FULL",
        bestHash: toHex(p.status.best.hash),
        bestNumber: p.status.best.number,
      })),
  });
  server.addMethod("system_localPeerId", { handler: () => api.network?.host.peerId ?? null });
  server.addMethod("system_localListenAddresses", { handler: () => api.network?.host.listenAddresses() ?? [] });
  registerReservedPeersRpc(server, api);
  server.addMethod("system_accountNextIndex", {
    handler: (params) => nextAccountNonce(api, accountParam(positional(params, 1)[0])),
  });
  server.addMethod("system_account", {
    handler: (params) => {
      const account = system.account(api.chain.stateAt(), accountParam(positional(params, 1)[0]));
      return { nonce: account.nonce.toString(), free: account.free.toString(), reserved: account.reserved.toString() };
    },
  });
}

function hostOf(api: RpcNodeApi): NonNullable<RpcNodeApi["network"]>["host"] {
  if (api.network === null) throw new RpcError(RpcErrorCode.InvalidRequest, "the node runs without networking");
  return api.network.host;
}

function stringParam(params: unknown, what: string): string {
  const [value] = positional(params, 1);
  if (typeof value !== "string" || value.length === 0 || value.length > 1024) throw invalidParams(`expected ${what}`);
  return value;
}

/**
 * Reserved peers and the network's state, Substrate's methods: `system_addReservedPeer(multiaddr)`
 * and `system_removeReservedPeer(peerId)` change the peer set and `system_networkState` shows
 * every known peer's addresses, so all three are unsafe (refused unless RPC is local, as Substrate
 * refuses them); `system_reservedPeers` lists the reserved peer ids.
 */
function registerReservedPeersRpc(server: RpcServer, api: RpcNodeApi): void {
  server.addMethod("system_addReservedPeer", {
    unsafe: true,
    handler: (params) => {
      const address = stringParam(params, "a multiaddr ending in /p2p/<peer id>");
      try {
        hostOf(api).addReservedPeer(address);
      } catch (e) {
        if (e instanceof RpcError) throw e;
        throw invalidParams((e as Error).message);
      }
      return null;
    },
  });
  server.addMethod("system_removeReservedPeer", {
    unsafe: true,
    handler: async (params) => {
      await hostOf(api).removeReservedPeer(stringParam(params, "a peer id"));
      return null;
    },
  });
  server.addMethod("system_reservedPeers", { handler: () => hostOf(api).reservedPeers() });
  server.addMethod("system_networkState", { unsafe: true, handler: () => hostOf(api).networkState() });
}
