import { buildGenesisBlock, type GenesisBlock } from "../genesis/build.ts";
import type { ChainSpec } from "../genesis/chainSpec.ts";
import type { Chain } from "../node/chain/chain.ts";
import { Database } from "../node/db/database.ts";
import { openChain } from "../node/openChain.ts";
import type { PruningRequest } from "../node/chain/statePruner.ts";
import { databasePath } from "../node/service.ts";
import type { Logger } from "../primitives/logger.ts";

/**
 * The chain alone, without authoring or RPC: for export-blocks and import-blocks, and for `run` to
 * read the best state before the node starts (with the node's `pruning`, so that a new database is
 * made as the node would make it).
 */
export async function openChainOnly(spec: ChainSpec, basePath: string, logger: Logger, pruning?: PruningRequest): Promise<{ chain: Chain; genesis: GenesisBlock; close(): Promise<void> }> {
  const genesis = buildGenesisBlock(spec);
  const db = await Database.open(databasePath(basePath, spec));
  try {
    const { chain } = await openChain(genesis, db, { logger, metrics: null, pruning });
    return {
      chain,
      genesis,
      close: async () => {
        await chain.idle();
        await db.close();
      },
    };
  } catch (e) {
    await db.close();
    throw e;
  }
}
