import type { Libp2p } from "@libp2p/interface";
import { peerIdFromString } from "@libp2p/peer-id";
import { NetworkError } from "./errors.ts";
import type { PeerReputation } from "./peerReputation.ts";
import { MAX_BLOCK_ITEM_BYTES, MAX_BLOCKS_PER_REQUEST, MAX_RESPONSE_BYTES, blocksProtocol } from "./protocols.ts";
import { sendRequest } from "./reqResp.ts";
import { decodeBlockItem, encodeBlocksRequest } from "./wire.ts";
import type { BlockWithJustification } from "./wire.ts";

export interface BlockRequest {
  peerId: string;
  from: number;
  count: number;
}

export interface BlockRequestDeps {
  /** The running libp2p node: the host's getter, which throws `NOT_STARTED` before start. */
  libp2p: () => Libp2p;
  genesisHash: Uint8Array;
  reputation: PeerReputation;
  /** Timeout of the whole request (the host's `blocksTimeoutMs`, default 10 s). */
  timeoutMs: number;
}

/**
 * The asking side of the block-range protocol: `count` canonical blocks from `from`, checked to be
 * the numbers asked for; a bad answer or a timeout penalises the peer.
 */
export async function requestBlocks(request: BlockRequest, deps: BlockRequestDeps): Promise<BlockWithJustification[]> {
  const { peerId, from, count } = request;
  if (!Number.isInteger(count) || count < 1 || count > MAX_BLOCKS_PER_REQUEST) {
    throw new NetworkError({ code: "BAD_REQUEST", reason: `count must be 1..${MAX_BLOCKS_PER_REQUEST}` });
  }
  const protocol = blocksProtocol(deps.genesisHash);
  try {
    const frames = await sendRequest(deps.libp2p(), peerIdFromString(peerId), protocol, encodeBlocksRequest({ from, count }), {
      timeoutMs: deps.timeoutMs,
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
    if (error instanceof NetworkError && error.type.code === "REQUEST_TIMEOUT") deps.reputation.report(peerId, "request_timeout");
    else deps.reputation.report(peerId, "bad_sync_response");
    throw error;
  }
}
