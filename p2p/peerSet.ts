import { BlockList, isIP } from "node:net";
import { multiaddr, type Multiaddr } from "@multiformats/multiaddr";
import { NetworkError } from "./errors.ts";

/**
 * Who the node keeps connections with, as Substrate's peerset: at most `inPeers` peers that
 * dialled us and `outPeers` that we dialled (reserved peers count against neither), reserved
 * peers always (and, with `reservedOnly`, no one else), and, unless private addresses are
 * allowed, no dial to a private or loopback address that was not given explicitly
 * (`--bootnodes`, `--reserved-nodes`).
 */
export interface PeerSetOpts {
  /** `--in-peers`: inbound peers kept at most (Substrate's default 32). */
  inPeers: number;
  /** `--out-peers`: outbound peers discovery tries to keep (Substrate's default 8). */
  outPeers: number;
  /** `--reserved-only`: refuse every peer that is not reserved, both ways. */
  reservedOnly: boolean;
  /** `--allow-private-ip` / `--no-private-ip`: whether discovered private addresses may be dialled. */
  allowPrivateIp: boolean;
}

export const DEFAULT_IN_PEERS = 32;
export const DEFAULT_OUT_PEERS = 8;

/** The peer id a multiaddr names (`/p2p/<id>`), if any. */
export function addressPeerId(address: Multiaddr): string | undefined {
  return address.getComponents().find((c) => c.name === "p2p")?.value;
}

/** Parses a `/…/p2p/<peer id>` multiaddr, refusing one without a peer id (`what` names the flag or call). */
export function parsePeerAddress(address: string, what: string): { peerId: string; address: Multiaddr } {
  let addr: Multiaddr;
  try {
    addr = multiaddr(address);
  } catch (e) {
    throw new NetworkError({ code: "BAD_REQUEST", reason: `${what} ${address} is not a multiaddr: ${(e as Error).message}` });
  }
  const peerId = addressPeerId(addr);
  if (peerId === undefined) throw new NetworkError({ code: "BAD_REQUEST", reason: `${what} ${address} has no /p2p/<peer id>` });
  return { peerId, address: addr };
}

const PRIVATE_RANGES = (() => {
  const list = new BlockList();
  for (const [net, prefix] of [
    ["0.0.0.0", 8],
    ["10.0.0.0", 8],
    ["100.64.0.0", 10],
    ["127.0.0.0", 8],
    ["169.254.0.0", 16],
    ["172.16.0.0", 12],
    ["192.168.0.0", 16],
    ["224.0.0.0", 4], // multicast
    ["240.0.0.0", 4], // reserved, broadcast
  ] as const) {
    list.addSubnet(net, prefix, "ipv4");
  }
  list.addAddress("::", "ipv6");
  list.addAddress("::1", "ipv6");
  list.addSubnet("fc00::", 7, "ipv6");
  list.addSubnet("fe80::", 10, "ipv6");
  list.addSubnet("ff00::", 8, "ipv6"); // multicast
  // Addresses that carry an IPv4 one (6to4, NAT64) could carry a private one: not dialled either.
  // IPv4-mapped IPv6 (::ffff:a.b.c.d) is matched against the IPv4 ranges above by BlockList itself.
  list.addSubnet("2002::", 16, "ipv6");
  list.addSubnet("64:ff9b::", 96, "ipv6");
  return list;
})();

/**
 * Whether a multiaddr's IP is private, loopback, link-local or unspecified (a DNS name is not:
 * it is resolved by whoever dials). Substrate's `--no-private-ip` refuses these addresses.
 */
export function isPrivateAddress(address: Multiaddr): boolean {
  const ip = address.getComponents().find((c) => c.name === "ip4" || c.name === "ip6")?.value;
  if (ip === undefined) return false;
  const family = isIP(ip);
  if (family === 0) return false;
  return PRIVATE_RANGES.check(ip, family === 4 ? "ipv4" : "ipv6");
}

export class PeerSet {
  readonly opts: PeerSetOpts;
  private readonly reserved = new Map<string, Multiaddr>();
  /** Peers whose addresses were given by the operator (bootnodes, reserved): dialled even when private. */
  private readonly explicit = new Set<string>();

  constructor(opts: PeerSetOpts, explicitPeers: readonly string[] = []) {
    if (!Number.isInteger(opts.inPeers) || opts.inPeers < 0) throw new NetworkError({ code: "BAD_REQUEST", reason: `in-peers must be a non-negative integer, got ${opts.inPeers}` });
    if (!Number.isInteger(opts.outPeers) || opts.outPeers < 0) throw new NetworkError({ code: "BAD_REQUEST", reason: `out-peers must be a non-negative integer, got ${opts.outPeers}` });
    this.opts = opts;
    for (const peer of explicitPeers) this.explicit.add(peer);
  }

  /** Adds (or replaces the address of) a reserved peer; returns its peer id. */
  addReserved(address: string): string {
    const parsed = parsePeerAddress(address, "reserved peer");
    this.reserved.set(parsed.peerId, parsed.address);
    this.explicit.add(parsed.peerId);
    return parsed.peerId;
  }

  /** Removes a reserved peer; false if it was not reserved. */
  removeReserved(peerId: string): boolean {
    return this.reserved.delete(peerId);
  }

  isReserved(peerId: string): boolean {
    return this.reserved.has(peerId);
  }

  reservedPeers(): string[] {
    return [...this.reserved.keys()].sort();
  }

  reservedAddresses(): Multiaddr[] {
    return [...this.reserved.values()];
  }

  /** Whether a connection with this peer is refused outright (`--reserved-only` and not reserved). */
  refusesPeer(peerId: string): boolean {
    return this.opts.reservedOnly && !this.reserved.has(peerId);
  }

  /**
   * Whether an inbound connection from `peerId` is accepted when `inbound` non-reserved peers are
   * connected inbound already. A reserved peer always is; so is a peer already connected (it
   * takes no new slot).
   */
  acceptsInbound(peerId: string, inbound: number, alreadyConnected: boolean): boolean {
    if (this.reserved.has(peerId)) return true;
    if (this.refusesPeer(peerId)) return false;
    return alreadyConnected || inbound < this.opts.inPeers;
  }

  /** Whether we may dial this address: private ones only when allowed or given by the operator. */
  mayDialAddress(address: Multiaddr): boolean {
    if (this.opts.allowPrivateIp || !isPrivateAddress(address)) return true;
    const peer = addressPeerId(address);
    return peer !== undefined && this.explicit.has(peer);
  }

  /** Whether discovery should dial more: fewer than `outPeers` outbound peers, and not reserved-only. */
  wantsOutbound(outbound: number): boolean {
    return !this.opts.reservedOnly && outbound < this.opts.outPeers;
  }
}
