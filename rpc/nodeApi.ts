import type { ChainSpec } from "../genesis/chainSpec.ts";
import type { Chain } from "../node/chain/chain.ts";
import type { NetworkService } from "../node/network/networkService.ts";
import type { ReadingsPool } from "../node/readings/readingsPool.ts";
import type { TxPool } from "../node/txpool/index.ts";
import type { Executive, RuntimeConfig } from "../runtime/api.ts";
import type { FinalityProver } from "../node/finality/finalityProver.ts";
import type { RecProver } from "../node/recs/recProver.ts";
import type { AuthorKeystore } from "./namespaces/author.ts";

/** What the RPC namespaces need from the node. */
export interface RpcNodeApi {
  chain: Pick<Chain, "best" | "finalized" | "genesisHash" | "header" | "block" | "justification" | "hashAt" | "stateAt" | "on" | "off">;
  pool: Pick<TxPool, "submit" | "watch" | "pending" | "status" | "nextNonce">;
  readings: ReadingsPool;
  /** Fee estimates (`payment_queryInfo`). */
  executive: Pick<Executive, "queryInfo">;
  /** Null when the node runs without networking. */
  network: Pick<NetworkService, "peers" | "host"> | null;
  spec: ChainSpec;
  runtimeConfig: RuntimeConfig;
  nodeName: string;
  version: string;
  health(): { peers: number; isSyncing: boolean; shouldHavePeers: boolean };
  /** The node's keystore, for the author_* key methods; absent or null: those methods answer that there is none. */
  keystore?: AuthorKeystore | null;
  /** Finality proofs (`finality_proveFinality`); absent or null: the method answers that there are none. */
  finalityProofs?: Pick<FinalityProver, "prove"> | null;
  /** REC proof bundles (`rec_prove`); absent or null: the method answers that there are none. */
  recProofs?: Pick<RecProver, "prove"> | null;
}
