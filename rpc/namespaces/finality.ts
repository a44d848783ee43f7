import { toHex } from "../../primitives/bytes.ts";
import { FinalityProofError } from "../../node/finality/finalityProver.ts";
import { invalidParams, RpcError, registerErrorMapping } from "../errors.ts";
import type { RpcNodeApi } from "../nodeApi.ts";
import type { RpcServer } from "../server/index.ts";
import { expectNumber } from "../server/params.ts";
import { positional } from "./params.ts";

/**
 * Code of a finality proof the node cannot give (a set it does not know, a hand-over it did not
 * record): beside Substrate's GRANDPA RPC errors, which answer such calls with an error object too.
 */
export const FINALITY_PROOF_CODE = 4020;
registerErrorMapping(FinalityProofError, (e) => new RpcError(FINALITY_PROOF_CODE, e.message, e.toObject()));

/**
 * `finality_proveFinality(fromSetId)` — Substrate's `grandpa_proveFinality` shape for this chain's
 * BLS finality: the encoded finality proof (light/finalityProof.proto, docs/proofs.md) from the
 * authority set `fromSetId` (0: genesis) to the latest finalized block, as hex; null while nothing
 * past genesis is finalized. At most 8 MiB: a longer history answers `complete: false` inside the
 * proof, and the caller asks again from the set the proof ended with.
 */
export function registerFinalityRpc(server: RpcServer, api: RpcNodeApi): void {
  server.addMethod("finality_proveFinality", {
    handler: async (params) => {
      const [from] = positional(params, 1);
      if (from === undefined) throw invalidParams("fromSetId: expected a set id (0 for the genesis set)");
      const fromSetId = expectNumber(from, "fromSetId", { integer: true, min: 0, max: 0xffffffff });
      if (!api.finalityProofs) throw new RpcError(FINALITY_PROOF_CODE, "This node serves no finality proofs");
      try {
        return toHex(await api.finalityProofs.prove(fromSetId));
      } catch (e) {
        if (e instanceof FinalityProofError && e.code === "NOTHING_FINALIZED") return null;
        throw e;
      }
    },
  });
}
