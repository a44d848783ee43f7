import type { PeerId, Stream } from "@libp2p/interface";
import type { Logger } from "../primitives/logger.ts";
import { NetworkError } from "./errors.ts";
import type { NetworkMetrics } from "./metrics.ts";
import type { PeerReputation } from "./peerReputation.ts";
import { MAX_BLOCKS_PER_REQUEST, MAX_RESPONSE_BYTES } from "./protocols.ts";
import { PeerRateLimiter } from "./rateLimiter.ts";
import { readRequest, writeResponse } from "./reqResp.ts";
import { BLOCKS_REQUEST_LENGTH, decodeBlocksRequest, encodeBlockItem } from "./wire.ts";

/** Serves block-range requests: canonical hashes by number, encoded blocks and justifications by hash. */
export interface BlockSource {
  hashAt(number: number): Uint8Array | undefined;
  block(hash: Uint8Array): Uint8Array | undefined;
  justification(hash: Uint8Array): Uint8Array | undefined;
}

/**
 * Block-range requests per peer: a syncing peer asks for the next range as soon as it imported
 * the last, a few per second at most on this chain's block sizes; 10/s with a burst of 20 never
 * slows an honest sync and caps what one peer can make us read from disk.
 */
const BLOCK_REQUESTS_PER_SECOND = 10;
const BLOCK_REQUESTS_BURST = 20;

export interface BlockServerOpts {
  /** Timeout of reading one request and writing its response (default 10 s). */
  blocksTimeoutMs?: number;
}

export interface BlockServerDeps {
  blocks: BlockSource;
  reputation: PeerReputation;
  logger: Logger;
  metrics: NetworkMetrics | null;
  now: () => number;
}

/** The serving side of the block-range protocol: canonical blocks from a number, with their justifications. */
export class BlockServer {
  private readonly opts: BlockServerOpts;
  private readonly deps: BlockServerDeps;
  private readonly requests: PeerRateLimiter;

  constructor(opts: BlockServerOpts, deps: BlockServerDeps) {
    this.opts = opts;
    this.deps = deps;
    this.requests = new PeerRateLimiter({ perSecond: BLOCK_REQUESTS_PER_SECOND, burst: BLOCK_REQUESTS_BURST }, { now: deps.now });
  }

  async serve(stream: Stream, peer: PeerId): Promise<void> {
    const peerId = peer.toString();
    const reading = readRequest(stream, BLOCKS_REQUEST_LENGTH, this.opts.blocksTimeoutMs ?? 10_000);
    if (!this.requests.take(peerId)) {
      reading.catch(() => {});
      stream.abort(new NetworkError({ code: "RATE_LIMITED", peer: peerId }));
      this.deps.metrics?.blockRequestsServed.inc({ outcome: "rate_limited" });
      this.deps.reputation.report(peerId, "rate_limited");
      return;
    }
    try {
      const request = decodeBlocksRequest(await reading);
      if (request.count < 1 || request.count > MAX_BLOCKS_PER_REQUEST) throw new NetworkError({ code: "BAD_REQUEST", reason: `count ${request.count}` });
      await writeResponse(stream, this.collect(request.from, request.count), this.opts.blocksTimeoutMs ?? 10_000);
      this.deps.metrics?.blockRequestsServed.inc({ outcome: "ok" });
    } catch (error) {
      stream.abort(error instanceof Error ? error : new Error(String(error)));
      this.deps.metrics?.blockRequestsServed.inc({ outcome: "bad_request" });
      this.deps.logger.debug("Block request failed", { peer: peerId, error: String(error) });
      // A malformed or out-of-range request is the peer's fault; a stream that broke while we
      // answered may be the network's, so only the former costs score.
      if (error instanceof NetworkError && error.type.code === "BAD_REQUEST") this.deps.reputation.report(peerId, "bad_request");
    }
  }

  private collect(from: number, count: number): Uint8Array[] {
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
}
