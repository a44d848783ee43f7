import { blake2b256 } from "../../../primitives/hash.ts";
import { u32ToBytes, concatBytes, utf8, toHex } from "../../../primitives/bytes.ts";
import { nullLogger } from "../../../primitives/logger.ts";
import { NetworkHost } from "../../../p2p/host.ts";
import type { NetworkHostOpts } from "../../../p2p/host.ts";
import type { BlockSource } from "../../../p2p/blockServer.ts";
import type { ChainStatus } from "../../../p2p/statusHandshake.ts";
import type { NetworkMetrics } from "../../../p2p/metrics.ts";
import { generateNodeKeySecret } from "../../../p2p/nodeKey.ts";
import type { BlockRef } from "../../../p2p/wire.ts";

/** A chain of synthetic encoded blocks: block n is `parent hash | n | payload`, its hash blake2b of that. */
export class FakeChain implements ChainStatus, BlockSource {
  readonly genesisHash: Uint8Array;
  private readonly hashes: Uint8Array[] = [];
  private readonly blocks = new Map<string, Uint8Array>();
  private readonly justifications = new Map<string, Uint8Array>();
  finalizedNumber = 0;

  constructor(seed: string) {
    const genesis = utf8(`genesis:${seed}`);
    this.genesisHash = blake2b256(genesis);
    this.hashes.push(this.genesisHash);
    this.blocks.set(toHex(this.genesisHash), genesis);
  }

  get best(): BlockRef {
    return { number: this.hashes.length - 1, hash: this.hashes[this.hashes.length - 1] };
  }

  get finalized(): BlockRef {
    return { number: this.finalizedNumber, hash: this.hashes[this.finalizedNumber] };
  }

  /** Makes the next block (not imported). */
  makeBlock(payload = 64): Uint8Array {
    return concatBytes(this.best.hash, u32ToBytes(this.hashes.length), new Uint8Array(payload).fill(this.hashes.length % 251));
  }

  /** Imports a block if it extends the best; throws otherwise (the callback SyncService gets). */
  importBlock(block: Uint8Array, justification: Uint8Array | null): void {
    const parent = toHex(block.subarray(0, 32));
    if (parent !== toHex(this.best.hash)) throw new Error(`block does not extend best #${this.best.number}`);
    const hash = blake2b256(block);
    this.hashes.push(hash);
    this.blocks.set(toHex(hash), block);
    if (justification !== null) {
      this.justifications.set(toHex(hash), justification);
      this.finalizedNumber = this.hashes.length - 1;
    }
  }

  /** Appends `n` blocks, every 10th with a justification. */
  grow(n: number): void {
    for (let i = 0; i < n; i++) {
      const number = this.hashes.length;
      this.importBlock(this.makeBlock(), number % 10 === 0 ? utf8(`justification:${number}`) : null);
    }
  }

  hashAt(number: number): Uint8Array | undefined {
    return this.hashes[number];
  }

  block(hash: Uint8Array): Uint8Array | undefined {
    return this.blocks.get(toHex(hash));
  }

  justification(hash: Uint8Array): Uint8Array | undefined {
    return this.justifications.get(toHex(hash));
  }
}

export interface TestHostOpts extends Partial<NetworkHostOpts> {
  chain: FakeChain;
  metrics?: NetworkMetrics | null;
  now?: () => number;
}

export async function startHost(opts: TestHostOpts): Promise<NetworkHost> {
  const host = new NetworkHost(
    {
      port: 0,
      listenHost: "127.0.0.1",
      bootnodes: opts.bootnodes ?? [],
      nodeKey: opts.nodeKey ?? generateNodeKeySecret(),
      bootnodeRedialMs: opts.bootnodeRedialMs ?? 500,
      statusIntervalMs: opts.statusIntervalMs ?? 1000,
      blocksTimeoutMs: opts.blocksTimeoutMs,
      banDurationMs: opts.banDurationMs,
      protocolId: opts.protocolId,
      inPeers: opts.inPeers,
      outPeers: opts.outPeers,
      reservedNodes: opts.reservedNodes,
      reservedOnly: opts.reservedOnly,
      allowPrivateIp: opts.allowPrivateIp,
      discoverLocal: opts.discoverLocal,
      publicAddresses: opts.publicAddresses,
      discoveryFillIntervalMs: opts.discoveryFillIntervalMs ?? 500,
      discoveryWalkMinIntervalMs: opts.discoveryWalkMinIntervalMs ?? 250,
    },
    { chain: opts.chain, blocks: opts.chain, logger: nullLogger(), metrics: opts.metrics ?? null, now: opts.now },
  );
  await host.start();
  return host;
}

export async function waitFor(condition: () => boolean, what: string, timeoutMs = 8000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
