import type { EquivocationProof, FinalityJustification, SignedFinalityVote } from "../../primitives/finality/vote.ts";

/** A block by hash and number. */
export interface BlockRef {
  hash: Uint8Array;
  number: number;
}

export interface Voter {
  /** 48-byte compressed BLS public key (session key, possession proven at registration). */
  finalityKey: Uint8Array;
  /** Stake behind the voter; only ratios matter. */
  weight: bigint;
}

/** The authorities that finalize blocks, indexed as in vote `signer` fields and justification bitfields. */
export interface VoterSet {
  setId: number;
  authorities: readonly Voter[];
}

/**
 * Which set votes on the descendants of a block. The staking module answers this from the
 * session in the block's state; a chain with a fixed set answers the same set for every block.
 */
export interface VoterSetProvider {
  voterSetAt(blockHash: Uint8Array): VoterSet;
}

/** The header fields the gadget walks ancestry with. */
export interface HeaderView {
  number: number;
  parentHash: Uint8Array;
}

/** What the gadget reads of the node's chain (`node/chain/chain.ts` fits it with a thin adapter). */
export interface ChainView {
  /** Head of the fork-choice chain (longest chain containing the last finalized block). */
  readonly best: BlockRef;
  readonly finalized: BlockRef;
  /** True when `descendant` is `ancestor` or one of its descendants; false when either is unknown. */
  isDescendant(ancestor: Uint8Array, descendant: Uint8Array): boolean;
  /** Hash of the canonical block at `number`, if there is one. */
  hashAt(number: number): Uint8Array | undefined;
  header(hash: Uint8Array): HeaderView | undefined;
}

/** Vote gossip. Delivery is best effort: the gadget re-broadcasts its current votes. */
export interface VoteNetwork {
  broadcast(vote: SignedFinalityVote): void;
  /** Registers the handler of votes from peers; returns a function that unregisters it. */
  onVote(handler: (vote: SignedFinalityVote) => void): () => void;
}

/** The block a round's votes build on: the previous round's estimate, GRANDPA's E(r−1). */
export interface RoundBase {
  setId: number;
  round: number;
  block: BlockRef;
}

/**
 * Durable record of this validator's own votes. `persist` resolves only once the vote, and the
 * base it was cast on, are on disk: the gadget broadcasts a vote after that, so a crash can never
 * leave a sent vote it forgot, nor a restarted voter a base lower than the one it voted on.
 */
export interface VoteStore {
  persist(vote: SignedFinalityVote, base: BlockRef): Promise<void>;
  /** Every vote persisted so far (the store may drop votes of sets older than the current one). */
  load(): Promise<SignedFinalityVote[]>;
  /** The base of the latest round voted in, per set. */
  loadBases(): Promise<RoundBase[]>;
}

export type TimerHandle = unknown;

/** Time source and timers, injected so tests can drive rounds. */
export interface FinalityClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export const systemClock: FinalityClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** Applies a finality proven by `justification`; the node stores it with the block (Chain.finalize). */
export type FinalizeFn = (block: BlockRef, justification: FinalityJustification) => Promise<void>;

export type EquivocationHandler = (proof: EquivocationProof) => void;
