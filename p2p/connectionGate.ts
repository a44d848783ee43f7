import type { ConnectionGater, PeerId } from "@libp2p/interface";
import type { Multiaddr } from "@multiformats/multiaddr";

/**
 * Who the host refuses to talk to, and the libp2p `ConnectionGater` that enforces it at every
 * checkpoint of a connection's life (dial, after encryption, after muxing, both directions).
 *
 * Two reasons share it: app-level bans (peer scores) and the test-only deny set with which the
 * fault scenarios cut the network (`dev_denyPeers` / `dev_allowPeers`, `ARKREEN_TEST_FAULTS=1`).
 * The gater only refuses new connections; the host closes the open ones when it denies a peer.
 */
export class PeerDenySet {
  private readonly denied = new Set<string>();

  /** Adds peers; returns those that were not denied before (whose open connections must close). */
  add(peerIds: readonly string[]): string[] {
    const added = peerIds.filter((id) => !this.denied.has(id));
    for (const id of added) this.denied.add(id);
    return added;
  }

  /** Removes peers; returns those that were denied. */
  delete(peerIds: readonly string[]): string[] {
    return peerIds.filter((id) => this.denied.delete(id));
  }

  has(peerId: string): boolean {
    return this.denied.has(peerId);
  }

  list(): string[] {
    return [...this.denied].sort();
  }
}

/** The peer id a multiaddr names (`/p2p/<id>`), if any. */
function addressPeer(address: Multiaddr): string | undefined {
  return address.getComponents().find((c) => c.name === "p2p")?.value;
}

/** Further refusals beside `refused`: each returns true to refuse. */
export interface GaterPolicy {
  /** An inbound connection from a peer that has proved its id (the in-peers limit, reserved-only). */
  inbound?(peerId: string): boolean;
  /** A dial to this address (`--no-private-ip`). */
  dialAddress?(address: Multiaddr): boolean;
}

/**
 * A gater refusing every connection with a peer for which `refused(peerId)` holds. Inbound
 * connections are checked once the peer has proved its id (after Noise) and again after muxing,
 * so a deny that lands mid-handshake still stops the connection before any protocol runs on it.
 * Addresses are refused for what they are only by `policy.dialAddress` (`--no-private-ip`):
 * loopback and private addresses are where testnets and most validators' sentries live.
 */
export function peerConnectionGater(refused: (peerId: string) => boolean, policy: GaterPolicy = {}): ConnectionGater {
  const byId = (peer: PeerId): boolean => refused(peer.toString());
  return {
    denyDialPeer: byId,
    denyDialMultiaddr: (address) => {
      const peer = addressPeer(address);
      return (peer !== undefined && refused(peer)) || (policy.dialAddress?.(address) ?? false);
    },
    denyOutboundConnection: byId,
    denyInboundEncryptedConnection: (peer) => byId(peer) || (policy.inbound?.(peer.toString()) ?? false),
    denyOutboundEncryptedConnection: byId,
    denyInboundUpgradedConnection: byId,
    denyOutboundUpgradedConnection: byId,
  };
}
