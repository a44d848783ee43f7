import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bytesEqual } from "../../../primitives/bytes.ts";
import { codecs, type Block } from "../../../primitives/codec/index.ts";
import { auraPreDigest } from "../../../primitives/digest.ts";
import { devKeypair } from "../../../primitives/keys/devAccounts.ts";
import { nullLogger } from "../../../primitives/logger.ts";
import { sealHeader } from "../../../primitives/seal.ts";
import { orderedTrieRoot } from "../../../primitives/trie/trie.ts";
import { NetworkHost, generateNodeKeySecret } from "../../../p2p/index.ts";
import type { ChainSpec } from "../../../genesis/chainSpec.ts";
import { buildGenesisBlock } from "../../../genesis/build.ts";
import { applyStateChanges, type Chain } from "../../../node/chain/chain.ts";
import { Database } from "../../../node/db/database.ts";
import { openChain } from "../../../node/openChain.ts";
import type { Executive } from "../../../runtime/executive.ts";
import { Authorities } from "../../../runtime/modules/aura/storage.ts";
import { readingCodec, type Reading } from "../../../runtime/modules/pog/types.ts";

const bob = devKeypair("Bob");

/**
 * Bob, played by the test: a bare libp2p host plus its own copy of the chain (synced by block
 * requests), so that it can seal, for its own slot, blocks whose roots and state root are right
 * and whose readings aggregate is not — the most expensive invalid block there is to import.
 */
export class ByzantineAuthor {
  readonly host: NetworkHost;
  readonly genesisHash: Uint8Array;
  private readonly spec: ChainSpec;
  private readonly dir = mkdtempSync(join(tmpdir(), "arkreen-byzantine-author-"));
  private db: Database | null = null;
  chain!: Chain;
  private executive!: Executive;

  constructor(spec: ChainSpec, bootnodes: string[]) {
    this.spec = spec;
    this.genesisHash = buildGenesisBlock(spec).hash;
    const genesis = { number: 0, hash: this.genesisHash };
    this.host = new NetworkHost(
      { port: 0, listenHost: "127.0.0.1", bootnodes, nodeKey: generateNodeKeySecret(), bootnodeRedialMs: 300, statusIntervalMs: 1000 },
      { chain: { genesisHash: this.genesisHash, best: genesis, finalized: genesis }, blocks: { hashAt: () => undefined, block: () => undefined, justification: () => undefined }, logger: nullLogger(), metrics: null },
    );
  }

  async start(): Promise<void> {
    this.db = await Database.open(this.dir);
    ({ chain: this.chain, executive: this.executive } = await openChain(buildGenesisBlock(this.spec), this.db, { logger: nullLogger(), metrics: null }));
    await this.host.start();
  }

  async stop(): Promise<void> {
    await this.host.stop();
    await this.chain?.idle();
    await this.db?.close();
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Imports the honest validators' blocks up to their best. */
  async sync(): Promise<void> {
    for (const peer of this.host.peers()) {
      for (;;) {
        const items = await this.host.requestBlocks(peer.peerId, this.chain.best.number + 1, 128).catch(() => []);
        if (items.length === 0) break;
        for (const item of items) await this.chain.importBlock(codecs.block.decode(item.block), "network").catch(() => null);
      }
    }
  }

  /** The next slot after `from` that is Bob's in the set at our best block. */
  nextOwnSlot(from: bigint): bigint {
    const authorities = Authorities.get(this.chain.stateAt());
    let slot = from + 1n;
    while (!bytesEqual(authorities[Number(slot % BigInt(authorities.length))], bob.publicKey)) slot++;
    return slot;
  }

  /**
   * A block on our best for `slot`, sealed by Bob, carrying `readings` (their root and the state
   * root they execute to are right) and `aggregate` as their signature.
   */
  seal(slot: bigint, readings: Reading[], aggregate: Uint8Array): Block {
    const parent = this.chain.best;
    const encoded = readings.map((r) => readingCodec.encode(r));
    const state = this.chain.stateAt(parent.hash);
    const digest = [auraPreDigest(slot)];
    const ctx = this.executive.initializeBlock(state, { number: parent.number + 1, parentHash: parent.hash, digest });
    this.executive.applyReadings(ctx, encoded);
    const { root } = applyStateChanges(state, this.executive.finalizeBlock(ctx));
    const header = sealHeader({ parentHash: parent.hash, number: parent.number + 1, stateRoot: root, extrinsicsRoot: orderedTrieRoot([]), digest, readingsRoot: orderedTrieRoot(encoded) }, bob.secretSeed);
    return { header, extrinsics: [], readings: encoded, readingsSignature: aggregate };
  }
}

