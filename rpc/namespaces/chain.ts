import { toHex } from "../../primitives/bytes.ts";
import type { Justification } from "../../primitives/codec/index.ts";
import type { HeadInfo } from "../../node/chain/types.ts";
import { invalidParams } from "../errors.ts";
import { headerJson, signedBlockJson } from "../format.ts";
import type { RpcNodeApi } from "../nodeApi.ts";
import type { RpcServer } from "../server/index.ts";
import { registerAuthorshipRpc } from "./authorship.ts";
import { blockHashParam, positional } from "./params.ts";

/**
 * Block numbers per `chain_getBlockHash` list (Substrate takes a list of any length): each is a
 * lookup in the canonical-chain index, and the answer ~70 bytes. 1,024, a batch's worth, keeps a
 * call under a millisecond and its answer under 72 KB; an explorer wanting more sends more calls,
 * each counted by the rate limit. The length is checked before any number is looked up.
 */
const MAX_BLOCK_NUMBERS = 1024;

/** A block number as Substrate accepts it: a non-negative integer or a hex string. */
function blockNumberParam(value: unknown): number {
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) return value;
  if (typeof value === "string" && /^0x[0-9a-fA-F]{1,8}$/.test(value)) return parseInt(value, 16);
  throw invalidParams("block number: expected a non-negative integer or a hex string");
}

export function registerChainRpc(server: RpcServer, api: RpcNodeApi): void {
  server.addMethod("chain_getHeader", {
    handler: (params) => {
      const header = api.chain.header(blockHashParam(api, positional(params, 1)[0], "hash"));
      return header ? headerJson(header) : null;
    },
  });
  server.addMethod("chain_getBlock", {
    handler: (params) => {
      const hash = blockHashParam(api, positional(params, 1)[0], "hash");
      const block = api.chain.block(hash);
      return block ? signedBlockJson(block, api.chain.justification(hash)) : null;
    },
  });
  server.addMethod("chain_getBlockHash", {
    handler: (params) => {
      const p = positional(params, 1)[0];
      if (p === undefined || p === null) return toHex(api.chain.best.hash);
      const hashOf = (n: unknown): string | null => {
        const hash = api.chain.hashAt(blockNumberParam(n));
        return hash ? toHex(hash) : null;
      };
      if (!Array.isArray(p)) return hashOf(p);
      if (p.length > MAX_BLOCK_NUMBERS) throw invalidParams(`block numbers: expected at most ${MAX_BLOCK_NUMBERS}, got ${p.length}`);
      return p.map(hashOf);
    },
  });
  server.addMethod("chain_getFinalizedHead", { handler: () => toHex(api.chain.finalized.hash) });
  registerAuthorshipRpc(server, api);

  server.addSubscription({
    subscribe: "chain_subscribeNewHeads",
    notification: "chain_newHead",
    unsubscribe: "chain_unsubscribeNewHeads",
    start: (_params, sink) => {
      const listener = (head: HeadInfo): void => sink.notify(headerJson(head.header));
      sink.notify(headerJson(api.chain.best.header));
      api.chain.on("newBest", listener);
      return () => api.chain.off("newBest", listener);
    },
  });
  server.addSubscription({
    subscribe: "chain_subscribeFinalizedHeads",
    notification: "chain_finalizedHead",
    unsubscribe: "chain_unsubscribeFinalizedHeads",
    start: (_params, sink) => {
      const listener = (head: HeadInfo, _j: Justification | null): void => sink.notify(headerJson(head.header));
      sink.notify(headerJson(api.chain.finalized.header));
      api.chain.on("finalized", listener);
      return () => api.chain.off("finalized", listener);
    },
  });
}
