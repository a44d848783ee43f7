import { SecretKey } from "@chainsafe/blst";
import type { IBlsVerifier } from "../../primitives/bls/interface.ts";
import { blsSign } from "../../primitives/blsKeys.ts";
import { bytesEqual, toHex } from "../../primitives/bytes.ts";
import { VoteStage, voteSigningRoot, type FinalityJustification, type FinalityVote, type SignedFinalityVote } from "../../primitives/finality/vote.ts";
import type { Logger } from "../../primitives/logger.ts";
import { sameBlock, supermajorityHead } from "./ancestry.ts";
import { buildJustification, verifyJustification } from "./justification.ts";
import type { FinalityMetrics } from "./metrics.ts";
import { StageVotes } from "./stageVotes.ts";
import type { BlockRef, ChainView, EquivocationHandler, FinalityClock, FinalizeFn, RoundBase, TimerHandle, VoteNetwork, VoterSet, VoterSetProvider, VoteStore } from "./types.ts";
import { isSupermajority, totalWeight } from "./weight.ts";

/**
 * Votes for rounds ahead of ours are kept (a voter that restarted or was cut off catches up by
 * completing the newest round it can see), but only this many rounds ahead: a peer cannot make
 * us hold state for arbitrary round numbers. Rounds last at least `prevoteDelayMs`, so 64 rounds
 * is over a minute of the others' progress with the timings the node uses.
 */
const MAX_FUTURE_ROUNDS = 64;

export interface FinalityGadgetOpts {
  genesisHash: Uint8Array;
  /**
   * This validator's BLS finality secret key (the 32-byte key material the session key was
   * derived from is not needed: the serialized secret key); null for an observer, which follows
   * rounds and finalizes from others' votes without voting.
   */
  secretKey: Uint8Array | null;
  /**
   * Wait from a round's start before prevoting, so that blocks authored meanwhile reach
   * everyone before they vote (GRANDPA's 2Δ). Also the least a round lasts.
   */
  prevoteDelayMs: number;
  /**
   * Stage timeout (GRANDPA's 4Δ, e.g. 2 × slot): precommit once prevotes have a supermajority and
   * either every voter prevoted or this long has passed since the round started; a round whose
   * precommits have a supermajority but no common target ends this long after that point.
   */
  stageTimeoutMs: number;
  /** Period of re-broadcasting our current votes: gossip is best effort and peers come back. */
  rebroadcastMs: number;
}

export interface FinalityGadgetDeps {
  chain: ChainView;
  voterSets: VoterSetProvider;
  network: VoteNetwork;
  store: VoteStore;
  verifier: IBlsVerifier;
  finalize: FinalizeFn;
  onEquivocation: EquivocationHandler;
  clock: FinalityClock;
  logger: Logger;
  metrics: FinalityMetrics | null;
}

interface RoundState {
  round: number;
  startedAt: number;
  prevotes: StageVotes;
  precommits: StageVotes;
  /** When precommits first reached a supermajority, for the completion timeout. */
  precommitQuorumAt: number | null;
  prevoted: boolean;
  precommitted: boolean;
}

function voteKey(setId: number, round: number, stage: number): string {
  return `${setId}/${round}/${stage}`;
}

/**
 * GRANDPA-style finality with BLS votes (docs/consensus.md). Each round: prevote the best block
 * that descends from the previous round's estimate; precommit the prevotes' GHOST (the highest
 * block with a supermajority of prevote weight on it or its descendants); a block is final when
 * precommits for exactly it hold a supermajority, and their aggregate signature and signer
 * bitfield are its justification. A round ends when it finalized, or when its precommits have a
 * supermajority and no more can change its estimate; the next round builds on that estimate.
 *
 * Every vote is persisted before it is sent; a restarted gadget reloads its votes, resumes at its
 * last round and re-sends those votes instead of signing new ones for the same (set, round, stage).
 */
export class FinalityGadget {
  private readonly opts: FinalityGadgetOpts;
  private readonly deps: FinalityGadgetDeps;
  private readonly publicKey: Uint8Array | null;
  private readonly log: Logger;

  private set: VoterSet;
  private total: bigint;
  /** Our index in the current set, or null when we do not vote in it. */
  private selfIndex: number | null = null;
  private round = 1;
  private readonly rounds = new Map<number, RoundState>();
  /** The previous round's estimate: this round's votes build on it. */
  private estimate: BlockRef;
  private lastFinalized: BlockRef;
  /** The bases our last rounds' votes were cast on, as persisted: a restart resumes on them. */
  private storedBases: RoundBase[] = [];
  /** Our own votes by (set, round, stage), loaded from the store and added as we sign. */
  private readonly ownVotes = new Map<string, SignedFinalityVote>();
  private pending: SignedFinalityVote[] = [];
  private flushScheduled = false;
  private timers: TimerHandle[] = [];
  private rebroadcastTimer: TimerHandle | null = null;
  private unsubscribe: (() => void) | null = null;
  private running = false;

  constructor(opts: FinalityGadgetOpts, deps: FinalityGadgetDeps) {
    this.opts = opts;
    this.deps = deps;
    this.log = deps.logger.child("finality");
    this.publicKey = opts.secretKey === null ? null : publicKeyOf(opts.secretKey);
    this.lastFinalized = deps.chain.finalized;
    this.estimate = this.lastFinalized;
    this.set = deps.voterSets.voterSetAt(this.lastFinalized.hash);
    this.total = totalWeight(this.set);
  }

  get currentRound(): number {
    return this.round;
  }

  get currentSetId(): number {
    return this.set.setId;
  }

  /** Loads our past votes and starts voting at the last round we voted in (or round 1). */
  async start(): Promise<void> {
    for (const v of await this.deps.store.load()) this.ownVotes.set(voteKey(v.vote.setId, v.vote.round, v.vote.stage), v);
    this.storedBases = await this.deps.store.loadBases();
    this.running = true;
    this.enterSet(this.set);
    this.unsubscribe = this.deps.network.onVote((v) => this.onVote(v));
    this.scheduleRebroadcast();
  }

  stop(): void {
    this.running = false;
    this.unsubscribe?.();
    this.unsubscribe = null;
    for (const t of this.timers) this.deps.clock.clearTimeout(t);
    this.timers = [];
    if (this.rebroadcastTimer !== null) this.deps.clock.clearTimeout(this.rebroadcastTimer);
    this.rebroadcastTimer = null;
  }

  /** Re-evaluates the round; the node calls it when a block is imported (a vote's target may have arrived). */
  poke(): void {
    if (!this.running) return;
    this.followChainFinality();
    this.evaluate();
  }

  /**
   * Sync finalizes with the justifications it brings (a restarted or lagging node): when the
   * chain's finalized head is past ours, take it, and its voter set when that is a new one — the
   * old set's votes will never come, so a voter left in it would never finalize again.
   */
  private followChainFinality(): void {
    const finalized = this.deps.chain.finalized;
    if (finalized.number <= this.lastFinalized.number) return;
    this.lastFinalized = finalized;
    this.deps.metrics?.finalizedNumber.set(finalized.number);
    const next = this.deps.voterSets.voterSetAt(finalized.hash);
    if (next.setId !== this.set.setId) {
      this.log.info("Following finality from sync into a new authority set", { number: finalized.number, setId: next.setId });
      this.estimate = finalized;
      this.enterSet(next);
    } else if (this.deps.chain.isDescendant(this.estimate.hash, finalized.hash)) {
      this.estimate = finalized;
    }
  }

  private enterSet(set: VoterSet): void {
    this.set = set;
    this.total = totalWeight(set);
    this.selfIndex = this.publicKey === null ? null : indexOf(set, this.publicKey);
    let round = 1;
    for (const v of this.ownVotes.values()) if (v.vote.setId === set.setId && v.vote.round > round) round = v.vote.round;
    this.rounds.clear();
    this.resumeBase(set.setId, round);
    this.deps.metrics?.setId.set(set.setId);
    this.log.info("Finality authority set", { setId: set.setId, authorities: set.authorities.length, voter: this.selfIndex ?? "no", round });
    this.startRound(round);
  }

  /**
   * A restarted voter resumes on the base it voted on in `round` when that base is above its
   * finalized block: the votes it still has to cast in that round must build on it, as they
   * would have without the restart (GRANDPA keeps E(r−1) for the same reason). A base it does
   * not have yet holds its votes back until sync brings the block.
   */
  private resumeBase(setId: number, round: number): void {
    const stored = this.storedBases.find((b) => b.setId === setId && b.round === round);
    if (stored === undefined || stored.block.number <= this.lastFinalized.number) return;
    const known = this.deps.chain.header(stored.block.hash) !== undefined;
    if (known && !this.deps.chain.isDescendant(this.lastFinalized.hash, stored.block.hash)) return;
    this.estimate = stored.block;
    this.log.info("Resuming on the persisted round base", { setId, round, number: stored.block.number, known });
  }

  private startRound(round: number): void {
    this.round = round;
    for (const r of this.rounds.keys()) if (r < round) this.rounds.delete(r);
    const state = this.roundState(round);
    state.startedAt = this.deps.clock.now();
    this.deps.metrics?.round.set(round);
    this.after(this.opts.prevoteDelayMs);
    this.after(this.opts.stageTimeoutMs);
    this.evaluate();
  }

  private roundState(round: number): RoundState {
    let state = this.rounds.get(round);
    if (state === undefined) {
      state = {
        round,
        startedAt: this.deps.clock.now(),
        prevotes: new StageVotes(this.set),
        precommits: new StageVotes(this.set),
        precommitQuorumAt: null,
        prevoted: false,
        precommitted: false,
      };
      this.rounds.set(round, state);
    }
    return state;
  }

  private after(ms: number): void {
    const handle = this.deps.clock.setTimeout(() => {
      this.timers = this.timers.filter((t) => t !== handle);
      if (this.running) this.evaluate();
    }, ms);
    this.timers.push(handle);
  }

  private scheduleRebroadcast(): void {
    this.rebroadcastTimer = this.deps.clock.setTimeout(() => {
      if (!this.running) return;
      // Our votes of this round, and our precommit of the round we completed to enter it: a voter
      // still in that round (restarted after a lost quorum, cut off, or just slow) completes it
      // from these precommits, with an estimate that covers everything it could have finalized,
      // and follows us into this round (GRANDPA's catch-up carries the same votes on request).
      const own = [
        voteKey(this.set.setId, this.round, VoteStage.Prevote),
        voteKey(this.set.setId, this.round, VoteStage.Precommit),
        voteKey(this.set.setId, this.round - 1, VoteStage.Precommit),
      ];
      for (const key of own) {
        const v = this.ownVotes.get(key);
        if (v) this.deps.network.broadcast(v);
      }
      this.evaluate();
      this.scheduleRebroadcast();
    }, this.opts.rebroadcastMs);
  }

  // --- incoming votes ---

  private onVote(v: SignedFinalityVote): void {
    this.deps.metrics?.votesReceived.inc();
    if (!this.running || !this.acceptable(v)) {
      this.deps.metrics?.votesIgnored.inc();
      return;
    }
    this.pending.push(v);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      queueMicrotask(() => void this.flush());
    }
  }

  /** Cheap checks before any signature work: our set, a round we track, a known signer, something new. */
  private acceptable(v: SignedFinalityVote): boolean {
    const { vote } = v;
    if (vote.setId !== this.set.setId) return false;
    if (vote.round < this.round || vote.round > this.round + MAX_FUTURE_ROUNDS) return false;
    if (vote.stage !== VoteStage.Prevote && vote.stage !== VoteStage.Precommit) return false;
    if (!Number.isInteger(v.signer) || v.signer < 0 || v.signer >= this.set.authorities.length) return false;
    if (vote.targetHash.length !== 32) return false;
    return !this.stageOf(this.roundState(vote.round), vote.stage).isKnown(v);
  }

  private stageOf(state: RoundState, stage: number): StageVotes {
    return stage === VoteStage.Prevote ? state.prevotes : state.precommits;
  }

  /** Verifies pending votes, one same-message batch per (round, stage, target). */
  private async flush(): Promise<void> {
    this.flushScheduled = false;
    const batch = this.pending;
    this.pending = [];
    const groups = new Map<string, SignedFinalityVote[]>();
    for (const v of batch) {
      const key = `${v.vote.round}/${v.vote.stage}/${toHex(v.vote.targetHash)}/${v.vote.targetNumber}`;
      const group = groups.get(key);
      if (group) group.push(v);
      else groups.set(key, [v]);
    }
    const setId = this.set.setId;
    await Promise.all(
      [...groups.values()].map(async (votes) => {
        const message = voteSigningRoot(this.opts.genesisHash, votes[0].vote);
        const sets = votes.map((v) => ({ publicKey: this.set.authorities[v.signer].finalityKey, signature: v.signature }));
        let valid: boolean[];
        try {
          valid = await this.deps.verifier.verifySameMessage(sets, message, { priority: true });
        } catch (error) {
          this.log.warn("Finality vote verification failed", { count: votes.length }, error);
          return;
        }
        if (!this.running || this.set.setId !== setId) return;
        votes.forEach((v, i) => {
          if (valid[i]) this.addVote(v);
          else {
            this.deps.metrics?.invalidSignatures.inc();
            this.log.debug("Invalid finality vote signature", { signer: v.signer, round: v.vote.round });
          }
        });
      }),
    );
    if (this.running) this.evaluate();
  }

  private addVote(v: SignedFinalityVote): void {
    if (v.vote.round < this.round) return;
    const result = this.stageOf(this.roundState(v.vote.round), v.vote.stage).add(v);
    if (result.kind === "equivocation") {
      this.deps.metrics?.equivocations.inc();
      this.log.warn("Finality equivocation", { signer: v.signer, setId: v.vote.setId, round: v.vote.round, stage: v.vote.stage });
      this.deps.onEquivocation(result.proof);
    }
  }

  // --- the round state machine ---

  private evaluate(): void {
    // Catch up: the newest round we can complete ends every round before it.
    const ahead = [...this.rounds.keys()].filter((r) => r >= this.round).sort((a, b) => b - a);
    for (const r of ahead) {
      if (this.tryComplete(this.roundState(r))) return;
    }
    const state = this.roundState(this.round);
    this.maybePrevote(state);
    this.maybePrecommit(state);
  }

  /** Finalizes what the round proves final and moves to the next round, when the round is completable. */
  private tryComplete(state: RoundState): boolean {
    const now = this.deps.clock.now();
    const final = this.finalTarget(state);
    if (final === null) {
      const { precommits } = state;
      if (!isSupermajority(precommits.singleVoteWeight, this.total)) return false;
      if (state.precommitQuorumAt === null) {
        state.precommitQuorumAt = now;
        if (state.round === this.round) this.after(this.opts.stageTimeoutMs);
      }
      const everyone = precommits.voterCount === this.set.authorities.length;
      if (!everyone && now - state.precommitQuorumAt < this.opts.stageTimeoutMs) return false;
    }
    // The highest block precommits could still give a supermajority to: every block final in
    // this round is at or below it, so the next round's votes, built on it, cannot conflict.
    const estimate =
      supermajorityHead(this.deps.chain, this.lastFinalized, state.precommits.singleVotes(), this.total - state.precommits.singleVoteWeight, this.total) ??
      this.lastFinalized;
    this.deps.metrics?.roundsCompleted.inc();
    const justification = final !== null && final.ref.number > this.lastFinalized.number ? this.justify(state.round, final.votes) : null;
    if (final !== null && justification !== null) {
      this.lastFinalized = final.ref;
      this.deps.metrics?.finalizedNumber.set(final.ref.number);
      this.log.debug("Round finalized", { round: state.round, number: final.ref.number, hash: final.ref.hash });
      this.deps.finalize(final.ref, justification).catch((error: unknown) => this.log.error("Finalizing failed", { number: final.ref.number }, error));
      const next = this.deps.voterSets.voterSetAt(final.ref.hash);
      if (next.setId !== this.set.setId) {
        this.estimate = final.ref;
        this.enterSet(next);
        return true;
      }
    }
    this.estimate = this.deps.chain.isDescendant(this.lastFinalized.hash, estimate.hash) ? estimate : this.lastFinalized;
    this.startRound(state.round + 1);
    return true;
  }

  /**
   * The justification of `votes`, checked as any importer will check it before it is stored and
   * served: a justification that fails here (which verified votes should never give) would make
   * every syncing node refuse the block and penalise the peers serving it. Null, logged, then.
   */
  private justify(round: number, votes: SignedFinalityVote[]): FinalityJustification | null {
    const justification = buildJustification(votes, this.set.authorities.length);
    try {
      verifyJustification(justification, this.set, this.opts.genesisHash);
      return justification;
    } catch (error) {
      this.log.error("Built a justification that does not verify; not finalizing with it", { round, number: justification.targetNumber }, error);
      return null;
    }
  }

  /** The block whose exact precommits hold a supermajority in this round, if it is known and on our finalized chain. */
  private finalTarget(state: RoundState): { ref: BlockRef; votes: SignedFinalityVote[] } | null {
    for (const candidate of state.precommits.targets()) {
      const votes = state.precommits.votesFor(candidate.vote);
      let weight = 0n;
      for (const v of votes) weight += this.set.authorities[v.signer].weight;
      if (!isSupermajority(weight, this.total)) continue;
      const ref = { hash: candidate.vote.targetHash, number: candidate.vote.targetNumber };
      const header = this.deps.chain.header(ref.hash);
      if (header === undefined || header.number !== ref.number) return null;
      if (this.deps.chain.isDescendant(this.lastFinalized.hash, ref.hash) || this.deps.chain.isDescendant(ref.hash, this.lastFinalized.hash)) return { ref, votes };
      this.log.error("Supermajority precommits for a block conflicting with our finalized chain", { round: state.round, number: ref.number, hash: ref.hash });
      return null;
    }
    return null;
  }

  /** Our votes must build on the base; until sync brings a persisted base we do not have, we wait. */
  private baseKnown(): boolean {
    return this.deps.chain.header(this.estimate.hash) !== undefined;
  }

  private maybePrevote(state: RoundState): void {
    if (this.selfIndex === null || state.prevoted || !this.baseKnown()) return;
    if (this.deps.clock.now() - state.startedAt < this.opts.prevoteDelayMs && !this.ownVotes.has(voteKey(this.set.setId, state.round, VoteStage.Prevote))) return;
    const best = this.deps.chain.best;
    const target = this.deps.chain.isDescendant(this.estimate.hash, best.hash) ? best : this.estimate;
    state.prevoted = true;
    void this.vote(state, VoteStage.Prevote, target);
  }

  private maybePrecommit(state: RoundState): void {
    if (this.selfIndex === null || !state.prevoted || state.precommitted || !this.baseKnown()) return;
    const { prevotes } = state;
    // A prevote for a block we do not have (the other side's fork after a healed partition: sync
    // follows one chain and never fetches it) counts at our finalized block, which every honest
    // prevote descends from. The GHOST is then an ancestor of the one the block would give, as
    // with any partial view of the votes; left out, such prevotes would keep the GHOST from ever
    // reaching a supermajority and the round would never complete.
    const known = prevotes
      .singleVotes()
      .map((v) => (this.deps.chain.header(v.hash) === undefined ? { ...this.lastFinalized, weight: v.weight } : v));
    const ghost = supermajorityHead(this.deps.chain, this.lastFinalized, known, prevotes.equivocatorWeight, this.total);
    if (ghost === null) return;
    const everyone = prevotes.voterCount === this.set.authorities.length;
    if (!everyone && this.deps.clock.now() - state.startedAt < this.opts.stageTimeoutMs) return;
    const target = this.deps.chain.isDescendant(this.estimate.hash, ghost.hash) ? ghost : this.estimate;
    state.precommitted = true;
    void this.vote(state, VoteStage.Precommit, target);
  }

  /**
   * Signs, persists, then broadcasts a vote — or, when the store already holds our vote for this
   * (set, round, stage), re-sends that one: a restarted validator never signs a second.
   */
  private async vote(state: RoundState, stage: number, target: BlockRef): Promise<void> {
    const key = voteKey(this.set.setId, state.round, stage);
    let signed = this.ownVotes.get(key);
    if (signed === undefined) {
      const vote: FinalityVote = { setId: this.set.setId, round: state.round, stage, targetHash: target.hash, targetNumber: target.number };
      signed = { vote, signer: this.selfIndex as number, signature: blsSign(this.opts.secretKey as Uint8Array, voteSigningRoot(this.opts.genesisHash, vote)) };
      try {
        await this.deps.store.persist(signed, this.estimate);
      } catch (error) {
        this.log.error("Persisting a finality vote failed; not sending it", { round: state.round, stage }, error);
        return;
      }
      // Only a persisted vote joins ownVotes, which the re-broadcast timer sends: a vote whose
      // write failed (a full disk) is never sent. The round's prevoted/precommitted flag, set
      // before signing, keeps the gadget from signing another one for this stage meanwhile.
      this.ownVotes.set(key, signed);
    } else if (!sameBlock({ hash: signed.vote.targetHash, number: signed.vote.targetNumber }, target)) {
      this.log.info("Re-sending the vote persisted before a restart", { round: state.round, stage, number: signed.vote.targetNumber });
    }
    if (!this.running) return;
    this.deps.network.broadcast(signed);
    if (signed.vote.setId === this.set.setId && signed.vote.round >= this.round) this.stageOf(this.roundState(signed.vote.round), stage).add(signed);
    this.evaluate();
  }
}

function publicKeyOf(secretKey: Uint8Array): Uint8Array {
  return SecretKey.fromBytes(secretKey).toPublicKey().toBytes(true);
}

function indexOf(set: VoterSet, publicKey: Uint8Array): number | null {
  const i = set.authorities.findIndex((a) => bytesEqual(a.finalityKey, publicKey));
  return i < 0 ? null : i;
}
