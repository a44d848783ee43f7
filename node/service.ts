import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Registry } from "prom-client";
import { bytesEqual } from "../primitives/bytes.ts";
import { createBlsMetrics, createBlsVerifier } from "../primitives/bls/index.ts";
import { codecs } from "../primitives/codec/index.ts";
import type { Logger } from "../primitives/logger.ts";
import { keypairFromSeed } from "../primitives/keys/ed25519.ts";
import { SlotWorker } from "../consensus/aura/slotWorker.ts";
import { signInstantJustification } from "../consensus/instantFinality.ts";
import { buildChainGenesis, type ChainGenesis, type GenesisHeader } from "../genesis/build.ts";
import type { ChainSpec } from "../genesis/chainSpec.ts";
import { aura, extrinsicHash, pog, system, type Executive, type RuntimeConfig } from "../runtime/api.ts";
import { AuraBlockProposer } from "./authoring/blockProposer.ts";
import { shortHash, type Chain } from "./chain/chain.ts";
import { createChainMetrics } from "./chain/metrics.ts";
import type { PruningRequest } from "./chain/statePruner.ts";
import type { HeadInfo } from "./chain/types.ts";
import { Database, type DatabaseError } from "./db/database.ts";
import { Informant } from "./informant.ts";
import { wallClock } from "./clock.ts";
import { applyJustification, FinalityService, usesFinalityGadget } from "./finality/finalityService.ts";
import { importSyncedRange } from "./finality/syncImport.ts";
import { FinalityProver } from "./finality/finalityProver.ts";
import { SetChangeRecorder } from "./finality/setChangeRecorder.ts";
import { SetChangeRepository } from "./finality/setChangeRepository.ts";
import { NetworkService, type NetworkServiceOpts } from "./network/networkService.ts";
import { OffenceReporter } from "./offences/offenceReporter.ts";
import { MetricsServer, type MetricsServerOpts } from "./metrics/server.ts";
import { openChain } from "./openChain.ts";
import { createReadingsPoolMetrics } from "./readings/metrics.ts";
import { ReadingsPool } from "./readings/readingsPool.ts";
import { SignatureStore } from "./readings/signatureStore.ts";
import { RecProver } from "./recs/recProver.ts";
import { RuntimeReadingValidator } from "./readings/runtimeReadingValidator.ts";
import { TxPool, createTxPoolMetrics } from "./txpool/index.ts";
import { RuntimeTxValidator } from "./txValidator.ts";

export const NODE_VERSION: string = (createRequire(import.meta.url)("../package.json") as { version: string }).version;

export interface NodeOpts {
  spec: ChainSpec;
  /** Where the database lives; null: a temporary directory removed on stop (`--tmp`). */
  basePath: string | null;
  name: string;
  /** The authoring key's secret seed when running as a validator (also its account, for equivocation reports). */
  validatorSeed: Uint8Array | null;
  /** The validator's BLS finality key; null: the node follows finality without voting. */
  finalitySecretKey: Uint8Array | null;
  prometheus: MetricsServerOpts | null;
  /** p2p networking; null runs the node alone (tests, offline tools). */
  network: Omit<NetworkServiceOpts, "basePath" | "chainId" | "protocolId" | "chainType"> | null;
  /** Shifts the node's wall clock (fault scenarios only; node/clock.ts). Default 0. */
  clockOffsetMs?: number;
  /** `--state-pruning` and `--blocks-pruning`; absent: `DEFAULT_PRUNING` for a new database, the stored mode for an existing one. */
  pruning?: PruningRequest;
}

export function databasePath(basePath: string, spec: ChainSpec): string {
  return join(basePath, "chains", spec.id, "db");
}

/** What `GET /health` and `system_health` report. */
export interface NodeHealth {
  peers: number;
  isSyncing: boolean;
  shouldHavePeers: boolean;
}

interface NodeParts {
  spec: ChainSpec;
  name: string;
  chain: Chain;
  pool: TxPool;
  readings: ReadingsPool;
  network: NetworkService | null;
  genesis: GenesisHeader;
  executive: Executive;
  runtimeConfig: RuntimeConfig;
  register: Registry;
  logger: Logger;
  closers: Array<() => Promise<void> | void>;
  finalityProofs: FinalityProver;
  recProofs: RecProver;
}

/**
 * The node service: opens the database and chain, wires the pools, authoring, finality, the
 * network and metrics, and stops them in reverse order. It serves no RPC: the composition root
 * (cli/nodeService.ts) puts the JSON-RPC server on top of it, so that node/ never imports rpc/.
 */
export class ArkreenNode {
  readonly spec: ChainSpec;
  readonly name: string;
  readonly chain: Chain;
  readonly pool: TxPool;
  readonly readings: ReadingsPool;
  /** Null when the node runs without networking. */
  readonly network: NetworkService | null;
  /**
   * The genesis block's header and hash. Its state and trie nodes are not kept: they are only
   * written into a new database, and a million-device genesis holds GBs of them (docs/scale.md).
   */
  readonly genesis: GenesisHeader;
  readonly executive: Executive;
  readonly runtimeConfig: RuntimeConfig;
  readonly register: Registry;
  /** Finality proofs from any authority set to the finalized head (docs/proofs.md). */
  readonly finalityProofs: FinalityProver;
  readonly recProofs: RecProver;
  private readonly logger: Logger;
  private readonly closers: Array<() => Promise<void> | void>;

  private constructor(parts: NodeParts) {
    this.spec = parts.spec;
    this.name = parts.name;
    this.chain = parts.chain;
    this.pool = parts.pool;
    this.readings = parts.readings;
    this.network = parts.network;
    this.genesis = parts.genesis;
    this.executive = parts.executive;
    this.runtimeConfig = parts.runtimeConfig;
    this.register = parts.register;
    this.finalityProofs = parts.finalityProofs;
    this.recProofs = parts.recProofs;
    this.logger = parts.logger;
    this.closers = parts.closers;
  }

  health(): NodeHealth {
    return {
      peers: this.network?.peers().length ?? 0,
      isSyncing: this.network?.isSyncing ?? false,
      shouldHavePeers: this.spec.chainType !== "Development",
    };
  }

  /**
   * `onFatal` hears of a failed database write (a full disk), after authoring and voting have
   * stopped; its owner then stops the node (cli/commands/run.ts exits non-zero).
   */
  static async start(opts: NodeOpts, deps: { logger: Logger; onFatal?: (error: DatabaseError) => void }): Promise<ArkreenNode> {
    const { logger } = deps;
    const { spec } = opts;
    const closers: Array<() => Promise<void> | void> = [];
    const basePath = opts.basePath ?? mkdtempSync(join(tmpdir(), "arkreen-"));
    if (opts.basePath === null) closers.push(() => rmSync(basePath, { recursive: true, force: true }));

    const genesis = buildChainGenesis(spec);
    logger.info(`Chain specification: ${spec.name}`);
    logger.info(`Node name: ${opts.name}`);
    logger.info(`Database: LevelDB at ${databasePath(basePath, spec)}`);
    logger.info(`Genesis block: #0 (${shortHash(genesis.hash)})`);

    const db = await Database.open(databasePath(basePath, spec));
    closers.push(() => db.close());
    try {
      return await ArkreenNode.wire(opts, basePath, { logger, onFatal: deps.onFatal ?? null }, genesis, db, closers);
    } catch (e) {
      for (const close of closers.reverse()) await close();
      throw e;
    }
  }

  private static async wire(
    opts: NodeOpts,
    basePath: string,
    { logger, onFatal }: { logger: Logger; onFatal: ((error: DatabaseError) => void) | null },
    genesisBlock: ChainGenesis,
    db: Database,
    closers: Array<() => Promise<void> | void>,
  ): Promise<ArkreenNode> {
    const register = new Registry();
    /** What stops authoring and voting at once when a database write fails. */
    const halts: Array<() => void> = [];
    const now = wallClock(opts.clockOffsetMs);
    const verifier = await createBlsVerifier({}, { logger: logger.child("bls"), metrics: createBlsMetrics(register) });
    closers.push(() => verifier.close());
    // The readings pool needs the chain, and the chain's import checks ask the pool for signatures it verified.
    let readings: ReadingsPool | null = null;
    const { chain, executive, runtimeConfig } = await openChain(genesisBlock, db, {
      logger: logger.child("chain"),
      metrics: createChainMetrics(register),
      knownReadingSignature: (deviceId, interval, encoded) => readings?.signatureOf(deviceId, interval, encoded),
      now,
      blsVerifier: verifier,
      pruning: opts.pruning,
    });
    closers.push(() => chain.idle());
    // Nothing below holds the genesis block itself: its trie nodes go once `start` returns.
    const genesis: GenesisHeader = { header: genesisBlock.header, hash: genesisBlock.hash };
    logger.info(`Best block: #${chain.best.number} (${shortHash(chain.best.hash)}), finalized #${chain.finalized.number}`);
    const { state, blocks } = chain.pruning;
    logger.info(`State pruning: ${state === "archive" ? "archive (every state kept)" : `the last ${state} finalized states`}; blocks pruning: ${blocks}`);

    const pool = new TxPool({}, { validator: new RuntimeTxValidator({ chain, executive }), logger: logger.child("txpool"), metrics: createTxPoolMetrics(register) });
    const readingsPool = new ReadingsPool(
      {},
      { genesisHash: genesis.hash, validator: new RuntimeReadingValidator({ chain, executive, now }), verifier, logger: logger.child("readings"), metrics: createReadingsPoolMetrics(register) },
    );
    readings = readingsPool;
    // Device signatures of credited readings, for REC proofs (docs/proofs.md): taken from the pool
    // before it drops the readings the new best block carried.
    const signatures = new SignatureStore({}, { db, logger: logger.child("signatures") });
    closers.push(() => signatures.idle());
    chain.on("imported", (block) => {
      if (!block.isNewBest) return;
      if (block.readings.length > 0) {
        const credited = block.readings.map((encoded) => {
          const r = pog.readingCodec.decode(encoded);
          return { deviceId: r.deviceId, interval: r.interval, encoded };
        });
        void signatures.onBlock(block.header.number, credited, (d, i, e) => readingsPool.compressedSignatureOf(d, i, e));
      }
      pool.onBlockImported({ hash: block.hash, number: block.header.number, extrinsicHashes: block.extrinsics.map(extrinsicHash) });
      readingsPool.onBestBlock(block.readings.length);
    });
    // Offences (block equivocations found by import, finality equivocations by the gadget) become
    // reports in the pool, which the network announces like every local submission.
    const offences = new OffenceReporter({ genesisHash: genesis.hash, accountSeed: opts.validatorSeed }, { chain, pool, logger: logger.child("offences") });
    chain.on("blockEquivocation", (detected) => offences.report({ kind: "blockEquivocation", detected }));
    let lastFinalized = chain.finalized.number;
    chain.on("finalized", (head) => {
      // Every block between the previous finalized head and this one is final now.
      for (let n = lastFinalized + 1; n <= head.number; n++) {
        const hash = chain.hashAt(n);
        const block = hash && chain.block(hash);
        if (hash && block) pool.onBlockFinalized({ hash, extrinsicHashes: block.extrinsics.map(extrinsicHash) });
      }
      lastFinalized = head.number;
      void signatures.onFinalized(head.number);
    });

    if (opts.validatorSeed) {
      const seed = opts.validatorSeed;
      const authorityKey = keypairFromSeed(seed).publicKey;
      const authorities = (): Uint8Array[] => aura.authorities(chain.stateAt());
      const isSoleAuthority = (): boolean => {
        const set = authorities();
        return set.length === 1 && bytesEqual(set[0], authorityKey);
      };
      // A single-validator chain finalizes each block as it becomes best (dev finality).
      const finalizeBest = (head: HeadInfo): void => {
        if (!isSoleAuthority()) return;
        chain.finalize(head.hash, signInstantJustification(seed, genesis.hash, head.hash)).catch((e: unknown) => logger.error("Finalization failed", {}, e));
      };
      chain.on("newBest", finalizeBest);
      if (chain.best.number > chain.finalized.number) finalizeBest(chain.best);
      const worker = new SlotWorker(
        { slotDurationMs: runtimeConfig.slotDurationMs, authorityKey },
        {
          proposer: new AuraBlockProposer({ chain, executive, pool, readings: readingsPool, logger: logger.child("aura"), secretSeed: seed, now }),
          authorities,
          logger: logger.child("aura"),
          now,
        },
      );
      worker.start();
      closers.push(() => worker.stop());
      halts.push(() => void worker.stop());
      logger.info(`Authoring as validator`, { slotDurationMs: runtimeConfig.slotDurationMs });
      // Offence reports are signed and paid by the authoring key's account (node/offences): keys
      // from the keystore start with nothing, and their reports would fail on the fee.
      if (system.account(chain.stateAt(), authorityKey).free === 0n) {
        logger.warn("The authoring key's account holds no funds: equivocation reports this node makes cannot pay their fee until it is funded", { account: authorityKey });
      }
    }

    let network: NetworkService | null = null;
    if (opts.network) {
      network = new NetworkService(
        {
          ...opts.network,
          bootnodes: [...opts.network.bootnodes, ...opts.spec.bootNodes],
          basePath,
          chainId: opts.spec.id,
          protocolId: opts.spec.protocolId,
          chainType: opts.spec.chainType,
        },
        { chain, pool, readings: readingsPool, logger, register },
      );
      await network.start();
      const started = network;
      closers.push(() => started.stop());
    }

    // Finality proofs (docs/proofs.md): each authority set hand-over is recorded as it is finalized,
    // while its state is still kept, and proofs are built from those records.
    const setChanges = new SetChangeRepository(db);
    const recorder = new SetChangeRecorder({}, { chain, records: setChanges, logger: logger.child("finality-proofs") });
    await recorder.start();
    closers.push(() => recorder.stop());
    const finalityProofs = new FinalityProver({}, { chain, records: setChanges, recorder });
    const recProofs = new RecProver({}, { chain, finalityProofs, signatures });

    // Finality: the BLS gadget once the chain has several finality authorities; a lone
    // authority finalizes its own blocks (above) and its justifications are applied by sync too.
    network?.setJustificationHandler((hash, bytes) => applyJustification(chain, hash, codecs.justification.decode(bytes), genesis.hash));
    network?.setSyncedRangeImporter((items, imported) => importSyncedRange(chain, items, genesis.hash, imported));
    if (usesFinalityGadget(chain)) {
      const gadgetNetwork = network;
      const finality = new FinalityService(
        { genesisHash: genesis.hash, finalitySecretKey: opts.finalitySecretKey, slotDurationMs: runtimeConfig.slotDurationMs },
        { chain, db, verifier, now, offences, broadcastVote: (bytes) => gadgetNetwork?.announceVote(bytes), logger: logger.child("grandpa"), registry: register },
      );
      network?.setVoteHandler((bytes) => finality.onGossipVote(bytes));
      chain.on("imported", () => finality.poke());
      await finality.start();
      closers.push(() => finality.stop());
      halts.push(() => void finality.stop());
      logger.info(opts.finalitySecretKey ? "BLS finality gadget: voting" : "BLS finality gadget: following");
    }

    if (opts.prometheus) {
      const metricsServer = new MetricsServer(opts.prometheus, { register, logger });
      await metricsServer.listen();
      closers.push(() => metricsServer.close());
    }
    const informant = new Informant({ chain, logger, peers: () => network?.peers().length ?? 0 });
    informant.start();
    closers.push(() => informant.stop());

    // A failed write (also one made while wiring: the listener then runs at once) is fatal. The
    // heads only move after a write succeeds, so memory never runs ahead of the database; halting
    // authoring and voting at once means no block is announced and no vote is sent after it.
    db.onWriteFailure((error) => {
      const advice =
        error.code === "DISK_FULL"
          ? "free space on that disk or move the base path to a larger one, then restart the node: it resumes from the last block it stored"
          : "check the disk and the database directory, then restart the node";
      logger.error(`${error.message}; the node stopped to protect its data: ${advice}`);
      for (const halt of halts.splice(0)) halt();
      onFatal?.(error);
    });

    return new ArkreenNode({ spec: opts.spec, name: opts.name, chain, pool, readings: readingsPool, network, genesis, executive, runtimeConfig, register, logger, closers, finalityProofs, recProofs });
  }

  /** Stops authoring, finality, the network and metrics, then closes the database (reverse start order). */
  async stop(): Promise<void> {
    while (this.closers.length > 0) {
      const close = this.closers.pop() as () => Promise<void> | void;
      await close();
    }
    this.logger.info("Node stopped");
  }
}
