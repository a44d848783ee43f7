import { toHex } from "../../primitives/bytes.ts";
import { system } from "../../runtime/api.ts";
import { nextAccountNonce } from "../../node/accountNonce.ts";
import type { RpcNodeApi } from "../nodeApi.ts";
import type { RpcServer } from "../server/index.ts";
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
