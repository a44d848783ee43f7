import type { Libp2p, PeerId, Stream } from "@libp2p/interface";
import { peerIdFromString } from "@libp2p/peer-id";
import { bytesEqual } from "../primitives/bytes.ts";
import type { Logger } from "../primitives/logger.ts";
import { NetworkError } from "./errors.ts";
import type { NetworkMetrics } from "./metrics.ts";
import type { PeerReputation } from "./peerReputation.ts";
import { statusProtocol } from "./protocols.ts";
import { PeerRateLimiter } from "./rateLimiter.ts";
import { readRequest, sendRequest, writeResponse } from "./reqResp.ts";
import { STATUS_LENGTH, decodeStatus, encodeStatus } from "./wire.ts";
import type { BlockRef, ChainStatusMessage } from "./wire.ts";

/** What the host tells peers about our chain; read afresh for every handshake. */
export interface ChainStatus {
  readonly genesisHash: Uint8Array;
  readonly best: BlockRef;
  readonly finalized: BlockRef;
}

/** A connected peer that completed the status handshake. */
export interface PeerInfo {
  peerId: string;
  status: ChainStatusMessage;
}

/**
 * Status exchanges per peer: each side sends one on connect and one every `statusIntervalMs`
 * (10 s by default), so 1/s with a burst of 5 is ten times what an honest peer needs.
 */
const STATUS_REQUESTS_PER_SECOND = 1;
const STATUS_REQUESTS_BURST = 5;

export interface StatusHandshakeOpts {
  /** Timeout of a status exchange (default 5 s). */
  statusTimeoutMs?: number;
}

export interface StatusHandshakeDeps {
  chain: ChainStatus;
  /** The running libp2p node; null before start and after stop. */
  libp2p: () => Libp2p | null;
  reputation: PeerReputation;
  disconnect: (peerId: string) => Promise<void>;
  /** Called with every status a peer of our chain sends or answers. */
  onStatus: (peer: PeerInfo) => void;
  logger: Logger;
  metrics: NetworkMetrics | null;
  now: () => number;
  /**
   * Our Kademlia protocol: a peer that speaks it but no status protocol at all is a DHT client (a
   * stock libp2p peer looking up our peers), kept connected but never a chain peer.
   */
  kadProtocol?: string;
}

/**
 * DHT-only peers (no chain's status protocol) kept connected at once: enough for a few lookups by
 * tools and light clients, a quarter of the default 32 in-peers, so such peers can never fill the
 * inbound slots chain peers need.
 */
const MAX_DHT_CLIENTS = 8;

/** How long we wait for a peer's identify before judging which protocols it speaks. */
const IDENTIFY_WAIT_MS = 2000;

/**
 * The status protocol, both sides: on connect (and every `statusIntervalMs`) each side sends its
 * genesis, best and finalized blocks and records the other's. Only peers of our chain are kept;
 * the kept statuses are the host's peer list, and what sync picks its peers from.
 */
export class StatusHandshake {
  private readonly opts: StatusHandshakeOpts;
  private readonly deps: StatusHandshakeDeps;
  private readonly requests: PeerRateLimiter;
  private readonly statuses = new Map<string, ChainStatusMessage>();
  /** Connected peers that speak only our DHT (stock libp2p peers looking peers up). */
  private readonly dhtClients = new Set<string>();

  constructor(opts: StatusHandshakeOpts, deps: StatusHandshakeDeps) {
    this.opts = opts;
    this.deps = deps;
    this.requests = new PeerRateLimiter({ perSecond: STATUS_REQUESTS_PER_SECOND, burst: STATUS_REQUESTS_BURST }, { now: deps.now });
  }

  /** Peers that completed the handshake, with their latest status. */
  peers(): PeerInfo[] {
    return [...this.statuses].map(([peerId, status]) => ({ peerId, status }));
  }

  peerStatus(peerId: string): ChainStatusMessage | undefined {
    return this.statuses.get(peerId);
  }

  /** Exchanges statuses again with every peer that completed the handshake. */
  refresh(): void {
    for (const peerId of this.statuses.keys()) void this.exchange(peerIdFromString(peerId));
  }

  /** Drops a disconnected peer; false when it never completed the handshake. */
  forget(peerId: string): boolean {
    this.dhtClients.delete(peerId);
    if (!this.statuses.delete(peerId)) return false;
    this.deps.metrics?.peers.set(this.statuses.size);
    return true;
  }

  /** Forgets every peer (the host stopped). */
  clear(): void {
    this.statuses.clear();
    this.dhtClients.clear();
    this.deps.metrics?.peers.set(0);
  }

  /** Sends our status and records the peer's answer; a peer that cannot answer is not on our chain. */
  async exchange(peer: PeerId): Promise<void> {
    const node = this.deps.libp2p();
    if (node === null) return;
    try {
      const frames = await sendRequest(node, peer, statusProtocol(this.deps.chain.genesisHash), encodeStatus(this.ourStatus()), {
        timeoutMs: this.opts.statusTimeoutMs ?? 5000,
        maxItems: 1,
        maxItemBytes: STATUS_LENGTH,
        maxTotalBytes: STATUS_LENGTH,
      });
      if (frames.length !== 1) throw new NetworkError({ code: "BAD_RESPONSE", peer: peer.toString(), protocol: "status", reason: "no status" });
      this.record(peer.toString(), decodeStatus(frames[0]));
    } catch (error) {
      if (this.deps.libp2p() === null || node.getConnections(peer).length === 0) return;
      this.deps.logger.debug("Status handshake failed", { peer: peer.toString(), error: String(error) });
      const code = error instanceof NetworkError ? error.type.code : "";
      // Our status protocol id carries our genesis prefix: a peer that does not speak it is on
      // another chain and will never be useful. A slow or broken handshake costs score and the
      // connection; the peer may come back.
      if (code === "PROTOCOL_UNSUPPORTED") {
        if (await this.isDhtClient(node, peer)) {
          // Kept, but only a few at once: otherwise throwaway identities speaking only the DHT
          // would hold every inbound slot (they count against --in-peers) and shut chain peers out.
          if (this.dhtClients.size >= MAX_DHT_CLIENTS) {
            this.deps.logger.debug("DHT-only peer over the limit, disconnected", { peer: peer.toString() });
            void this.deps.disconnect(peer.toString());
            return;
          }
          this.dhtClients.add(peer.toString());
          this.deps.logger.debug("DHT-only peer (no status protocol)", { peer: peer.toString() });
          return;
        }
        this.deps.reputation.report(peer.toString(), "wrong_genesis");
      } else this.deps.reputation.report(peer.toString(), code === "REQUEST_TIMEOUT" ? "request_timeout" : "bad_status");
      void this.deps.disconnect(peer.toString());
    }
  }

  /**
   * Whether a peer that does not speak our status protocol speaks our DHT and no other chain's
   * status protocol (`/arkreen/<prefix>/status/1`): such a peer only looks peers up. One that
   * speaks another chain's status protocol is of another chain, whatever DHT it shares with us.
   */
  private async isDhtClient(node: Libp2p, peer: PeerId): Promise<boolean> {
    const kad = this.deps.kadProtocol;
    if (kad === undefined) return false;
    const known = async (): Promise<{ protocols: string[]; identified: boolean }> => {
      const record = await node.peerStore.get(peer).catch(() => null);
      // Identify writes the agent version with the full protocol list; before it completes the
      // store holds only the protocols negotiated so far (the DHT's, after a query).
      return { protocols: record?.protocols ?? [], identified: record?.metadata.has("AgentVersion") ?? false };
    };
    const first = await known();
    let spoken = first.protocols;
    if (!first.identified) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          node.removeEventListener("peer:identify", onIdentify);
          resolve();
        };
        const onIdentify = (event: CustomEvent<{ peerId: PeerId }>): void => {
          if (event.detail.peerId.equals(peer)) done();
        };
        const timer = setTimeout(done, IDENTIFY_WAIT_MS);
        node.addEventListener("peer:identify", onIdentify);
      });
      spoken = (await known()).protocols;
    }
    return spoken.includes(kad) && !spoken.some((p) => /^\/arkreen\/[^/]+\/status\//.test(p));
  }

  /** Answers a peer's status request with ours. */
  async serve(stream: Stream, peer: PeerId): Promise<void> {
    if (!this.requests.take(peer.toString())) {
      stream.abort(new NetworkError({ code: "RATE_LIMITED", peer: peer.toString() }));
      this.deps.reputation.report(peer.toString(), "rate_limited");
      return;
    }
    try {
      const request = await readRequest(stream, STATUS_LENGTH, this.opts.statusTimeoutMs ?? 5000);
      const status = decodeStatus(request);
      if (!this.record(peer.toString(), status)) {
        stream.abort(new Error("wrong genesis"));
        return;
      }
      await writeResponse(stream, [encodeStatus(this.ourStatus())], this.opts.statusTimeoutMs ?? 5000);
    } catch (error) {
      stream.abort(error instanceof Error ? error : new Error(String(error)));
      this.deps.reputation.report(peer.toString(), "bad_status");
      void this.deps.disconnect(peer.toString());
    }
  }

  private ourStatus(): ChainStatusMessage {
    const { genesisHash, best, finalized } = this.deps.chain;
    return { genesisHash, best, finalized };
  }

  /** Keeps the peer's status if it is on our chain; otherwise bans and disconnects it. */
  private record(peerId: string, status: ChainStatusMessage): boolean {
    if (!bytesEqual(status.genesisHash, this.deps.chain.genesisHash)) {
      this.deps.reputation.report(peerId, "wrong_genesis");
      return false;
    }
    const node = this.deps.libp2p();
    if (node === null || node.getConnections(peerIdFromString(peerId)).length === 0) return false;
    const isNew = !this.statuses.has(peerId);
    this.statuses.set(peerId, status);
    this.deps.metrics?.peers.set(this.statuses.size);
    if (isNew) this.deps.logger.debug("Peer connected", { peer: peerId, best: status.best.number, finalized: status.finalized.number });
    this.deps.onStatus({ peerId, status });
    return true;
  }
}
