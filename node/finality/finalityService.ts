import type { Registry } from "prom-client";
import type { IBlsVerifier } from "../../primitives/bls/interface.ts";
import { finalityJustificationCodec, signedFinalityVoteCodec, VoteStage, voteSigningRoot, type SignedFinalityVote } from "../../primitives/finality/vote.ts";
import type { Logger } from "../../primitives/logger.ts";
import { BLS_FINALITY_ENGINE, createFinalityMetrics, FinalityGadget, systemClock, type VoterSet } from "../../consensus/finality/index.ts";
import type { Chain } from "../chain/chain.ts";
import type { Database } from "../db/database.ts";
import type { OffenceSink } from "../offences/offenceReporter.ts";
import { VoteRepository } from "../db/voteRepository.ts";
import { ChainViewAdapter } from "./chainView.ts";
import { FinalitySetError } from "./errors.ts";
import { PreverifiedVerifier } from "./preverifiedVerifier.ts";
import { createFinalityServiceMetrics, type FinalityServiceMetrics } from "./metrics.ts";
import { SeenVotes } from "./seenVotes.ts";
import { GossipVoteNetwork, openVoteMessage } from "./voteGossip.ts";
import { finalitySetAt, StakingVoterSets } from "./voterSets.ts";

export { applyJustification } from "./applyJustification.ts";

/**
 * Votes for rounds this far ahead of ours are forwarded and handed to the gadget, which keeps
 * them to catch up (it keeps 64 rounds ahead); farther ones are ignored, not punished: the
 * sender may simply be ahead of a node that restarted.
 */
const GOSSIP_ROUNDS_AHEAD = 64;
/** A vote for the round just before ours is still forwarded: peers a little behind need it. */
const GOSSIP_ROUNDS_BEHIND = 1;

export type GossipVerdict = "accept" | "ignore" | "reject";

export interface FinalityServiceOpts {
  genesisHash: Uint8Array;
  /** This validator's serialized BLS finality secret key; null on a node that only follows finality. */
  finalitySecretKey: Uint8Array | null;
  slotDurationMs: number;
}

export interface FinalityServiceDeps {
  chain: Chain;
  db: Database;
  verifier: IBlsVerifier;
  /** Where the gadget's equivocation proofs go (the node's offence reporter). */
  offences: OffenceSink;
  /** Publishes a vote gossip message (voteGossip.ts) on the "votes" gossip topic. */
  broadcastVote(bytes: Uint8Array): void;
  logger: Logger;
  registry: Registry | null;
  /** The node's wall clock (node/clock.ts); the system clock when absent. */
  now?: () => number;
}

/**
 * The BLS finality gadget wired to the node (docs/consensus.md, "The node's finality service"):
 * the chain, the staking module's authority sets, the votes gossip topic, the vote repository,
 * the offence reporter for equivocations. Run it only when `usesFinalityGadget(chain)`;
 * a single-authority dev chain keeps instant finality.
 */
export class FinalityService {
  private readonly opts: FinalityServiceOpts;
  private readonly deps: FinalityServiceDeps;
  private readonly log: Logger;
  private readonly network: GossipVoteNetwork;
  private readonly verifier: PreverifiedVerifier;
  private readonly voterSets: StakingVoterSets;
  private readonly now: () => number;
  private readonly seen = new SeenVotes();
  private readonly metrics: FinalityServiceMetrics | null;
  private gadget: FinalityGadget | null = null;
  /** The set of the gadget's current set id, read once per set id. */
  private currentSet: VoterSet | null = null;

  constructor(opts: FinalityServiceOpts, deps: FinalityServiceDeps) {
    this.opts = opts;
    this.deps = deps;
    this.log = deps.logger.child("finality");
    this.now = deps.now ?? Date.now;
    this.metrics = deps.registry && createFinalityServiceMetrics(deps.registry);
    this.network = new GossipVoteNetwork((bytes) => deps.broadcastVote(bytes), this.now);
    this.verifier = new PreverifiedVerifier(deps.verifier);
    this.voterSets = new StakingVoterSets(deps.chain);
  }

  /** The gadget's round and set; null before `start`. */
  get position(): { setId: number; round: number } | null {
    return this.gadget && { setId: this.gadget.currentSetId, round: this.gadget.currentRound };
  }

  /** Reads the authority set at the finalized head, loads this validator's past votes and starts voting. */
  async start(): Promise<void> {
    if (this.gadget !== null) return;
    const { chain } = this.deps;
    if (finalitySetAt(chain, chain.finalized.hash) === null) throw new FinalitySetError({ code: "NO_AUTHORITY_SET", hash: "finalized head" }, "the chain has no staking: the finality gadget cannot run");
    const slot = this.opts.slotDurationMs;
    const gadget = new FinalityGadget(
      {
        genesisHash: this.opts.genesisHash,
        secretKey: this.opts.finalitySecretKey,
        // A third of a slot for the block authored at the round's start to reach every voter (2Δ).
        prevoteDelayMs: Math.floor(slot / 3),
        // Two slots (4Δ): long enough for every online voter's prevotes and precommits to arrive.
        stageTimeoutMs: 2 * slot,
        rebroadcastMs: slot,
      },
      {
        chain: new ChainViewAdapter(chain),
        voterSets: this.voterSets,
        network: this.network,
        store: new VoteRepository(this.deps.db),
        verifier: this.verifier,
        finalize: (block, j) => chain.finalize(block.hash, { engine: BLS_FINALITY_ENGINE, data: finalityJustificationCodec.encode(j) }),
        onEquivocation: (proof) => this.deps.offences.report({ kind: "finalityEquivocation", proof }),
        clock: { ...systemClock, now: this.now },
        logger: this.deps.logger,
        metrics: this.deps.registry && createFinalityMetrics(this.deps.registry),
      },
    );
    await gadget.start();
    this.gadget = gadget;
  }

  async stop(): Promise<void> {
    this.gadget?.stop();
    this.gadget = null;
  }

  /** Re-evaluates the round: a block just imported may be the target of votes already held. */
  poke(): void {
    this.gadget?.poke();
  }

  /**
   * Validator of the "votes" gossip topic. `reject` (the peer is penalised): undecodable, a
   * malformed vote, a signer outside the set, a bad signature. `ignore`: not running, another set,
   * a round outside the window we track. `accept`: verified and handed to the gadget (which then
   * does not verify it again), and forwarded by gossip.
   */
  async onGossipVote(data: Uint8Array): Promise<GossipVerdict> {
    const gadget = this.gadget;
    if (gadget === null) return "ignore";
    const bytes = openVoteMessage(data, this.now());
    if (bytes === "malformed") return "reject";
    if (bytes === "stale") return "ignore";
    let signed: SignedFinalityVote;
    try {
      signed = signedFinalityVoteCodec.decode(bytes);
    } catch {
      return "reject";
    }
    const { vote } = signed;
    if ((vote.stage !== VoteStage.Prevote && vote.stage !== VoteStage.Precommit) || vote.targetHash.length !== 32) return "reject";
    const set = this.setOf(gadget);
    if (set === null || vote.setId !== set.setId) return "ignore";
    if (vote.round < gadget.currentRound - GOSSIP_ROUNDS_BEHIND || vote.round > gadget.currentRound + GOSSIP_ROUNDS_AHEAD) return "ignore";
    if (!Number.isInteger(signed.signer) || signed.signer < 0 || signed.signer >= set.authorities.length) return "reject";
    this.seen.prune(gadget.currentRound - GOSSIP_ROUNDS_BEHIND);
    const seen = this.seen.check(signed);
    this.metrics?.gossipVotes.inc({ result: seen });
    if (seen !== "verify") return "ignore";
    const pending = this.seen.begin(signed);
    const message = voteSigningRoot(this.opts.genesisHash, vote);
    const entry = { publicKey: set.authorities[signed.signer].finalityKey, signature: signed.signature };
    let valid: boolean;
    try {
      [valid] = await this.deps.verifier.verifySameMessage([entry], message, { batchable: true });
    } catch (error) {
      pending.settle(false);
      this.log.debug("Vote verification unavailable", { error: (error as Error).message });
      return "ignore";
    }
    pending.settle(valid);
    if (!valid) return "reject";
    if (this.gadget !== gadget) return "ignore";
    this.verifier.remember(message, entry);
    this.network.deliver(signed);
    return "accept";
  }

  /** The gadget's current voter set: the set at the chain's finalized head while its id matches the gadget's. */
  private setOf(gadget: FinalityGadget): VoterSet | null {
    if (this.currentSet?.setId === gadget.currentSetId) return this.currentSet;
    const set = finalitySetAt(this.deps.chain, this.deps.chain.finalized.hash);
    if (set === null || set.setId !== gadget.currentSetId) return null;
    this.seen.clear();
    this.currentSet = set;
    return set;
  }
}

/**
 * True when the finality set at the best block has more than one authority: the BLS gadget
 * finalizes. False for a chain without staking or with a single authority (the dev chain), where
 * the node keeps instant finality.
 */
export function usesFinalityGadget(chain: Chain): boolean {
  const set = finalitySetAt(chain, chain.best.hash);
  return set !== null && set.authorities.length > 1;
}

