import type { Registry } from "prom-client";
import { codecs } from "../../primitives/codec/index.ts";
import { ArkreenError } from "../../primitives/errors.ts";
import type { Logger } from "../../primitives/logger.ts";
import {
  NetworkError,
  NetworkHost,
  SyncService,
  createNetworkMetrics,
  loadOrCreateNodeKey,
  nodeKeyPath,
  type GossipValidationResult,
  type NetworkHostOpts,
  type PeerInfo,
} from "../../p2p/index.ts";
import type { BlockWithJustification } from "../../p2p/wire.ts";
import { pog } from "../../runtime/api.ts";
import { headerHash, type Chain } from "../chain/chain.ts";
import { crashPoint } from "../crashPoints.ts";
import type { SyncedBlock } from "../finality/syncImport.ts";
import { pendingHandOver } from "../finality/voterSets.ts";
import { BlockImportError } from "../chain/errors.ts";
import { DatabaseError } from "../db/database.ts";
import type { ReadingsPool } from "../readings/readingsPool.ts";
import type { TxPool } from "../txpool/index.ts";
import { Announcer } from "./announcer.ts";
import { validateGossipBlock, validateGossipExtrinsic, validateGossipReading } from "./gossipValidation.ts";

/** The host's options the node takes from its flags and chain spec (p2p/host.ts documents each), and what the service adds. */
export interface NetworkServiceOpts
  extends Pick<NetworkHostOpts, "port" | "listenAddresses" | "bootnodes" | "inPeers" | "outPeers" | "reservedNodes" | "reservedOnly" | "allowPrivateIp" | "discoverLocal" | "publicAddresses"> {
  listenHost: string;
  /** `--node-key`; otherwise the persisted key under the base path (created on first start). */
  nodeKey: Uint8Array | null;
  basePath: string;
  chainId: string;
  /** The chain spec's `protocolId` (the DHT's protocol `/<protocolId>/kad/1.0.0`) and `chainType`. */
  protocolId: string;
  /** Decides `allowPrivateIp` and `discoverLocal` when the flags leave them undefined: allowed / on for Development and Local chains, not for Live ones (Substrate's rule). */
  chainType: string;
}

/** Whether a chain type is a development or local one, where private addresses and mDNS are the norm. */
function isLocalChainType(chainType: string): boolean {
  return chainType === "Development" || chainType === "Local";
}

/** Verifies a synced block's justification and finalizes it (BLS gadget or dev instant finality). */
export type JustificationHandler = (hash: Uint8Array, justification: Uint8Array) => Promise<void>;

/**
 * Imports a decoded synced range and finalizes it with the justifications it needs
 * (node/finality/syncImport.ts); `imported(i)` once block `i` is in.
 */
export type SyncedRangeImporter = (items: SyncedBlock[], imported: (index: number) => void) => Promise<void>;

export interface NetworkServiceDeps {
  chain: Chain;
  pool: TxPool;
  readings: ReadingsPool;
  logger: Logger;
  register: Registry | null;
}

/**
 * The node on the network: the libp2p host (gossip of blocks, extrinsics, readings and votes;
 * status handshake; block-range requests) and range sync, wired to the chain and the pools.
 * What this node authors, votes and accepts locally (RPC, its own reports) goes out through one
 * announcer; what arrives by gossip is validated by the same code paths as local submissions.
 */
export class NetworkService {
  readonly host: NetworkHost;
  readonly sync: SyncService;
  private readonly deps: NetworkServiceDeps;
  private readonly announcer: Announcer;
  private voteHandler: ((data: Uint8Array) => Promise<GossipValidationResult>) | null = null;
  private justificationHandler: JustificationHandler | null = null;
  private rangeImporter: SyncedRangeImporter | null = null;

  constructor(opts: NetworkServiceOpts, deps: NetworkServiceDeps) {
    this.deps = deps;
    const { chain, logger } = deps;
    const metrics = deps.register ? createNetworkMetrics(deps.register) : null;
    const { nodeKey: givenKey, basePath, chainId, chainType, ...hostOpts } = opts;
    const nodeKey = givenKey ?? loadOrCreateNodeKey(nodeKeyPath(basePath, chainId));
    this.host = new NetworkHost(
      {
        ...hostOpts,
        nodeKey,
        allowPrivateIp: opts.allowPrivateIp ?? isLocalChainType(chainType),
        discoverLocal: opts.discoverLocal ?? isLocalChainType(chainType),
      },
      {
        chain,
        blocks: {
          hashAt: (n) => chain.hashAt(n),
          block: (h) => {
            const b = chain.block(h);
            return b && codecs.block.encode(b);
          },
          justification: (h) => {
            const j = chain.justification(h);
            return j && codecs.justification.encode(j);
          },
        },
        logger: logger.child("sub-libp2p"),
        metrics,
      },
    );
    this.announcer = new Announcer({ gossip: this.host, logger });
    this.sync = new SyncService({}, { network: this.host, chain, importBlock: (b, j) => this.importSynced(b, j), importRange: (items, _from, imported) => this.importSyncedRange(items, imported), pendingHandOver: () => pendingHandOver(chain), logger: logger.child("sync"), metrics });
  }

  async start(): Promise<void> {
    const { chain, pool, readings, logger } = this.deps;
    await this.host.start();
    this.host.subscribe("blocks", (data) => validateGossipBlock(chain, data, () => this.sync.trigger(), (m) => logger.debug(m)));
    this.host.subscribe("extrinsics", async (data) => validateGossipExtrinsic(pool, data));
    this.host.subscribe("readings", (data) => validateGossipReading(readings, data));
    this.host.subscribe("votes", (data) => (this.voteHandler ? this.voteHandler(data) : Promise.resolve("ignore")));
    chain.on("imported", (block) => {
      // Announce what this node authored; blocks from the network are forwarded by gossipsub.
      if (block.origin !== "own") return;
      crashPoint("authoring.after-import-before-announce");
      this.announcer.announce("blocks", codecs.block.encode(chain.block(block.hash)!));
    });
    this.announcer.follow("extrinsics", pool, (tx) => tx.bytes);
    this.announcer.follow("readings", readings, (r) => pog.signedReadingCodec.encode(r));
    this.sync.start();
  }

  async stop(): Promise<void> {
    await this.sync.stop();
    await this.host.stop();
  }

  /** Finality votes arriving by gossip go to the finality gadget. */
  setVoteHandler(handler: (data: Uint8Array) => Promise<GossipValidationResult>): void {
    this.voteHandler = handler;
  }

  setJustificationHandler(handler: JustificationHandler): void {
    this.justificationHandler = handler;
  }

  /** How synced ranges are imported; until set, block by block through the justification handler. */
  setSyncedRangeImporter(importer: SyncedRangeImporter): void {
    this.rangeImporter = importer;
  }

  /** A finality vote of this node's (blocks go out when imported as "own", pooled items when accepted locally). */
  announceVote(data: Uint8Array): void {
    this.announcer.announce("votes", data);
  }

  peers(): PeerInfo[] {
    return this.host.peers();
  }

  get isSyncing(): boolean {
    return this.sync.isSyncing;
  }

  private async importSyncedRange(items: readonly BlockWithJustification[], imported: (index: number) => void): Promise<void> {
    const importer = this.rangeImporter;
    if (importer === null) {
      for (let i = 0; i < items.length; i++) {
        await this.importSynced(items[i].block, items[i].justification);
        imported(i);
      }
      return;
    }
    // Undecodable bytes are the peer's fault, as in `importSynced`: decoded outside the try.
    const decoded = items.map((item) => ({ block: codecs.block.decode(item.block), justification: item.justification && codecs.justification.decode(item.justification) }));
    try {
      await importer(decoded, imported);
    } catch (e) {
      if (isLocalImportFailure(e)) throw new NetworkError({ code: "LOCAL_IMPORT_FAILURE", reason: (e as Error).message });
      throw e;
    }
  }

  private async importSynced(blockBytes: Uint8Array, justification: Uint8Array | null): Promise<void> {
    const block = codecs.block.decode(blockBytes);
    try {
      await this.deps.chain.importBlock(block, "network");
      if (justification && this.justificationHandler) await this.justificationHandler(headerHash(block.header), justification);
    } catch (e) {
      if (isLocalImportFailure(e)) throw new NetworkError({ code: "LOCAL_IMPORT_FAILURE", reason: (e as Error).message });
      throw e;
    }
  }
}

/**
 * Failures that say nothing about the peer: our database refused the write (a full disk), the
 * block's slot is ahead of our clock, or an error that is not a verdict on the block at all.
 */
function isLocalImportFailure(e: unknown): boolean {
  if (e instanceof DatabaseError) return true;
  if (e instanceof BlockImportError) return e.type.code === "FUTURE_BLOCK";
  return !(e instanceof ArkreenError);
}
