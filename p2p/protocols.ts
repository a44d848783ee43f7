import { toHex } from "../primitives/bytes.ts";

/** What a gossip topic carries; one topic per kind and chain. */
export type GossipKind = "blocks" | "extrinsics" | "readings" | "votes";
export const GOSSIP_KINDS: readonly GossipKind[] = ["blocks", "extrinsics", "readings", "votes"];

/**
 * Largest message each topic accepts. A block is bounded by the runtime's block size (with a few
 * thousand readings and their aggregate it stays well under 8 MiB); extrinsics, readings and
 * votes are small, and 1 MiB leaves room for batch forms without letting a peer make every node
 * buffer and hash blocks-sized garbage on the cheap topics.
 */
export const GOSSIP_MAX_BYTES: Readonly<Record<GossipKind, number>> = {
  blocks: 8 * 1024 * 1024,
  extrinsics: 1024 * 1024,
  readings: 1024 * 1024,
  votes: 1024 * 1024,
};

/** Most blocks one range request may ask for (Substrate's `MAX_BLOCKS_IN_RESPONSE`). */
export const MAX_BLOCKS_PER_REQUEST = 128;
/**
 * A response stops growing past 16 MiB (at least one block is always sent): two maximal blocks,
 * or all 128 blocks of an ordinary range, without letting one request pin hundreds of MiB.
 */
export const MAX_RESPONSE_BYTES = 16 * 1024 * 1024;
/** A block item may carry a justification beside an 8 MiB block; these stay far below 1 MiB. */
export const MAX_BLOCK_ITEM_BYTES = GOSSIP_MAX_BYTES.blocks + 1024 * 1024;

/** The first 8 hex characters of the genesis hash (no `0x`): names every topic and protocol of one chain. */
export function genesisPrefix(genesisHash: Uint8Array): string {
  return toHex(genesisHash).slice(2, 10);
}

/** `/arkreen/<genesis prefix>/<kind>/proto` (docs/network.md#gossip). */
export function gossipTopic(genesisHash: Uint8Array, kind: GossipKind): string {
  return `/arkreen/${genesisPrefix(genesisHash)}/${kind}/proto`;
}

/** Request/response protocol ids: `/arkreen/<genesis prefix>/status/1` and `/blocks/1`. */
export function statusProtocol(genesisHash: Uint8Array): string {
  return `/arkreen/${genesisPrefix(genesisHash)}/status/1`;
}

export function blocksProtocol(genesisHash: Uint8Array): string {
  return `/arkreen/${genesisPrefix(genesisHash)}/blocks/1`;
}

/** The Kademlia protocol of a chain: `/<protocolId>/kad/1.0.0` (the chain spec's `protocolId`, Substrate's form). */
export function kadProtocol(protocolId: string): string {
  return `/${protocolId}/kad/1.0.0`;
}

/** The mDNS service name of a chain (`--discover-local`): nodes of other chains never answer it. */
export function mdnsServiceTag(genesisHash: Uint8Array): string {
  return `_arkreen-${genesisPrefix(genesisHash)}._udp.local`;
}
