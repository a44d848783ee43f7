/**
 * `import`: a dev chain imports blocks of balance transfers from the network path (seal check,
 * full re-execution with every ed25519 signature verified, state root check, one LevelDB
 * batch). Reports transfers/s and per-block import time for blocks of 1,000 and 5,000
 * transfers; the baseline, measured in the same run, is verifying the same signatures alone.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bigintToBytes, u32ToBytes } from "../../primitives/bytes.ts";
import { codecs, type Block } from "../../primitives/codec/index.ts";
import { auraPreDigest } from "../../primitives/digest.ts";
import { blake2b256 } from "../../primitives/hash.ts";
import { devKeypair, DEV_ACCOUNT_NAMES } from "../../primitives/keys/devAccounts.ts";
import { nullLogger } from "../../primitives/logger.ts";
import { orderedTrieRoot } from "../../primitives/trie/trie.ts";
import { sealHeader } from "../../consensus/aura/seal.ts";
import { slotAt } from "../../consensus/aura/slots.ts";
import { buildGenesisBlock, type GenesisBlock } from "../../genesis/build.ts";
import { devChainSpec } from "../../genesis/presets.ts";
import { applyStateChanges } from "../../node/chain/chain.ts";
import { Database } from "../../node/db/database.ts";
import { openChain, type OpenedChain } from "../../node/openChain.ts";
import { signExtrinsic, verifyExtrinsicSignature } from "../../runtime/extrinsic.ts";
import { transferArgs } from "../../runtime/modules/balances/types.ts";
import type { BenchRow, Scenario } from "../harness.ts";

const BLOCK_SIZES = [1000, 5000];
/** Blocks imported per size; the first is a warm-up (JIT, caches) and is not counted. */
const BLOCKS_PER_SIZE = 4;
const TARGET_TRANSFERS_PER_SEC = 3000;

interface TempChain extends OpenedChain {
  close(): Promise<void>;
}

async function tempChain(genesis: GenesisBlock): Promise<TempChain> {
  const dir = mkdtempSync(join(tmpdir(), "arkreen-bench-import-"));
  const db = await Database.open(dir);
  const opened = await openChain(genesis, db, { logger: nullLogger(), metrics: null });
  return {
    ...opened,
    close: async () => {
      await opened.chain.idle();
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Transfers from the six dev accounts round-robin to fresh accounts (each creates an account). */
function transfers(genesis: GenesisBlock, count: number, nonces: number[], firstDest: number): Uint8Array[] {
  const senders = DEV_ACCOUNT_NAMES.map((n) => devKeypair(n));
  const out: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const s = i % senders.length;
    const dest = blake2b256(u32ToBytes(firstDest + i));
    const call = { module: "balances", method: "transfer", args: transferArgs.encode({ dest, value: bigintToBytes(10n ** 18n) }) };
    out.push(signExtrinsic(genesis.hash, senders[s].secretSeed, call, { nonce: nonces[s]++ }));
  }
  return out;
}

/** Builds a sealed block on the producer's best head and imports it there as the author would. */
async function produce(p: OpenedChain, extrinsics: Uint8Array[], slot: bigint): Promise<Block> {
  const parent = p.chain.best;
  const state = p.chain.stateAt(parent.hash);
  const ctx = p.executive.initializeBlock(state, { number: parent.number + 1, parentHash: parent.hash, digest: [auraPreDigest(slot)] });
  extrinsics.forEach((xt, i) => p.executive.applyExtrinsic(ctx, xt, i, { signatureChecked: true }));
  const { root, nodes, removed } = applyStateChanges(state, p.executive.finalizeBlock(ctx));
  const header = sealHeader({ parentHash: parent.hash, number: parent.number + 1, stateRoot: root, extrinsicsRoot: orderedTrieRoot(extrinsics), digest: [auraPreDigest(slot)] }, devKeypair("Alice").secretSeed);
  const block = { header, extrinsics };
  await p.chain.importBlock(block, "own", { block, stateRoot: root, trieNodes: nodes, removedNodes: removed });
  return block;
}

export const scenario: Scenario = {
  description: "block import of balance transfers (LevelDB, full verification), transfers per second",

  async run(ctx) {
    const spec = devChainSpec();
    if ("runtimeGenesis" in spec.genesis) spec.genesis.runtimeGenesis.config.system.slotDurationMs = 1000;
    const genesis = buildGenesisBlock(spec);
    const producer = await tempChain(genesis);
    const importer = await tempChain(genesis);
    const rows: BenchRow[] = [];
    const nonces = DEV_ACCOUNT_NAMES.map(() => 0);
    let slot = slotAt(Date.now(), 1000) - 1_000_000n;
    let firstDest = 0;
    try {
      for (const size of BLOCK_SIZES) {
        ctx.log(`signing and producing ${BLOCKS_PER_SIZE} blocks of ${size} transfers…`);
        const blocks: Block[] = [];
        for (let b = 0; b < BLOCKS_PER_SIZE; b++) {
          blocks.push(await produce(producer, transfers(genesis, size, nonces, firstDest), ++slot));
          firstDest += size;
        }
        ctx.log(`importing blocks of ${size} transfers…`);
        const times: number[] = [];
        for (const block of blocks) {
          const start = performance.now();
          await importer.chain.importBlock(block, "network");
          times.push(performance.now() - start);
        }
        const timed = times.slice(1);
        const meanMs = timed.reduce((a, b) => a + b, 0) / timed.length;
        rows.push({
          name: `import-${size}`,
          opsPerSec: Math.round((size / meanMs) * 1000),
          perOpUs: Number(((meanMs * 1000) / size).toFixed(2)),
          n: size * timed.length,
          blockMs: Number(meanMs.toFixed(1)),
          bestBlockMs: Number(Math.min(...timed).toFixed(1)),
          blocks: timed.length,
        });

        const xts = blocks[blocks.length - 1].extrinsics.map((b) => codecs.signedExtrinsic.decode(b));
        const start = performance.now();
        for (const xt of xts) if (!verifyExtrinsicSignature(genesis.hash, xt)) throw new Error("bad fixture signature");
        const ms = performance.now() - start;
        rows.push({ name: `ed25519-verify-${size}`, opsPerSec: Math.round((size / ms) * 1000), perOpUs: Number(((ms * 1000) / size).toFixed(2)), n: size, baseline: true });
      }
    } finally {
      await producer.close();
      await importer.close();
    }
    const notes = BLOCK_SIZES.flatMap((size) => {
      const imp = rows.find((r) => r.name === `import-${size}`) as BenchRow;
      const sig = rows.find((r) => r.name === `ed25519-verify-${size}`) as BenchRow;
      return [
        `import-${size}: ${imp.opsPerSec} transfers/s, ${imp.blockMs} ms per block (target >= ${TARGET_TRANSFERS_PER_SEC}/s: ${imp.opsPerSec >= TARGET_TRANSFERS_PER_SEC ? "met" : "NOT met"})`,
        `import-${size} / ed25519-verify-${size} = ${(imp.opsPerSec / sig.opsPerSec).toFixed(2)}  (share of import time spent outside signature checks: ${(100 * (1 - imp.opsPerSec / sig.opsPerSec)).toFixed(0)}%)`,
      ];
    });
    return { rows, notes };
  },
};
