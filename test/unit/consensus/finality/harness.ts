/** In-process finality network: a shared fork tree, per-node chain views, an in-memory gossip hub and vote stores. */
import * as blst from "@chainsafe/blst";
import { createBlstBackend } from "../../../../primitives/bls/blstBackend.ts";
import { BlsSingleThreadVerifier } from "../../../../primitives/bls/singleThread.ts";
import { blsKeypairFromSeed, type BlsKeypair } from "../../../../primitives/blsKeys.ts";
import { bytesEqual, concatBytes, toHex, u32ToBytes, utf8 } from "../../../../primitives/bytes.ts";
import type { FinalityJustification, SignedFinalityVote, EquivocationProof } from "../../../../primitives/finality/vote.ts";
import { blake2b256 } from "../../../../primitives/hash.ts";
import { nullLogger } from "../../../../primitives/logger.ts";
import { FinalityGadget, type FinalityGadgetOpts } from "../../../../consensus/finality/gadget.ts";
import { systemClock, type BlockRef, type ChainView, type HeaderView, type RoundBase, type VoteNetwork, type VoterSet, type VoteStore } from "../../../../consensus/finality/types.ts";

export const GENESIS: BlockRef = { hash: blake2b256(utf8("finality-test-genesis")), number: 0 };

/** Blocks shared by every node (as if all were imported everywhere). */
export class BlockTree {
  private readonly headers = new Map<string, HeaderView>();

  constructor() {
    this.headers.set(toHex(GENESIS.hash), { number: 0, parentHash: new Uint8Array(32) });
  }

  /** Adds a block on `parent`; `label` tells sibling forks apart. */
  add(parent: BlockRef, label: string): BlockRef {
    const hash = blake2b256(concatBytes(parent.hash, utf8(label)));
    this.headers.set(toHex(hash), { number: parent.number + 1, parentHash: parent.hash });
    return { hash, number: parent.number + 1 };
  }

  /** A chain of `length` blocks on `parent`; returns them in order. */
  extend(parent: BlockRef, length: number, label: string): BlockRef[] {
    const out: BlockRef[] = [];
    let head = parent;
    for (let i = 0; i < length; i++) out.push((head = this.add(head, `${label}${i}`)));
    return out;
  }

  header(hash: Uint8Array): HeaderView | undefined {
    return this.headers.get(toHex(hash));
  }
}

/** One node's view: the shared tree, its own best and finalized heads. */
export class TreeChainView implements ChainView {
  best: BlockRef = GENESIS;
  finalized: BlockRef = GENESIS;
  private readonly tree: BlockTree;

  constructor(tree: BlockTree) {
    this.tree = tree;
  }

  header(hash: Uint8Array): HeaderView | undefined {
    return this.tree.header(hash);
  }

  isDescendant(ancestor: Uint8Array, descendant: Uint8Array): boolean {
    const target = this.tree.header(ancestor);
    if (target === undefined) return false;
    let cursor = descendant;
    let header = this.tree.header(cursor);
    while (header !== undefined && header.number > target.number) {
      cursor = header.parentHash;
      header = this.tree.header(cursor);
    }
    return header !== undefined && bytesEqual(cursor, ancestor);
  }

  hashAt(number: number): Uint8Array | undefined {
    let cursor = this.best.hash;
    let header = this.tree.header(cursor);
    while (header !== undefined && header.number > number) {
      cursor = header.parentHash;
      header = this.tree.header(cursor);
    }
    return header?.number === number ? cursor : undefined;
  }
}

/** Gossip hub: every broadcast reaches every other connected endpoint, asynchronously. */
export class MemoryHub {
  private readonly handlers = new Map<number, Set<(v: SignedFinalityVote) => void>>();
  readonly disconnected = new Set<number>();

  endpoint(id: number): VoteNetwork & { sent: SignedFinalityVote[] } {
    const sent: SignedFinalityVote[] = [];
    return {
      sent,
      broadcast: (vote) => {
        sent.push(vote);
        this.deliver(id, vote);
      },
      onVote: (handler) => {
        let set = this.handlers.get(id);
        if (set === undefined) this.handlers.set(id, (set = new Set()));
        set.add(handler);
        return () => set.delete(handler);
      },
    };
  }

  /** Delivers `vote` as if sent by endpoint `from` (byzantine injections use an id of their own). */
  deliver(from: number, vote: SignedFinalityVote): void {
    if (this.disconnected.has(from)) return;
    for (const [id, handlers] of this.handlers) {
      if (id === from || this.disconnected.has(id)) continue;
      for (const h of handlers) setImmediate(() => h(structuredClone(vote)));
    }
  }
}

export class MemoryVoteStore implements VoteStore {
  readonly votes: SignedFinalityVote[] = [];
  readonly bases = new Map<number, RoundBase>();
  async persist(vote: SignedFinalityVote, base: BlockRef): Promise<void> {
    this.votes.push(structuredClone(vote));
    this.bases.set(vote.vote.setId, { setId: vote.vote.setId, round: vote.vote.round, block: structuredClone(base) });
  }
  async load(): Promise<SignedFinalityVote[]> {
    return this.votes.map((v) => structuredClone(v));
  }
  async loadBases(): Promise<RoundBase[]> {
    return [...this.bases.values()].map((b) => structuredClone(b));
  }
}

export function validatorKey(i: number): BlsKeypair {
  return blsKeypairFromSeed(blake2b256(concatBytes(utf8("finality-test-validator"), u32ToBytes(i))));
}

export function voterSet(size: number, setId = 0): VoterSet {
  return { setId, authorities: Array.from({ length: size }, (_, i) => ({ finalityKey: validatorKey(i).publicKey, weight: 100n })) };
}

export const verifier = new BlsSingleThreadVerifier({}, { backend: createBlstBackend(blst), metrics: null });

/** Fast timings: the tests run on a loaded 2-core machine, so stages are generous relative to delivery. */
export const TEST_TIMINGS: Omit<FinalityGadgetOpts, "genesisHash" | "secretKey"> = { prevoteDelayMs: 20, stageTimeoutMs: 150, rebroadcastMs: 100 };

export interface TestNode {
  index: number;
  chain: TreeChainView;
  store: MemoryVoteStore;
  network: ReturnType<MemoryHub["endpoint"]>;
  gadget: FinalityGadget;
  finalized: Array<{ block: BlockRef; justification: FinalityJustification }>;
  equivocations: EquivocationProof[];
}

export function createNode(hub: MemoryHub, tree: BlockTree, set: VoterSet, index: number, opts: { voter?: boolean; store?: MemoryVoteStore; chain?: TreeChainView } = {}): TestNode {
  const chain = opts.chain ?? new TreeChainView(tree);
  const store = opts.store ?? new MemoryVoteStore();
  const network = hub.endpoint(index);
  const finalized: TestNode["finalized"] = [];
  const equivocations: EquivocationProof[] = [];
  const gadget = new FinalityGadget(
    { genesisHash: GENESIS.hash, secretKey: opts.voter === false ? null : validatorKey(index).secretKey, ...TEST_TIMINGS },
    {
      chain,
      voterSets: { voterSetAt: () => set },
      network,
      store,
      verifier,
      finalize: async (block, justification) => {
        chain.finalized = block;
        finalized.push({ block, justification });
      },
      onEquivocation: (proof) => equivocations.push(proof),
      clock: systemClock,
      logger: nullLogger(),
      metrics: null,
    },
  );
  return { index, chain, store, network, gadget, finalized, equivocations };
}

export async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
