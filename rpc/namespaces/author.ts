import { toHex } from "../../primitives/bytes.ts";
import { TxPoolError, type TxStatus } from "../../node/txpool/index.ts";
import { RpcError, registerErrorMapping } from "../errors.ts";
import type { RpcNodeApi } from "../nodeApi.ts";
import type { RpcServer } from "../server/index.ts";
import { expectArray, expectHex } from "../server/params.ts";

/** Largest extrinsic accepted over RPC; the runtime's own limit is checked again by the pool. */
const MAX_EXTRINSIC_HEX_BYTES = 1024 * 1024;

// Substrate's author errors: 1010 invalid, 1013 already imported, 1014 priority too low...
registerErrorMapping(TxPoolError, (e) => new RpcError(e.rpcCode, e.message, e.type.code === "INVALID" ? e.type.detail ?? e.type.reason : undefined));

/** `TransactionStatus` as Substrate serializes it: a string, or `{ variant: data }`. */
export function txStatusJson(status: TxStatus): unknown {
  switch (status.type) {
    case "future":
    case "ready":
    case "dropped":
    case "invalid":
      return status.type;
    case "inBlock":
    case "finalized":
    case "finalityTimeout":
      return { [status.type]: toHex(status.blockHash) };
    case "usurped":
      return { usurped: toHex(status.by) };
  }
}

const TERMINAL = new Set<TxStatus["type"]>(["finalized", "finalityTimeout", "usurped", "dropped", "invalid"]);

function extrinsicParam(params: unknown): Uint8Array {
  return expectHex(expectArray(params, 1)[0], "extrinsic", { maxLength: MAX_EXTRINSIC_HEX_BYTES });
}

export function registerAuthorRpc(server: RpcServer, api: RpcNodeApi): void {
  server.addMethod("author_submitExtrinsic", {
    handler: (params) => toHex(api.pool.submit(extrinsicParam(params)).hash),
  });
  server.addMethod("author_pendingExtrinsics", {
    handler: () => api.pool.pending().map((tx) => toHex(tx.bytes)),
  });
  server.addSubscription({
    subscribe: "author_submitAndWatchExtrinsic",
    notification: "author_extrinsicUpdate",
    unsubscribe: "author_unwatchExtrinsic",
    start: (params, sink) => {
      const tx = api.pool.submit(extrinsicParam(params));
      const initial = api.pool.status(tx.hash);
      if (initial) sink.notify(txStatusJson(initial));
      const unwatch = api.pool.watch(tx.hash, (status) => {
        sink.notify(txStatusJson(status));
        if (TERMINAL.has(status.type)) sink.close();
      });
      return unwatch;
    },
  });
}
