import { EventEmitter } from "node:events";
import { createLibp2p } from "libp2p";
import type { Libp2p, PeerId, Stream } from "@libp2p/interface";
import { tcp } from "@libp2p/tcp";
import { noise } from "@chainsafe/libp2p-noise";
import { yamux } from "@chainsafe/libp2p-yamux";
import { identify } from "@libp2p/identify";
import { ping } from "@libp2p/ping";
import { gossipsub, StrictNoSign } from "@libp2p/gossipsub";
import { peerIdFromString } from "@libp2p/peer-id";
import { multiaddr } from "@multiformats/multiaddr";
import type { Multiaddr } from "@multiformats/multiaddr";
import { bytesEqual } from "../primitives/bytes.ts";
import type { Logger } from "../primitives/logger.ts";
import { PeerDenySet, peerConnectionGater } from "./connectionGate.ts";
import { NetworkError } from "./errors.ts";
import { GossipRouter, gossipMessageId } from "./gossip.ts";
import type { GossipValidator, ValidatingGossipSub } from "./gossip.ts";
import type { NetworkMetrics } from "./metrics.ts";
import { nodePrivateKey } from "./nodeKey.ts";
import { PeerScoreBook } from "./peerScore.ts";
import type { PenaltyReason } from "./peerScore.ts";
import { GOSSIP_KINDS, GOSSIP_MAX_BYTES, blocksProtocol, gossipTopic, statusProtocol } from "./protocols.ts";
import type { GossipKind } from "./protocols.ts";
import { PeerRateLimiter } from "./rateLimiter.ts";
import { readRequest, sendRequest, writeResponse } from "./reqResp.ts";
import {
  BLOCKS_REQUEST_LENGTH,
  STATUS_LENGTH,
  decodeBlockItem,
  decodeBlocksRequest,
  decodeStatus,
  encodeBlockItem,
  encodeBlocksRequest,
  encodeStatus,
} from "./wire.ts";
import type { BlockRef, BlockWithJustification, ChainStatusMessage } from "./wire.ts";

/** What the host tells peers about our chain; read afresh for every handshake. */
export interface ChainStatus {
  readonly genesisHash: Uint8Array;
  readonly best: BlockRef;
  readonly finalized: BlockRef;
}

/** Serves block-range requests: canonical hashes by number, encoded blocks and justifications by hash. */
export interface BlockSource {
  hashAt(number: number): Uint8Array | undefined;
  block(hash: Uint8Array): Uint8Array | undefined;
  justification(hash: Uint8Array): Uint8Array | undefined;
}

export interface NetworkHostOpts {
  /** TCP port to listen on; 0 picks a free one (see `listenAddresses()`). Substrate's default is 30333. */
  port: number;
  /** Interface to listen on (default 0.0.0.0). */
  listenHost?: string;
  /** Multiaddrs ending in `/p2p/<peer id>` (`--bootnodes` and the chain spec's `bootNodes`). */
  bootnodes: string[];
  /** The 32-byte ed25519 node key secret (see nodeKey.ts). */
  nodeKey: Uint8Array;
  /** How often unconnected bootnodes are redialled (default 5 s). */
  bootnodeRedialMs?: number;
  /** How often the status of every connected peer is refreshed (default 10 s). */
  statusIntervalMs?: number;
  /** Timeout of one block-range request (default 10 s) and of a status exchange (default 5 s). */
  blocksTimeoutMs?: number;
  statusTimeoutMs?: number;
  /** How long a peer that fell below the ban threshold, or is on another chain, is refused (default 5 min). */
  banDurationMs?: number;
}

export interface NetworkHostDeps {
  chain: ChainStatus;
  blocks: BlockSource;
  logger: Logger;
  metrics: NetworkMetrics | null;
  /** Clock for scores, bans and rate limits (default Date.now). */
  now?: () => number;
}

/** A connected peer that completed the status handshake. */
export interface PeerInfo {
  peerId: string;
  status: ChainStatusMessage;
}

export interface NetworkHostEvents {
  "peer:status": [peer: PeerInfo];
  "peer:disconnected": [peerId: string];
}

/** Most blocks one range request may ask for (Substrate's `MAX_BLOCKS_IN_RESPONSE`). */
export const MAX_BLOCKS_PER_REQUEST = 128;
/**
 * A response stops growing past 16 MiB (at least one block is always sent): two maximal blocks,
 * or all 128 blocks of an ordinary range, without letting one request pin hundreds of MiB.
 */
export const MAX_RESPONSE_BYTES = 16 * 1024 * 1024;
/** A block item may carry a justification beside an 8 MiB block; these stay far below 1 MiB. */
const MAX_BLOCK_ITEM_BYTES = GOSSIP_MAX_BYTES.blocks + 1024 * 1024;
/**
 * Block-range requests per peer: a syncing peer asks for the next range as soon as it imported
 * the last, a few per second at most on this chain's block sizes; 10/s with a burst of 20 never
 * slows an honest sync and caps what one peer can make us read from disk.
 */
const BLOCK_REQUESTS_PER_SECOND = 10;
const BLOCK_REQUESTS_BURST = 20;
/**
 * Status exchanges per peer: each side sends one on connect and one every `statusIntervalMs`
 * (10 s by default), so 1/s with a burst of 5 is ten times what an honest peer needs.
 */
const STATUS_REQUESTS_PER_SECOND = 1;
const STATUS_REQUESTS_BURST = 5;
/**
 * Request streams one connection may have open per protocol. libp2p's default is 32; a syncing
 * peer has one block request in flight and a status exchange is one stream, so 4 leaves room for
 * retries while one peer cannot make us hold dozens of half-read requests.
 */
const MAX_INBOUND_REQUEST_STREAMS = 4;
/**
 * Connections, inbound and outbound together. Substrate's defaults are 32 in and 8 out; this
 * chain's networks are validator sets and their followers, so 64 is ample and bounds the memory
 * (gossipsub state, yamux windows) a crowd of idle connections can pin.
 */
const MAX_CONNECTIONS = 64;
/** Connection attempts per second from one remote host before libp2p refuses more (its default is 5). */
const INBOUND_CONNECTIONS_PER_SECOND_PER_HOST = 5;
/** Inbound connections still in the Noise/Yamux upgrade at once (libp2p's default). */
const MAX_PENDING_INBOUND_CONNECTIONS = 10;

/**
 * The node's libp2p host: TCP + Noise + Yamux with identify, ping and gossipsub; the status
 * handshake that keeps only peers of our chain; the block-range protocol, server and client; and
 * app-level peer scores that disconnect and ban misbehaving peers.
 */
export class NetworkHost extends EventEmitter<NetworkHostEvents> {
  private readonly opts: NetworkHostOpts;
  private readonly deps: NetworkHostDeps;
  private readonly log: Logger;
  private readonly scores: PeerScoreBook;
  private readonly blockRequests: PeerRateLimiter;
  private readonly statusRequests: PeerRateLimiter;
  private readonly statuses = new Map<string, ChainStatusMessage>();
  /** Test-only partitions (see connectionGate.ts); empty on a production node. */
  private readonly denied = new PeerDenySet();
  private readonly bootnodes: Multiaddr[];
  private node: Libp2p<{ pubsub: ValidatingGossipSub }> | null = null;
  private router: GossipRouter | null = null;
  private timers: NodeJS.Timeout[] = [];

  constructor(opts: NetworkHostOpts, deps: NetworkHostDeps) {
    super();
    this.opts = opts;
    this.deps = deps;
    this.log = deps.logger;
    const now = deps.now ?? Date.now;
    this.scores = new PeerScoreBook({ banDurationMs: opts.banDurationMs }, { now });
    this.blockRequests = new PeerRateLimiter({ perSecond: BLOCK_REQUESTS_PER_SECOND, burst: BLOCK_REQUESTS_BURST }, { now });
    this.statusRequests = new PeerRateLimiter({ perSecond: STATUS_REQUESTS_PER_SECOND, burst: STATUS_REQUESTS_BURST }, { now });
    this.bootnodes = opts.bootnodes.map((address) => {
      const addr = multiaddr(address);
      if (addr.getComponents().find((c) => c.name === "p2p") === undefined) {
        throw new NetworkError({ code: "BAD_REQUEST", reason: `bootnode ${address} has no /p2p/<peer id>` });
      }
      return addr;
    });
  }

  get peerId(): string {
    return this.libp2p.peerId.toString();
  }

  /** The underlying libp2p node, for diagnostics and tests. */
  get libp2p(): Libp2p<{ pubsub: ValidatingGossipSub }> {
    if (this.node === null) throw new NetworkError({ code: "NOT_STARTED" });
    return this.node;
  }

  /** Addresses we listen on, each with `/p2p/<our peer id>`: what other nodes use as a bootnode. */
  listenAddresses(): string[] {
    return this.libp2p.getMultiaddrs().map((a) => a.toString());
  }

  async start(): Promise<void> {
    const genesisHash = this.deps.chain.genesisHash;
    const node = await createLibp2p({
      start: false,
      privateKey: await nodePrivateKey(this.opts.nodeKey),
      addresses: { listen: [`/ip4/${this.opts.listenHost ?? "0.0.0.0"}/tcp/${this.opts.port}`] },
      transports: [tcp()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      connectionManager: {
        maxConnections: MAX_CONNECTIONS,
        inboundConnectionThreshold: INBOUND_CONNECTIONS_PER_SECOND_PER_HOST,
        maxIncomingPendingConnections: MAX_PENDING_INBOUND_CONNECTIONS,
      },
      connectionGater: peerConnectionGater((peer) => this.scores.isBanned(peer) || this.denied.has(peer)),
      services: {
        identify: identify(),
        ping: ping(),
        // The package types gossipsub as its public interface; the service is the implementation,
        // which also has `reportMessageValidationResult` (see ValidatingGossipSub).
        pubsub: gossipsub({
          globalSignaturePolicy: StrictNoSign,
          msgIdFn: gossipMessageId,
          asyncValidation: true,
          allowPublishToZeroTopicPeers: true,
          ignoreDuplicatePublishError: true,
          allowedTopics: GOSSIP_KINDS.map((kind) => gossipTopic(genesisHash, kind)),
          // A frame may hold one maximal block plus the RPC envelope; bigger frames are not decoded.
          maxInboundDataLength: GOSSIP_MAX_BYTES.blocks + 64 * 1024,
          // Two minutes, gossipsub's default, made explicit: far longer than a message takes to
          // cross the network, so a message is validated and forwarded once per node.
          seenTTL: 2 * 60_000,
          fallbackToFloodsub: false,
        }) as (components: Parameters<ReturnType<typeof gossipsub>>[0]) => ValidatingGossipSub,
      },
    });
    this.node = node;
    this.router = new GossipRouter({
      pubsub: node.services.pubsub,
      genesisHash,
      onInvalid: (peer, reason) => this.reportPeer(peer, reason),
      logger: this.log,
      metrics: this.deps.metrics,
    });
    const streamLimits = { maxInboundStreams: MAX_INBOUND_REQUEST_STREAMS };
    await node.handle(statusProtocol(genesisHash), (stream, connection) => this.serveStatus(stream, connection.remotePeer), streamLimits);
    await node.handle(blocksProtocol(genesisHash), (stream, connection) => this.serveBlocks(stream, connection.remotePeer), streamLimits);
    node.addEventListener("peer:connect", (event) => {
      // A connection that passed the gater just before its peer was denied.
      if (this.denied.has(event.detail.toString())) void this.disconnect(event.detail.toString());
      else void this.exchangeStatus(event.detail);
    });
    node.addEventListener("peer:disconnect", (event) => this.onDisconnect(event.detail.toString()));
    this.router.start();
    await node.start();
    this.log.info(`Local node identity is: ${node.peerId.toString()}`);
    for (const address of this.listenAddresses()) this.log.info("Listening for new connections", { address });
    this.dialBootnodes();
    this.timers.push(setInterval(() => this.dialBootnodes(), this.opts.bootnodeRedialMs ?? 5000));
    this.timers.push(setInterval(() => this.refreshStatuses(), this.opts.statusIntervalMs ?? 10_000));
    this.timers.push(setInterval(() => this.scores.prune(), 60_000));
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    this.router?.stop();
    await this.node?.stop();
    this.node = null;
    this.router = null;
    this.statuses.clear();
    this.deps.metrics?.peers.set(0);
  }

  /** Peers that completed the handshake, with their latest status. */
  peers(): PeerInfo[] {
    return [...this.statuses].map(([peerId, status]) => ({ peerId, status }));
  }

  peerStatus(peerId: string): ChainStatusMessage | undefined {
    return this.statuses.get(peerId);
  }

  /** The app-level score of a peer (0 neutral, negative after penalties). */
  peerScore(peerId: string): number {
    return this.scores.score(peerId);
  }

  isBanned(peerId: string): boolean {
    return this.scores.isBanned(peerId);
  }

  /** Registers the validator of a gossip kind and subscribes to its topic. */
  subscribe(kind: GossipKind, validator: GossipValidator): void {
    this.gossip().subscribe(kind, validator);
  }

  /** Peers in our gossip mesh for a kind's topic. */
  meshPeers(kind: GossipKind): string[] {
    return this.gossip().meshPeers(kind);
  }

  /** Whether any connected peer subscribes to a kind's topic. */
  hasSubscribers(kind: GossipKind): boolean {
    return this.gossip().hasSubscribers(kind);
  }

  /** Publishes to a gossip topic; returns the number of peers it went to. */
  publish(kind: GossipKind, data: Uint8Array): Promise<number> {
    return this.gossip().publish(kind, data);
  }

  /**
   * Test-only network faults: refuses every connection with these peers, both ways, and closes
   * the open ones, so that no gossip, status or sync passes until `allowPeers`.
   */
  async denyPeers(peerIds: readonly string[]): Promise<void> {
    const added = this.denied.add(peerIds);
    if (added.length > 0) this.log.info("Denied peers", { peers: added.join(",") });
    await Promise.all(added.map((peer) => this.disconnect(peer)));
  }

  /** Lifts `denyPeers` and redials the bootnodes among them at once. */
  allowPeers(peerIds: readonly string[]): void {
    const removed = this.denied.delete(peerIds);
    if (removed.length > 0) this.log.info("Allowed peers", { peers: removed.join(",") });
    this.dialBootnodes();
  }

  deniedPeers(): string[] {
    return this.denied.list();
  }

  /** Penalises a peer; one that falls below the ban threshold is disconnected and banned. */
  reportPeer(peerId: string, reason: PenaltyReason): void {
    this.deps.metrics?.peerPenalties.inc({ reason });
    const { score, banned } = this.scores.penalise(peerId, reason);
    this.log.debug("Peer penalised", { peer: peerId, reason, score });
    if (banned) {
      this.deps.metrics?.peerBans.inc({ reason });
      this.log.info("Banned peer", { peer: peerId, reason });
      void this.disconnect(peerId);
    }
  }

  /** Asks a peer for `count` canonical blocks from `from`; a bad answer or a timeout penalises the peer. */
  async requestBlocks(peerId: string, from: number, count: number): Promise<BlockWithJustification[]> {
    if (!Number.isInteger(count) || count < 1 || count > MAX_BLOCKS_PER_REQUEST) {
      throw new NetworkError({ code: "BAD_REQUEST", reason: `count must be 1..${MAX_BLOCKS_PER_REQUEST}` });
    }
    const protocol = blocksProtocol(this.deps.chain.genesisHash);
    try {
      const frames = await sendRequest(this.libp2p, peerIdFromString(peerId), protocol, encodeBlocksRequest({ from, count }), {
        timeoutMs: this.opts.blocksTimeoutMs ?? 10_000,
        maxItems: count,
        maxItemBytes: MAX_BLOCK_ITEM_BYTES,
        maxTotalBytes: MAX_RESPONSE_BYTES + MAX_BLOCK_ITEM_BYTES,
      });
      const items = frames.map(decodeBlockItem);
      items.forEach((item, i) => {
        if (item.number !== from + i) throw new NetworkError({ code: "BAD_RESPONSE", peer: peerId, protocol, reason: `expected block #${from + i}, got #${item.number}` });
      });
      return items;
    } catch (error) {
      if (error instanceof NetworkError && error.type.code === "REQUEST_TIMEOUT") this.reportPeer(peerId, "request_timeout");
      else this.reportPeer(peerId, "bad_sync_response");
      throw error;
    }
  }

  private gossip(): GossipRouter {
    if (this.router === null) throw new NetworkError({ code: "NOT_STARTED" });
    return this.router;
  }

  private ourStatus(): ChainStatusMessage {
    const { genesisHash, best, finalized } = this.deps.chain;
    return { genesisHash, best, finalized };
  }

  private dialBootnodes(): void {
    const node = this.node;
    if (node === null) return;
    for (const address of this.bootnodes) {
      const peer = address.getComponents().find((c) => c.name === "p2p")?.value as string;
      if (peer === node.peerId.toString() || this.scores.isBanned(peer) || this.denied.has(peer) || node.getConnections(peerIdFromString(peer)).length > 0) continue;
      node.dial(address).catch((error: unknown) => this.log.debug("Bootnode dial failed", { address: address.toString(), error: String(error) }));
    }
  }

  private refreshStatuses(): void {
    for (const peerId of this.statuses.keys()) void this.exchangeStatus(peerIdFromString(peerId));
  }

  /** Sends our status and records the peer's answer; a peer that cannot answer is not on our chain. */
  private async exchangeStatus(peer: PeerId): Promise<void> {
    const node = this.node;
    if (node === null) return;
    try {
      const frames = await sendRequest(node, peer, statusProtocol(this.deps.chain.genesisHash), encodeStatus(this.ourStatus()), {
        timeoutMs: this.opts.statusTimeoutMs ?? 5000,
        maxItems: 1,
        maxItemBytes: STATUS_LENGTH,
        maxTotalBytes: STATUS_LENGTH,
      });
      if (frames.length !== 1) throw new NetworkError({ code: "BAD_RESPONSE", peer: peer.toString(), protocol: "status", reason: "no status" });
      this.recordStatus(peer.toString(), decodeStatus(frames[0]));
    } catch (error) {
      if (this.node === null || node.getConnections(peer).length === 0) return;
      this.log.debug("Status handshake failed", { peer: peer.toString(), error: String(error) });
      const code = error instanceof NetworkError ? error.type.code : "";
      // Our status protocol id carries our genesis prefix: a peer that does not speak it is on
      // another chain and will never be useful. A slow or broken handshake costs score and the
      // connection; the peer may come back.
      if (code === "PROTOCOL_UNSUPPORTED") this.reportPeer(peer.toString(), "wrong_genesis");
      else this.reportPeer(peer.toString(), code === "REQUEST_TIMEOUT" ? "request_timeout" : "bad_status");
      void this.disconnect(peer.toString());
    }
  }

  private async serveStatus(stream: Stream, peer: PeerId): Promise<void> {
    if (!this.statusRequests.take(peer.toString())) {
      stream.abort(new NetworkError({ code: "RATE_LIMITED", peer: peer.toString() }));
      this.reportPeer(peer.toString(), "rate_limited");
      return;
    }
    try {
      const request = await readRequest(stream, STATUS_LENGTH, this.opts.statusTimeoutMs ?? 5000);
      const status = decodeStatus(request);
      if (!this.recordStatus(peer.toString(), status)) {
        stream.abort(new Error("wrong genesis"));
        return;
      }
      await writeResponse(stream, [encodeStatus(this.ourStatus())], this.opts.statusTimeoutMs ?? 5000);
    } catch (error) {
      stream.abort(error instanceof Error ? error : new Error(String(error)));
      this.reportPeer(peer.toString(), "bad_status");
      void this.disconnect(peer.toString());
    }
  }

  /** Keeps the peer's status if it is on our chain; otherwise bans and disconnects it. */
  private recordStatus(peerId: string, status: ChainStatusMessage): boolean {
    if (!bytesEqual(status.genesisHash, this.deps.chain.genesisHash)) {
      this.reportPeer(peerId, "wrong_genesis");
      return false;
    }
    if (this.node === null || this.node.getConnections(peerIdFromString(peerId)).length === 0) return false;
    const isNew = !this.statuses.has(peerId);
    this.statuses.set(peerId, status);
    this.deps.metrics?.peers.set(this.statuses.size);
    if (isNew) this.log.debug("Peer connected", { peer: peerId, best: status.best.number, finalized: status.finalized.number });
    this.emit("peer:status", { peerId, status });
    return true;
  }

  private async serveBlocks(stream: Stream, peer: PeerId): Promise<void> {
    const peerId = peer.toString();
    const reading = readRequest(stream, BLOCKS_REQUEST_LENGTH, this.opts.blocksTimeoutMs ?? 10_000);
    if (!this.blockRequests.take(peerId)) {
      reading.catch(() => {});
      stream.abort(new NetworkError({ code: "RATE_LIMITED", peer: peerId }));
      this.deps.metrics?.blockRequestsServed.inc({ outcome: "rate_limited" });
      this.reportPeer(peerId, "rate_limited");
      return;
    }
    try {
      const request = decodeBlocksRequest(await reading);
      if (request.count < 1 || request.count > MAX_BLOCKS_PER_REQUEST) throw new NetworkError({ code: "BAD_REQUEST", reason: `count ${request.count}` });
      await writeResponse(stream, this.collectBlocks(request.from, request.count), this.opts.blocksTimeoutMs ?? 10_000);
      this.deps.metrics?.blockRequestsServed.inc({ outcome: "ok" });
    } catch (error) {
      stream.abort(error instanceof Error ? error : new Error(String(error)));
      this.deps.metrics?.blockRequestsServed.inc({ outcome: "bad_request" });
      this.log.debug("Block request failed", { peer: peerId, error: String(error) });
      // A malformed or out-of-range request is the peer's fault; a stream that broke while we
      // answered may be the network's, so only the former costs score.
      if (error instanceof NetworkError && error.type.code === "BAD_REQUEST") this.reportPeer(peerId, "bad_request");
    }
  }

  private collectBlocks(from: number, count: number): Uint8Array[] {
    const items: Uint8Array[] = [];
    let total = 0;
    for (let number = from; number < from + count; number++) {
      const hash = this.deps.blocks.hashAt(number);
      const block = hash === undefined ? undefined : this.deps.blocks.block(hash);
      if (hash === undefined || block === undefined) break;
      const item = encodeBlockItem({ number, block, justification: this.deps.blocks.justification(hash) ?? null });
      if (items.length > 0 && total + item.length > MAX_RESPONSE_BYTES) break;
      items.push(item);
      total += item.length;
    }
    return items;
  }

  private async disconnect(peerId: string): Promise<void> {
    this.onDisconnect(peerId);
    await this.node?.hangUp(peerIdFromString(peerId)).catch(() => {});
  }

  private onDisconnect(peerId: string): void {
    if (!this.statuses.delete(peerId)) return;
    this.deps.metrics?.peers.set(this.statuses.size);
    this.emit("peer:disconnected", peerId);
  }
}
