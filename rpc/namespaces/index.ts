import type { RpcNodeApi } from "../nodeApi.ts";
import type { RpcServer } from "../server/index.ts";
import { registerAuthorRpc } from "./author.ts";
import { registerChainRpc } from "./chain.ts";
import { registerControlRpc } from "./control.ts";
import { registerDevicesRpc } from "./devices.ts";
import { faultControlsEnabled, registerDevFaultsRpc } from "./devFaults.ts";
import { registerFlexRpc } from "./flex.ts";
import { registerFinalityRpc } from "./finality.ts";
import { registerForecastRpc } from "./forecast.ts";
import { registerPaymentRpc } from "./payment.ts";
import { registerPogRpc } from "./pog.ts";
import { registerRecsRpc } from "./recs.ts";
import { registerRewardsRpc } from "./rewards.ts";
import { registerStateRpc } from "./state.ts";
import { registerSystemRpc } from "./system.ts";

/** Registers every JSON-RPC namespace on the server. */
export function registerNodeRpc(server: RpcServer, api: RpcNodeApi): void {
  registerSystemRpc(server, api);
  registerChainRpc(server, api);
  registerFinalityRpc(server, api);
  registerStateRpc(server, api);
  registerAuthorRpc(server, api);
  registerPaymentRpc(server, api);
  registerDevicesRpc(server, api);
  registerPogRpc(server, api);
  registerRecsRpc(server, api);
  registerRewardsRpc(server, api);
  registerControlRpc(server, api);
  registerFlexRpc(server, api);
  registerForecastRpc(server, api);
  if (faultControlsEnabled()) registerDevFaultsRpc(server, api);
}
