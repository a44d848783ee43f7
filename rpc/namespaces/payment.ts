import { InvalidTransaction } from "../../runtime/api.ts";
import { invalidParams } from "../errors.ts";
import type { RpcNodeApi } from "../nodeApi.ts";
import type { RpcServer } from "../server/index.ts";
import { expectHex } from "../server/params.ts";
import { positional, stateAtParam } from "./params.ts";

/** The largest extrinsic the runtime accepts is far below this; the runtime's own limit is checked too. */
const MAX_EXTRINSIC_HEX_BYTES = 1024 * 1024;

/** `payment_queryInfo(extrinsic, at?)`: Substrate's fee estimate — `{ weight: { refTime, proofSize }, class, partialFee }`. */
export function registerPaymentRpc(server: RpcServer, api: RpcNodeApi): void {
  server.addMethod("payment_queryInfo", {
    handler: (params) => {
      const [extrinsic, at] = positional(params, 2);
      const bytes = expectHex(extrinsic, "extrinsic", { maxLength: MAX_EXTRINSIC_HEX_BYTES });
      const { hash, state } = stateAtParam(api, at);
      const number = api.chain.header(hash)!.number;
      try {
        const { weight, partialFee } = api.executive.queryInfo(state, bytes, number + 1);
        // Weights are in the runtime's units (≈ 1 ns of execution); this chain does not meter proof size.
        return { weight: { refTime: Number(weight), proofSize: 0 }, class: "normal", partialFee: partialFee.toString() };
      } catch (e) {
        if (e instanceof InvalidTransaction) throw invalidParams(`extrinsic: ${e.type.code}${"reason" in e.type ? `: ${String(e.type.reason)}` : ""}`);
        throw e;
      }
    },
  });
}
