import type { Block } from "../../primitives/codec/index.ts";
import { blsAggregateSignatures } from "../../primitives/blsKeys.ts";
import { auraPreDigest } from "../../primitives/digest.ts";
import type { Logger } from "../../primitives/logger.ts";
import { orderedTrieRoot } from "../../primitives/trie/trie.ts";
import type { BlockProposer } from "../../consensus/aura/slotWorker.ts";
import { sealHeader } from "../../consensus/aura/seal.ts";
import { InvalidTransaction, pog, type Executive } from "../../runtime/api.ts";
import { applyStateChanges, shortHash, type Chain } from "../chain/chain.ts";
import { crashPoint } from "../crashPoints.ts";
import type { ReadingsPool } from "../readings/readingsPool.ts";
import type { TxPool } from "../txpool/index.ts";

export interface AuraProposerDeps {
  chain: Chain;
  executive: Executive;
  pool: TxPool;
  readings: ReadingsPool;
  logger: Logger;
  /** The authoring key's secret seed. */
  secretSeed: Uint8Array;
  now(): number;
}

/**
 * Builds a block on the best head: pooled readings (oldest first, one aggregated signature),
 * then the pool's ready transactions (best tip first, each sender's nonces in order) until a
 * block limit or the proposal deadline; seals it and imports it without executing it twice.
 */
export class AuraBlockProposer implements BlockProposer {
  private readonly deps: AuraProposerDeps;

  constructor(deps: AuraProposerDeps) {
    this.deps = deps;
  }

  async propose(slot: bigint, deadlineMs: number): Promise<void> {
    const { chain, executive, pool, logger } = this.deps;
    const parent = chain.best;
    logger.debug(`Starting consensus session on top of parent ${shortHash(parent.hash)}`, { slot });
    const parentState = chain.stateAt(parent.hash);
    const number = parent.number + 1;
    const ctx = executive.initializeBlock(parentState, { number, parentHash: parent.hash, digest: [auraPreDigest(slot)] });
    const readings = this.deps.readings.take(pog.pogConfig(parentState).maxReadingsPerBlock, pog.currentInterval(ctx.state, pog.pogConfig(parentState)), parentState);
    const encodedReadings = readings.map((r) => r.encoded);
    executive.applyReadings(ctx, encodedReadings);

    const included: Uint8Array[] = [];
    const invalid: Uint8Array[] = [];
    let bytes = 0;
    for (const tx of pool.ready()) {
      if (included.length >= ctx.config.maxBlockExtrinsics || bytes + tx.bytes.length > ctx.config.maxBlockBytes) break;
      if (this.deps.now() > deadlineMs) break;
      const eventsBefore = ctx.events.records.length;
      const weightBefore = ctx.weight;
      try {
        ctx.state.transactional(() => executive.applyExtrinsic(ctx, tx.bytes, included.length, { signatureChecked: true }));
        included.push(tx.bytes);
        bytes += tx.bytes.length;
      } catch (e) {
        // Whatever failed, the block goes on without it: its writes, events and weight are undone.
        ctx.events.truncate(eventsBefore);
        ctx.weight = weightBefore;
        if (!(e instanceof InvalidTransaction)) {
          logger.warn("Extrinsic made the runtime fail; dropped from the pool", { hash: tx.hash }, e);
          invalid.push(tx.hash);
        } else if (e.code === "BLOCK_FULL") {
          break; // it stays in the pool for the next block
        } else if (e.code !== "FUTURE") invalid.push(tx.hash);
      }
    }
    if (invalid.length > 0) pool.remove(invalid, "invalid");

    const changes = executive.finalizeBlock(ctx);
    const { root, nodes, removed } = applyStateChanges(parentState, changes);
    const hasReadings = readings.length > 0;
    const header = sealHeader(
      {
        parentHash: parent.hash,
        number,
        stateRoot: root,
        extrinsicsRoot: orderedTrieRoot(included),
        digest: [auraPreDigest(slot)],
        readingsRoot: hasReadings ? orderedTrieRoot(encodedReadings) : new Uint8Array(0),
      },
      this.deps.secretSeed,
    );
    const block: Block = {
      header,
      extrinsics: included,
      readings: encodedReadings,
      readingsSignature: hasReadings ? blsAggregateSignatures(readings.map((r) => r.uncompressedSignature)) : new Uint8Array(0),
    };
    logger.info(`Prepared block for proposing at ${number}`, { extrinsics: included.length, readings: readings.length, slot });
    crashPoint("authoring.after-seal-before-import");
    await chain.importBlock(block, "own", { block, stateRoot: root, trieNodes: nodes, removedNodes: removed });
  }
}
