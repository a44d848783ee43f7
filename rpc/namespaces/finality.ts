import { toHex } from "../../primitives/bytes.ts";
import { FinalityProofError } from "../../node/finality/finalityProver.ts";
import { invalidParams, RpcError, RpcErrorCode, registerErrorMapping } from "../errors.ts";
import type { RpcNodeApi } from "../nodeApi.ts";
import type { RpcServer } from "../server/index.ts";
import type { RpcCallContext } from "../server/types.ts";
import { expectNumber } from "../server/params.ts";
import { positional } from "./params.ts";

/**
 * Code of a finality proof the node cannot give (a set it does not know, a hand-over it did not
 * record): beside Substrate's GRANDPA RPC errors, which answer such calls with an error object too.
 */
export const FINALITY_PROOF_CODE = 4020;
registerErrorMapping(FinalityProofError, (e) => new RpcError(FINALITY_PROOF_CODE, e.message, e.toObject()));

/**
 * Bytes of a proof answer (`finality_proveFinality`, `rec_prove`) per call of the connection's
 * rate-limit budget. Building and hex-encoding a proof costs in proportion to its size, and an
 * answer runs to 8 MiB (finality) or 16 MiB (REC bundle) against ~100 bytes for an ordinary call:
 * at one call per answer, the default budget (6,000 a minute) let one connection ask for ~90 GiB
 * of proofs a minute. One call per MiB leaves a typical proof (one fragment per set hand-over,
 * ~4 KB each) at one call.
 */
export const PROOF_BYTES_PER_CALL = 1024 * 1024;

/**
 * Charges the calls beyond the first for `method`'s `units` of work (the call itself took one),
 * or refuses the call as rate-limited when the connection's budget does not hold them.
 */
export function chargeCalls(ctx: RpcCallContext, units: number, method: string, what: string): void {
  if (ctx.budget && units > 1 && !ctx.budget.tryCharge(units - 1)) {
    throw new RpcError(RpcErrorCode.RateLimited, "RPC rate limit exceeded", `${method} costs ${what}: ${units} calls of this connection's budget`);
  }
}

/** Charges a proof answer of `bytes` bytes: one call per started `PROOF_BYTES_PER_CALL`. */
export function chargeProofBytes(ctx: RpcCallContext, bytes: number, method: string): void {
  chargeCalls(ctx, Math.ceil(bytes / PROOF_BYTES_PER_CALL), method, `one call per MiB of its answer (${bytes} bytes)`);
}

/**
 * `finality_proveFinality(fromSetId)` — Substrate's `grandpa_proveFinality` shape for this chain's
 * BLS finality: the encoded finality proof (light/finalityProof.proto, docs/proofs.md) from the
 * authority set `fromSetId` (0: genesis) to the latest finalized block, as hex; null while nothing
 * past genesis is finalized. At most 8 MiB: a longer history answers `complete: false` inside the
 * proof, and the caller asks again from the set the proof ended with. Costs one call of the
 * connection's budget per MiB of the proof (`PROOF_BYTES_PER_CALL`).
 */
export function registerFinalityRpc(server: RpcServer, api: RpcNodeApi): void {
  server.addMethod("finality_proveFinality", {
    handler: async (params, ctx) => {
      const [from] = positional(params, 1);
      if (from === undefined) throw invalidParams("fromSetId: expected a set id (0 for the genesis set)");
      const fromSetId = expectNumber(from, "fromSetId", { integer: true, min: 0, max: 0xffffffff });
      if (!api.finalityProofs) throw new RpcError(FINALITY_PROOF_CODE, "This node serves no finality proofs");
      try {
        const proof = await api.finalityProofs.prove(fromSetId);
        chargeProofBytes(ctx, proof.length, "finality_proveFinality");
        return toHex(proof);
      } catch (e) {
        if (e instanceof FinalityProofError && e.code === "NOTHING_FINALIZED") return null;
        throw e;
      }
    },
  });
}
