import { peerIdFromString } from "@libp2p/peer-id";
import { invalidParams, RpcError, RpcErrorCode } from "../errors.ts";
import type { RpcNodeApi } from "../nodeApi.ts";
import type { RpcServer } from "../server/index.ts";
import { expectArray } from "../server/params.ts";

/**
 * Test-only network fault controls for the fault scenarios (test/e2e/network/faults/): cut this
 * node off from chosen peers and heal it again. They exist only on a node started with
 * `ARKREEN_TEST_FAULTS=1`; anywhere else they are unknown methods. They are unsafe methods too,
 * so even then only a loopback RPC (or `--rpc-methods unsafe`) serves them.
 */
export const TEST_FAULTS_ENV = "ARKREEN_TEST_FAULTS";

export function faultControlsEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return env[TEST_FAULTS_ENV] === "1";
}

/** Peers per call: a testnet has a handful; the bound keeps one call's work trivial. */
const MAX_PEERS_PER_CALL = 64;

function peerIdsParam(params: unknown): string[] {
  const list = expectArray(params, 1)[0];
  if (!Array.isArray(list) || list.length > MAX_PEERS_PER_CALL) throw invalidParams(`expected an array of at most ${MAX_PEERS_PER_CALL} peer ids`);
  return list.map((id, i) => {
    try {
      if (typeof id !== "string") throw new Error("not a string");
      return peerIdFromString(id).toString();
    } catch {
      throw invalidParams(`peer ${i}: expected a peer id (12D3KooW…)`);
    }
  });
}

function networkOf(api: RpcNodeApi): NonNullable<RpcNodeApi["network"]> {
  if (api.network === null) throw new RpcError(RpcErrorCode.InvalidRequest, "the node runs without networking");
  return api.network;
}

/**
 * `dev_denyPeers([peerId…])`: refuses every connection with these peers, both ways, and closes
 * the open ones; `dev_allowPeers([peerId…])` lifts that; both answer the peers denied afterwards.
 * A 2/2 partition is {A, B} denying {C, D} and {C, D} denying {A, B}.
 */
export function registerDevFaultsRpc(server: RpcServer, api: RpcNodeApi): void {
  server.addMethod("dev_denyPeers", {
    unsafe: true,
    handler: async (params) => {
      const host = networkOf(api).host;
      await host.denyPeers(peerIdsParam(params));
      return host.deniedPeers();
    },
  });
  server.addMethod("dev_allowPeers", {
    unsafe: true,
    handler: (params) => {
      const host = networkOf(api).host;
      host.allowPeers(peerIdsParam(params));
      return host.deniedPeers();
    },
  });
}
