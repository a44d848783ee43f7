import * as blst from "@chainsafe/blst";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createBlstBackend } from "../../../primitives/bls/blstBackend.ts";
import { BlsSingleThreadVerifier } from "../../../primitives/bls/singleThread.ts";
import type { Block } from "../../../primitives/codec/index.ts";
import { auraPreDigest } from "../../../primitives/digest.ts";
import { devKeypair } from "../../../primitives/keys/devAccounts.ts";
import { nullLogger } from "../../../primitives/logger.ts";
import { orderedTrieRoot } from "../../../primitives/trie/trie.ts";
import { sealHeader } from "../../../consensus/aura/seal.ts";
import { slotAt } from "../../../consensus/aura/slots.ts";
import type { ChainSpec } from "../../../genesis/chainSpec.ts";
import { buildGenesisBlock, type GenesisBlock } from "../../../genesis/build.ts";
import { localChainSpec } from "../../../genesis/presets.ts";
import { applyStateChanges, type Chain } from "../../../node/chain/chain.ts";
import { Database } from "../../../node/db/database.ts";
import { FinalityService, type GossipVerdict } from "../../../node/finality/finalityService.ts";
import { OffenceReporter } from "../../../node/offences/offenceReporter.ts";
import { openChain } from "../../../node/openChain.ts";
import { RuntimeTxValidator } from "../../../node/txValidator.ts";
import { TxPool } from "../../../node/txpool/index.ts";
import type { Executive } from "../../../runtime/executive.ts";
import { devFinalityKeypair } from "../../../runtime/modules/staking/keys.ts";

export const VALIDATORS = ["Alice", "Bob", "Charlie", "Dave"];
/** Blocks are built at past slots of this length, so the Aura verifier accepts them at once. */
const SPEC_SLOT_MS = 1000;
/** The gadget's timing: rounds of a few hundred milliseconds keep the tests short. */
export const GADGET_SLOT_MS = 300;

export const verifier = new BlsSingleThreadVerifier({}, { backend: createBlstBackend(blst), metrics: null });

/** The `local` preset (Alice…Dave, equal stakes) with 1 s slots. */
export function localSpec(): ChainSpec {
  const spec = localChainSpec();
  if (!("runtimeGenesis" in spec.genesis)) throw new Error("local spec is not a runtime genesis spec");
  spec.genesis.runtimeGenesis.config.system.slotDurationMs = SPEC_SLOT_MS;
  return spec;
}

/** `localSpec` with sessions of `sessionBlocks` blocks: tests that need finality-set hand-overs soon. */
export function shortSessionSpec(sessionBlocks: number): ChainSpec {
  const spec = localSpec();
  if (!("runtimeGenesis" in spec.genesis)) throw new Error("local spec is not a runtime genesis spec");
  (spec.genesis.runtimeGenesis.config.staking as { sessionLengthBlocks: number }).sessionLengthBlocks = sessionBlocks;
  return spec;
}

export interface ChainNode {
  dir: string;
  db: Database;
  chain: Chain;
  executive: Executive;
  /** Closes the database, keeping it on disk (a node stopping). */
  shutdown(): Promise<void>;
  /** Closes and deletes the database. */
  close(): Promise<void>;
}

/** Opens a chain on the database at `dir`, or on a new one. */
export async function openNode(genesis: GenesisBlock, dir = mkdtempSync(join(tmpdir(), "arkreen-finality-"))): Promise<ChainNode> {
  const db = await Database.open(dir);
  let open = true;
  const { chain, executive } = await openChain(genesis, db, { logger: nullLogger(), metrics: null });
  return {
    dir,
    db,
    chain,
    executive,
    shutdown: async () => {
      open = false;
      await chain.idle();
      await db.close();
    },
    close: async () => {
      if (open) {
        open = false;
        await chain.idle();
        await db.close();
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Validator extends ChainNode {
  name: string;
  pool: TxPool;
  service: FinalityService;
  hub: VoteHub;
  /** Verdicts this node's gossip validator gave, in order. */
  verdicts: GossipVerdict[];
}

/**
 * Vote gossip in memory: every broadcast reaches every other validator's gossip validator on a
 * later tick, as a network would deliver it.
 */
export class VoteHub {
  readonly members: Validator[] = [];

  broadcast(from: Validator, bytes: Uint8Array): void {
    for (const to of this.members) {
      if (to === from) continue;
      setImmediate(() => void to.service.onGossipVote(bytes).then((v) => to.verdicts.push(v)));
    }
  }
}

/** A validator's chain, pool and finality service on a new database, or on the one at `dir` (a restart). */
export async function openValidator(genesis: GenesisBlock, name: string, hub: VoteHub, dir?: string): Promise<Validator> {
  const node = await openNode(genesis, dir);
  const pool = new TxPool({}, { validator: new RuntimeTxValidator({ chain: node.chain, executive: node.executive }), logger: nullLogger(), metrics: null });
  const validator: Validator = { ...node, name, pool, hub, verdicts: [], service: null as unknown as FinalityService };
  // Wired as node/service.ts wires it: the validator's account reports what the gadget finds.
  const offences = new OffenceReporter({ genesisHash: genesis.hash, accountSeed: devKeypair(name).secretSeed }, { chain: node.chain, pool, logger: nullLogger() });
  validator.service = new FinalityService(
    { genesisHash: genesis.hash, finalitySecretKey: devFinalityKeypair(name).secretKey, slotDurationMs: GADGET_SLOT_MS },
    { chain: node.chain, db: node.db, verifier, offences, broadcastVote: (bytes) => hub.broadcast(validator, bytes), logger: nullLogger(), registry: null },
  );
  node.chain.on("imported", () => validator.service.poke());
  hub.members.push(validator);
  return validator;
}

/**
 * Builds blocks on top of a chain as the validators would: each at the next slot, sealed by the
 * Aura author of that slot (`validators[slot mod n]`). Slots start 1,000 slots in the past.
 */
export class BlockAuthor {
  private slot: bigint;
  private readonly names: string[];

  constructor(names: string[]) {
    this.names = names;
    this.slot = slotAt(Date.now(), SPEC_SLOT_MS) - 1000n;
  }

  build(chain: Chain, executive: Executive, extrinsics: Uint8Array[] = []): Block {
    const slot = ++this.slot;
    const author = devKeypair(this.names[Number(slot % BigInt(this.names.length))]);
    const parent = chain.best;
    const state = chain.stateAt(parent.hash);
    const digest = [auraPreDigest(slot)];
    const ctx = executive.initializeBlock(state, { number: parent.number + 1, parentHash: parent.hash, digest });
    extrinsics.forEach((xt, i) => executive.applyExtrinsic(ctx, xt, i));
    const { root } = applyStateChanges(state, executive.finalizeBlock(ctx));
    const header = sealHeader({ parentHash: parent.hash, number: parent.number + 1, stateRoot: root, extrinsicsRoot: orderedTrieRoot(extrinsics), digest }, author.secretSeed);
    return { header, extrinsics };
  }
}

export { buildGenesisBlock };

/** Resolves once `predicate` holds, polling every 20 ms; rejects after `timeoutMs`. */
export async function waitFor(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
