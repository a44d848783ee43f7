import type { ChainGenesis } from "../genesis/build.ts";
import { AuraHeaderVerifier } from "../consensus/aura/verifier.ts";
import { createBlsVerifier, type IBlsAggregateVerifier } from "../primitives/bls/index.ts";
import type { Logger } from "../primitives/logger.ts";
import { aura, Executive, type RuntimeConfig, type StateReader } from "../runtime/api.ts";
import { Chain } from "./chain/chain.ts";
import type { ChainMetrics } from "./chain/metrics.ts";
import type { PruningRequest } from "./chain/statePruner.ts";
import type { Database } from "./db/database.ts";
import { ChainDatabase } from "./db/repositories.ts";
import { BlockReadingsVerifier, type KnownReadingSignature } from "./readings/blockReadingsVerifier.ts";

/**
 * Aura accepts blocks up to one slot ahead of the local clock: honest clocks drift a little,
 * and refusing a block that is early by less than a slot would only delay its import.
 */
const MAX_FUTURE_SLOTS = 1;

export interface OpenedChain {
  chain: Chain;
  executive: Executive;
  runtimeConfig: RuntimeConfig;
}

/** The runtime, the Aura header verifier and the chain on an open database. */
export interface OpenChainDeps {
  logger: Logger;
  metrics: ChainMetrics | null;
  /** Signatures of readings this node verified already (its readings pool); none for offline tools. */
  knownReadingSignature?: KnownReadingSignature;
  /** The wall clock for the future-slot check (node/clock.ts); Date.now by default. */
  now?: () => number;
  /**
   * Verifies blocks' readings aggregates: the node's BLS worker pool, so that a block's pairing
   * (up to seconds) never runs on the main thread. Offline tools (import-blocks) leave it out and
   * verify on their one thread.
   */
  blsVerifier?: IBlsAggregateVerifier;
  /** `--state-pruning`/`--blocks-pruning` as given; absent (or a field absent): the defaults for a new database, the stored state mode for an existing one. */
  pruning?: PruningRequest;
}

export async function openChain(genesis: ChainGenesis, db: Database, deps: OpenChainDeps): Promise<OpenedChain> {
  const { runtimeConfig } = genesis;
  const executive = new Executive(genesis.hash);
  const verifier = new AuraHeaderVerifier<StateReader>(
    { slotDurationMs: runtimeConfig.slotDurationMs, maxFutureSlots: MAX_FUTURE_SLOTS },
    { authorities: (state) => aura.authorities(state), parentSlot: (state) => aura.currentSlot(state), now: deps.now ?? Date.now },
  );
  const blsVerifier = deps.blsVerifier ?? (await createBlsVerifier({ mode: "single-thread" }, { logger: deps.logger, metrics: null }));
  const bodyVerifier = new BlockReadingsVerifier({ genesisHash: genesis.hash, knownSignature: deps.knownReadingSignature ?? (() => undefined), verifier: blsVerifier });
  const chain = await Chain.open({ db: new ChainDatabase(db), genesis, executive, verifier, bodyVerifier, logger: deps.logger, metrics: deps.metrics, pruning: deps.pruning });
  return { chain, executive, runtimeConfig };
}
