import { randomBytes } from "node:crypto";
import type { Libp2p, PeerId } from "@libp2p/interface";
import type { KadDHT } from "@libp2p/kad-dht";
import type { Logger } from "../primitives/logger.ts";

/**
 * Fills the outbound slots, as Substrate's discovery does: peers learned through the DHT (its
 * routing table, the answers of our queries), mDNS or identify are in libp2p's peer store;
 * every `fillIntervalMs` the node dials those it is not connected to until it has `outPeers`
 * outbound peers, and while the slots stay short it walks the DHT — a closest-peers query for a
 * random key, which fills the routing table and the peer store — at an interval that starts at
 * 1 s and doubles up to 60 s (Substrate's random walk).
 *
 * A peer whose dial fails is not tried again for a while (10 s, doubling up to 5 min), so dead
 * addresses in the DHT cost little. Which peers may be dialled at all (bans, reserved-only,
 * private addresses) is the caller's `mayDial`, and the connection gater enforces it again.
 */
export interface DiscoveryOpts {
  fillIntervalMs?: number;
  walkMinIntervalMs?: number;
  walkMaxIntervalMs?: number;
  /** A random walk query is abandoned after this long (default 20 s). */
  walkTimeoutMs?: number;
  /** One dial attempt (default 10 s). */
  dialTimeoutMs?: number;
}

export interface DiscoveryDeps {
  libp2p: () => Libp2p<{ dht: KadDHT }> | null;
  /** Whether discovery should dial more now (the out slots are short). */
  wantsOutbound(): boolean;
  /** How many more peers to dial now. */
  outboundShortfall(): number;
  /** Whether this peer may be dialled (not banned, not denied, not refused by the peer set). */
  mayDial(peerId: string): boolean;
  logger: Logger;
  now?: () => number;
}

const DIAL_BACKOFF_MIN_MS = 10_000;
const DIAL_BACKOFF_MAX_MS = 5 * 60_000;
/** Peers whose failed dials are remembered at once (a few KiB). */
const MAX_BACKOFF_ENTRIES = 4096;
/** Candidates looked at per fill: a peer store flooded with addresses costs one bounded scan. */
const MAX_CANDIDATES = 256;

export class Discovery {
  private readonly opts: Required<DiscoveryOpts>;
  private readonly deps: DiscoveryDeps;
  private readonly now: () => number;
  private readonly backoff = new Map<string, { until: number; delay: number }>();
  private readonly dialing = new Set<string>();
  private fillTimer: NodeJS.Timeout | null = null;
  private walkTimer: NodeJS.Timeout | null = null;
  private walkDelay: number;
  private walking: AbortController | null = null;
  private running = false;
  /** Random walks run so far (diagnostics, tests). */
  walks = 0;

  constructor(opts: DiscoveryOpts, deps: DiscoveryDeps) {
    this.opts = {
      fillIntervalMs: opts.fillIntervalMs ?? 2000,
      walkMinIntervalMs: opts.walkMinIntervalMs ?? 1000,
      walkMaxIntervalMs: opts.walkMaxIntervalMs ?? 60_000,
      walkTimeoutMs: opts.walkTimeoutMs ?? 20_000,
      dialTimeoutMs: opts.dialTimeoutMs ?? 10_000,
    };
    this.deps = deps;
    this.now = deps.now ?? Date.now;
    this.walkDelay = this.opts.walkMinIntervalMs;
  }

  start(): void {
    this.running = true;
    const node = this.deps.libp2p();
    node?.addEventListener("peer:connect", this.onConnect);
    this.fillTimer = setInterval(() => void this.fill(), this.opts.fillIntervalMs);
    this.scheduleWalk();
  }

  stop(): void {
    this.running = false;
    this.deps.libp2p()?.removeEventListener("peer:connect", this.onConnect);
    if (this.fillTimer) clearInterval(this.fillTimer);
    if (this.walkTimer) clearTimeout(this.walkTimer);
    this.fillTimer = this.walkTimer = null;
    this.walking?.abort();
    this.walking = null;
  }

  /** Dials known, unconnected peers until the out slots are full (or candidates run out). */
  async fill(): Promise<void> {
    const node = this.deps.libp2p();
    if (!this.running || node === null || !this.deps.wantsOutbound()) return;
    let need = this.deps.outboundShortfall() - this.dialing.size;
    if (need <= 0) return;
    const self = node.peerId.toString();
    const now = this.now();
    const eligible = (id: string, addresses: number): boolean =>
      id !== self && !this.dialing.has(id) && addresses > 0 && (this.backoff.get(id)?.until ?? 0) <= now && this.deps.mayDial(id);
    const candidates = await node.peerStore
      .all({ filters: [(p) => eligible(p.id.toString(), p.addresses.length) && node.getConnections(p.id).length === 0], limit: MAX_CANDIDATES })
      .catch(() => []);
    shuffle(candidates);
    for (const peer of candidates) {
      if (need-- <= 0) break;
      void this.dial(node, peer.id);
    }
  }

  private async dial(node: Libp2p<{ dht: KadDHT }>, peer: PeerId): Promise<void> {
    const id = peer.toString();
    this.dialing.add(id);
    try {
      await node.dial(peer, { signal: AbortSignal.timeout(this.opts.dialTimeoutMs) });
    } catch (error) {
      const delay = Math.min((this.backoff.get(id)?.delay ?? DIAL_BACKOFF_MIN_MS / 2) * 2, DIAL_BACKOFF_MAX_MS);
      this.pruneBackoff();
      this.backoff.set(id, { until: this.now() + delay, delay });
      this.deps.logger.debug("Discovered peer dial failed", { peer: id, error: String(error) });
    } finally {
      this.dialing.delete(id);
    }
  }

  /**
   * Forgets backoffs that have run out, and the oldest ones past MAX_BACKOFF_ENTRIES: made-up
   * peers in the DHT would otherwise add an entry each, forever. A forgotten peer is only dialled
   * again sooner than its backoff said.
   */
  private pruneBackoff(): void {
    const now = this.now();
    for (const [id, b] of this.backoff) if (b.until <= now) this.backoff.delete(id);
    while (this.backoff.size >= MAX_BACKOFF_ENTRIES) this.backoff.delete(this.backoff.keys().next().value as string);
  }

  private readonly onConnect = (event: CustomEvent<PeerId>): void => {
    this.backoff.delete(event.detail.toString());
  };

  private scheduleWalk(): void {
    if (!this.running) return;
    this.walkTimer = setTimeout(() => void this.walk(), this.walkDelay);
  }

  /** One random walk: a closest-peers query for a random 32-byte key, then a fill. */
  private async walk(): Promise<void> {
    const node = this.deps.libp2p();
    if (!this.running || node === null) return;
    if (this.deps.wantsOutbound()) {
      this.walks++;
      const controller = new AbortController();
      this.walking = controller;
      const timer = setTimeout(() => controller.abort(), this.opts.walkTimeoutMs);
      try {
        for await (const event of node.services.dht.getClosestPeers(randomBytes(32), { signal: controller.signal })) {
          void event;
          if (!this.running) break;
        }
      } catch (error) {
        this.deps.logger.debug("Random walk ended", { error: String(error) });
      } finally {
        clearTimeout(timer);
        this.walking = null;
      }
      await this.fill();
      this.walkDelay = Math.min(this.walkDelay * 2, this.opts.walkMaxIntervalMs);
    } else {
      this.walkDelay = this.opts.walkMaxIntervalMs;
    }
    this.scheduleWalk();
  }
}

function shuffle<T>(items: T[]): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = randomBytes(4).readUInt32BE(0) % (i + 1);
    [items[i], items[j]] = [items[j], items[i]];
  }
}
