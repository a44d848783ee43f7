import { EventEmitter } from "node:events";
import { createLibp2p } from "libp2p";
import type { Libp2p } from "@libp2p/interface";
import { tcp } from "@libp2p/tcp";
import { noise } from "@chainsafe/libp2p-noise";
import { yamux } from "@chainsafe/libp2p-yamux";
import { identify } from "@libp2p/identify";
import { ping } from "@libp2p/ping";
import { kadDHT, passthroughMapper, removePrivateAddressesMapper, type KadDHT, type SingleKadDHT } from "@libp2p/kad-dht";
import { mdns } from "@libp2p/mdns";
import { gossipsub, StrictNoSign } from "@libp2p/gossipsub";
import { peerIdFromString } from "@libp2p/peer-id";
import { multiaddr } from "@multiformats/multiaddr";
import type { Multiaddr } from "@multiformats/multiaddr";
import type { Logger } from "../primitives/logger.ts";
import { requestBlocks } from "./blockRequest.ts";
import { BlockServer } from "./blockServer.ts";
import type { BlockSource } from "./blockServer.ts";
import { PeerDenySet, peerConnectionGater } from "./connectionGate.ts";
import { Discovery } from "./discovery.ts";
import { DEFAULT_IN_PEERS, DEFAULT_OUT_PEERS, PeerSet, addressPeerId, parsePeerAddress } from "./peerSet.ts";
import { NetworkError } from "./errors.ts";
import { GossipRouter, gossipMessageId } from "./gossip.ts";
import type { GossipValidator, ValidatingGossipSub } from "./gossip.ts";
import type { NetworkMetrics } from "./metrics.ts";
import { nodePrivateKey } from "./nodeKey.ts";
import type { PenaltyReason } from "./peerScore.ts";
import { PeerReputation } from "./peerReputation.ts";
import { GOSSIP_KINDS, GOSSIP_MAX_BYTES, blocksProtocol, genesisPrefix, gossipTopic, kadProtocol, mdnsServiceTag, statusProtocol } from "./protocols.ts";
import type { GossipKind } from "./protocols.ts";
import { StatusHandshake } from "./statusHandshake.ts";
import type { ChainStatus, PeerInfo } from "./statusHandshake.ts";
import type { BlockWithJustification, ChainStatusMessage } from "./wire.ts";

/** The DHT's record validator: this node keeps no records, public keys included. */
async function refuseRecord(): Promise<void> {
  throw new Error("this DHT stores no records");
}

export interface NetworkHostOpts {
  /** TCP port to listen on; 0 picks a free one (see `listenAddresses()`). Substrate's default is 30333. */
  port: number;
  /** Interface to listen on (default 0.0.0.0), on `port`; ignored when `listenAddresses` are given. */
  listenHost?: string;
  /** TCP multiaddrs to listen on (`--listen-addr`, IPv4 and IPv6), instead of `listenHost` and `port`. */
  listenAddresses?: string[];
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
  /**
   * The chain spec's `protocolId`: the Kademlia protocol is `/<protocolId>/kad/1.0.0` (Substrate's
   * form). Default `arkreen-<genesis prefix>`.
   */
  protocolId?: string;
  /** `--in-peers` (default 32) and `--out-peers` (default 8), Substrate's defaults. */
  inPeers?: number;
  outPeers?: number;
  /** `--reserved-nodes`: multiaddrs with `/p2p/<peer id>`, always kept connected, outside the slot limits. */
  reservedNodes?: string[];
  /** `--reserved-only`: connect to reserved peers only, both ways; no discovery dials. */
  reservedOnly?: boolean;
  /** Whether private and loopback addresses learned from the network may be dialled (default true). */
  allowPrivateIp?: boolean;
  /** `--discover-local`: mDNS on the local network (default false here; the node decides by chain type). */
  discoverLocal?: boolean;
  /** `--public-addr`: addresses announced to peers (identify, DHT) beside the listen addresses. */
  publicAddresses?: string[];
  /** Discovery timings, for tests (see discovery.ts). */
  discoveryFillIntervalMs?: number;
  discoveryWalkMinIntervalMs?: number;
}

export interface NetworkHostDeps {
  chain: ChainStatus;
  blocks: BlockSource;
  logger: Logger;
  metrics: NetworkMetrics | null;
  /** Clock for scores, bans and rate limits (default Date.now). */
  now?: () => number;
}

export interface NetworkHostEvents {
  "peer:status": [peer: PeerInfo];
  "peer:disconnected": [peerId: string];
}

/**
 * Request streams one connection may have open per protocol. libp2p's default is 32; a syncing
 * peer has one block request in flight and a status exchange is one stream, so 4 leaves room for
 * retries while one peer cannot make us hold dozens of half-read requests.
 */
const MAX_INBOUND_REQUEST_STREAMS = 4;
/**
 * Connections libp2p keeps at most: the in and out slots (Substrate's 32 and 8 by default), the
 * reserved peers, and this headroom for the short-lived connections of DHT queries. It bounds the
 * memory (gossipsub state, yamux windows) a crowd of idle connections can pin.
 */
const CONNECTION_HEADROOM = 16;
/** Connection attempts per second from one remote host before libp2p refuses more (its default is 5). */
const INBOUND_CONNECTIONS_PER_SECOND_PER_HOST = 5;
/** Inbound connections still in the Noise/Yamux upgrade at once (libp2p's default). */
const MAX_PENDING_INBOUND_CONNECTIONS = 10;

/**
 * The node's libp2p host: TCP + Noise + Yamux with identify, ping and gossipsub, bootnode dialling
 * and the connection limits. It mounts the status handshake (statusHandshake.ts), which keeps only
 * peers of our chain, and the block-range protocol (blockServer.ts, blockRequest.ts), and its
 * peer reputation (peerReputation.ts) disconnects and bans misbehaving peers.
 */
export class NetworkHost extends EventEmitter<NetworkHostEvents> {
  private readonly opts: NetworkHostOpts;
  private readonly deps: NetworkHostDeps;
  private readonly log: Logger;
  private readonly reputation: PeerReputation;
  private readonly handshake: StatusHandshake;
  private readonly blockServer: BlockServer;
  /** Test-only partitions (see connectionGate.ts); empty on a production node. */
  private readonly denied = new PeerDenySet();
  private readonly bootnodes: Multiaddr[];
  private readonly peerSet: PeerSet;
  private discovery: Discovery | null = null;
  private node: Libp2p<{ pubsub: ValidatingGossipSub; dht: KadDHT }> | null = null;
  private router: GossipRouter | null = null;
  private timers: NodeJS.Timeout[] = [];

  constructor(opts: NetworkHostOpts, deps: NetworkHostDeps) {
    super();
    this.opts = opts;
    this.deps = deps;
    this.log = deps.logger;
    const now = deps.now ?? Date.now;
    const disconnect = (peerId: string): Promise<void> => this.disconnect(peerId);
    this.reputation = new PeerReputation({ banDurationMs: opts.banDurationMs }, { logger: this.log, metrics: deps.metrics, now, disconnect });
    this.handshake = new StatusHandshake(
      { statusTimeoutMs: opts.statusTimeoutMs },
      {
        chain: deps.chain,
        libp2p: () => this.node,
        reputation: this.reputation,
        disconnect,
        onStatus: (peer) => this.emit("peer:status", peer),
        logger: this.log,
        metrics: deps.metrics,
        now,
        kadProtocol: kadProtocol(opts.protocolId ?? `arkreen-${genesisPrefix(deps.chain.genesisHash)}`),
      },
    );
    this.blockServer = new BlockServer({ blocksTimeoutMs: opts.blocksTimeoutMs }, { blocks: deps.blocks, reputation: this.reputation, logger: this.log, metrics: deps.metrics, now });
    this.bootnodes = opts.bootnodes.map((address) => parsePeerAddress(address, "bootnode").address);
    this.peerSet = new PeerSet(
      { inPeers: opts.inPeers ?? DEFAULT_IN_PEERS, outPeers: opts.outPeers ?? DEFAULT_OUT_PEERS, reservedOnly: opts.reservedOnly ?? false, allowPrivateIp: opts.allowPrivateIp ?? true },
      this.bootnodes.map((a) => addressPeerId(a) as string),
    );
    for (const address of opts.reservedNodes ?? []) this.peerSet.addReserved(address);
  }

  get peerId(): string {
    return this.libp2p.peerId.toString();
  }

  /** The underlying libp2p node, for diagnostics and tests. */
  get libp2p(): Libp2p<{ pubsub: ValidatingGossipSub; dht: KadDHT }> {
    if (this.node === null) throw new NetworkError({ code: "NOT_STARTED" });
    return this.node;
  }

  /** Addresses we listen on, each with `/p2p/<our peer id>`: what other nodes use as a bootnode. */
  listenAddresses(): string[] {
    return this.libp2p.getMultiaddrs().map((a) => a.toString());
  }

  /** The Kademlia protocol id this node speaks: `/<protocolId>/kad/1.0.0`. */
  get kadProtocol(): string {
    return kadProtocol(this.opts.protocolId ?? `arkreen-${genesisPrefix(this.deps.chain.genesisHash)}`);
  }

  async start(): Promise<void> {
    const genesisHash = this.deps.chain.genesisHash;
    const peerSet = this.peerSet;
    const refused = (peer: string): boolean => this.reputation.isBanned(peer) || this.denied.has(peer) || peerSet.refusesPeer(peer);
    const node = await createLibp2p({
      start: false,
      privateKey: await nodePrivateKey(this.opts.nodeKey),
      addresses: { listen: this.opts.listenAddresses ?? [`/ip4/${this.opts.listenHost ?? "0.0.0.0"}/tcp/${this.opts.port}`], appendAnnounce: this.opts.publicAddresses ?? [] },
      transports: [tcp()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      connectionManager: {
        maxConnections: peerSet.opts.inPeers + peerSet.opts.outPeers + (this.opts.reservedNodes?.length ?? 0) + CONNECTION_HEADROOM,
        inboundConnectionThreshold: INBOUND_CONNECTIONS_PER_SECOND_PER_HOST,
        maxIncomingPendingConnections: MAX_PENDING_INBOUND_CONNECTIONS,
      },
      connectionGater: peerConnectionGater(refused, {
        inbound: (peer) => !peerSet.acceptsInbound(peer, this.connectedPeers("inbound", peer), this.node !== null && this.node.getConnections(peerIdFromString(peer)).length > 0),
        dialAddress: (address) => !peerSet.mayDialAddress(address),
      }),
      peerDiscovery: this.opts.discoverLocal === true ? [mdns({ serviceTag: mdnsServiceTag(genesisHash), interval: 10_000 })] : [],
      services: {
        identify: identify(),
        ping: ping(),
        // Kademlia as Substrate runs it: one DHT per chain (its protocol id), every node a server.
        // It stores no records for anyone: kad-dht keeps its own `pk` validator unless it is
        // replaced, so it is replaced by one that refuses (every PUT_VALUE is refused); provider
        // records expire within a minute; queries are bounded per connection by its stream limits
        // and our in-peers limit.
        dht: kadDHT({
          protocol: this.kadProtocol,
          clientMode: false,
          peerInfoMapper: peerSet.opts.allowPrivateIp ? passthroughMapper : removePrivateAddressesMapper,
          validators: { pk: refuseRecord },
          selectors: {},
          providers: { provideValidity: 60, cleanupInterval: 60 },
          maxInboundStreams: 8,
          maxOutboundStreams: 16,
          logPrefix: "libp2p:kad-dht",
        }),
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
    await node.handle(statusProtocol(genesisHash), (stream, connection) => this.handshake.serve(stream, connection.remotePeer), streamLimits);
    await node.handle(blocksProtocol(genesisHash), (stream, connection) => this.blockServer.serve(stream, connection.remotePeer), streamLimits);
    node.addEventListener("peer:connect", (event) => {
      // A connection that passed the gater just before its peer was denied.
      if (this.denied.has(event.detail.toString())) void this.disconnect(event.detail.toString());
      else void this.handshake.exchange(event.detail);
    });
    node.addEventListener("peer:disconnect", (event) => this.onDisconnect(event.detail.toString()));
    this.router.start();
    await node.start();
    this.log.info(`Local node identity is: ${node.peerId.toString()}`);
    for (const address of this.listenAddresses()) this.log.info("Listening for new connections", { address });
    this.dialBootnodes();
    this.timers.push(setInterval(() => this.dialBootnodes(), this.opts.bootnodeRedialMs ?? 5000));
    this.discovery = new Discovery(
      { fillIntervalMs: this.opts.discoveryFillIntervalMs, walkMinIntervalMs: this.opts.discoveryWalkMinIntervalMs },
      {
        libp2p: () => this.node,
        // Out slots hold peers of our chain: a DHT-only connection (a query to a peer) takes none.
        wantsOutbound: () => peerSet.wantsOutbound(this.connectedPeers("outbound", undefined, true)),
        outboundShortfall: () => peerSet.opts.outPeers - this.connectedPeers("outbound", undefined, true),
        mayDial: (peer) => !refused(peer),
        logger: this.log,
      },
    );
    this.discovery.start();
    this.timers.push(setInterval(() => this.handshake.refresh(), this.opts.statusIntervalMs ?? 10_000));
    this.timers.push(setInterval(() => this.reputation.prune(), 60_000));
  }

  async stop(): Promise<void> {
    this.discovery?.stop();
    this.discovery = null;
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    this.router?.stop();
    await this.node?.stop();
    this.node = null;
    this.router = null;
    this.handshake.clear();
  }

  /** Peers that completed the handshake, with their latest status. */
  peers(): PeerInfo[] {
    return this.handshake.peers();
  }

  peerStatus(peerId: string): ChainStatusMessage | undefined {
    return this.handshake.peerStatus(peerId);
  }

  /** The app-level score of a peer (0 neutral, negative after penalties). */
  peerScore(peerId: string): number {
    return this.reputation.score(peerId);
  }

  isBanned(peerId: string): boolean {
    return this.reputation.isBanned(peerId);
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
    this.reputation.report(peerId, reason);
  }

  /** Asks a peer for `count` canonical blocks from `from`; a bad answer or a timeout penalises the peer. */
  requestBlocks(peerId: string, from: number, count: number): Promise<BlockWithJustification[]> {
    return requestBlocks(
      { peerId, from, count },
      { libp2p: () => this.libp2p, genesisHash: this.deps.chain.genesisHash, reputation: this.reputation, timeoutMs: this.opts.blocksTimeoutMs ?? 10_000 },
    );
  }

  private gossip(): GossipRouter {
    if (this.router === null) throw new NetworkError({ code: "NOT_STARTED" });
    return this.router;
  }

  /** Adds a reserved peer (`system_addReservedPeer`) and dials it; returns its peer id. */
  addReservedPeer(address: string): string {
    const peer = this.peerSet.addReserved(address);
    this.log.info("Added reserved peer", { peer });
    this.dialBootnodes();
    return peer;
  }

  /** Removes a reserved peer (`system_removeReservedPeer`); with `--reserved-only` it is disconnected. */
  async removeReservedPeer(peerId: string): Promise<boolean> {
    const removed = this.peerSet.removeReserved(peerId);
    if (removed) this.log.info("Removed reserved peer", { peer: peerId });
    if (removed && this.peerSet.refusesPeer(peerId)) await this.disconnect(peerId);
    return removed;
  }

  reservedPeers(): string[] {
    return this.peerSet.reservedPeers();
  }

  /**
   * Peers with a connection in this direction, reserved peers not counted (`except`: one peer left
   * out; `chainPeersOnly`: only peers that completed the status handshake).
   */
  private connectedPeers(direction: "inbound" | "outbound", except?: string, chainPeersOnly = false): number {
    const peers = new Set<string>();
    for (const connection of this.node?.getConnections() ?? []) {
      const peer = connection.remotePeer.toString();
      if (chainPeersOnly && this.handshake.peerStatus(peer) === undefined) continue;
      if (connection.direction === direction && peer !== except && !this.peerSet.isReserved(peer)) peers.add(peer);
    }
    return peers.size;
  }

  /**
   * What `system_networkState` answers (Substrate's shape, trimmed to what this node knows): our
   * id and addresses, each connected peer with how the connection came about and its known
   * addresses, the peers known but not connected, the peer set's slots and the DHT.
   */
  async networkState(): Promise<NetworkState> {
    const node = this.libp2p;
    const handshaked = new Set(this.peers().map((p) => p.peerId));
    const connectedPeers: NetworkState["connectedPeers"] = {};
    const known = async (peer: string): Promise<string[]> =>
      (await node.peerStore.get(peerIdFromString(peer)).catch(() => null))?.addresses.map((a) => a.multiaddr.toString()) ?? [];
    for (const connection of node.getConnections()) {
      const peer = connection.remotePeer.toString();
      if (connectedPeers[peer] !== undefined) continue;
      const address = connection.remoteAddr.toString();
      connectedPeers[peer] = {
        endpoint: connection.direction === "outbound" ? { dialing: address } : { listening: { sendBackAddr: address } },
        knownAddresses: await known(peer),
        handshaked: handshaked.has(peer),
        reserved: this.peerSet.isReserved(peer),
      };
    }
    const notConnectedPeers: NetworkState["notConnectedPeers"] = {};
    const self = node.peerId.toString();
    for (const peer of await node.peerStore.all({ limit: 1000 })) {
      const id = peer.id.toString();
      if (id === self || connectedPeers[id] !== undefined) continue;
      notConnectedPeers[id] = { knownAddresses: peer.addresses.map((a) => a.multiaddr.toString()) };
    }
    const external = this.listenAddresses();
    const announced = new Set((this.opts.publicAddresses ?? []).map((a) => multiaddr(a).toString()));
    const dht = node.services.dht as SingleKadDHT;
    return {
      peerId: self,
      listenedAddresses: external.filter((a) => ![...announced].some((p) => a.startsWith(p))),
      externalAddresses: external,
      connectedPeers,
      notConnectedPeers,
      peerset: {
        inPeers: this.peerSet.opts.inPeers,
        outPeers: this.peerSet.opts.outPeers,
        inbound: this.connectedPeers("inbound"),
        outbound: this.connectedPeers("outbound"),
        reservedOnly: this.peerSet.opts.reservedOnly,
        reservedPeers: this.reservedPeers(),
      },
      dht: { protocol: this.kadProtocol, mode: dht.getMode(), routingTableSize: dht.routingTable.size, randomWalks: this.discovery?.walks ?? 0 },
    };
  }

  private dialBootnodes(): void {
    const node = this.node;
    if (node === null) return;
    for (const address of [...this.bootnodes, ...this.peerSet.reservedAddresses()]) {
      const peer = address.getComponents().find((c) => c.name === "p2p")?.value as string;
      if (peer === node.peerId.toString() || this.reputation.isBanned(peer) || this.denied.has(peer) || node.getConnections(peerIdFromString(peer)).length > 0) continue;
      node.dial(address).catch((error: unknown) => this.log.debug("Bootnode dial failed", { address: address.toString(), error: String(error) }));
    }
  }

  private async disconnect(peerId: string): Promise<void> {
    this.onDisconnect(peerId);
    await this.node?.hangUp(peerIdFromString(peerId)).catch(() => {});
  }

  private onDisconnect(peerId: string): void {
    if (this.handshake.forget(peerId)) this.emit("peer:disconnected", peerId);
  }
}

/** `system_networkState`'s answer (see `NetworkHost.networkState`). */
export interface NetworkState {
  peerId: string;
  listenedAddresses: string[];
  externalAddresses: string[];
  connectedPeers: Record<
    string,
    { endpoint: { dialing: string } | { listening: { sendBackAddr: string } }; knownAddresses: string[]; handshaked: boolean; reserved: boolean }
  >;
  notConnectedPeers: Record<string, { knownAddresses: string[] }>;
  peerset: { inPeers: number; outPeers: number; inbound: number; outbound: number; reservedOnly: boolean; reservedPeers: string[] };
  dht: { protocol: string; mode: "client" | "server"; routingTableSize: number; randomWalks: number };
}
