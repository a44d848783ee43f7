import { bytesEqual } from "../../../primitives/bytes.ts";
import { equivocationProofCodec, isEquivocation, voteSigningRoot, type EquivocationProof, type FinalityVote, type SignedFinalityVote } from "../../../primitives/finality/vote.ts";
import { blsVerify } from "../../../primitives/blsKeys.ts";
import type { BlockContext } from "../../framework/module.ts";
import { burn, credit } from "../balances/currency.ts";
import { getAccount, putAccount } from "../system/accounts.ts";
import { StakingError } from "./errors.ts";
import { totalBonded } from "./ledger.ts";
import { Candidates, CurrentSession, Ledger, Offences, PlannedSets, SetHistory } from "./storage.ts";
import type { FinalityAuthority, StakingConfig, StakingLedger } from "./types.ts";
import { stakingEvents } from "./events.ts";

/**
 * The reporter's share of a slash, in percent; the rest is burned. Enough that watching for
 * equivocations pays more than the report's fee, small enough that an offender who reports
 * himself still loses 90 % of the slash.
 */
export const REPORTER_REWARD_PERCENT = 10n;

const MAX_SET_ID = 0xffffffff;

function decodeProof(bytes: Uint8Array): EquivocationProof {
  let proof: EquivocationProof;
  try {
    proof = equivocationProofCodec.decode(bytes);
  } catch (e) {
    throw new StakingError("MalformedProof", { reason: (e as Error).message });
  }
  // Message fields absent from the encoding decode as null.
  const votes = [proof.first, proof.second] as Array<SignedFinalityVote | null>;
  if (votes.some((v) => v === null || (v.vote as FinalityVote | null) === null)) throw new StakingError("MalformedProof", { reason: "a vote is missing" });
  return proof;
}

/**
 * Checks an equivocation proof against the finality set its votes name (kept for
 * `setHistoryDepth` sessions) and returns the offender. Throws `StakingError` naming the first
 * rule the proof breaks.
 */
export function verifyEquivocation(ctx: BlockContext, proofBytes: Uint8Array): { setId: number; offender: FinalityAuthority } {
  const { first, second } = decodeProof(proofBytes);
  if (!isEquivocation(first, second)) throw new StakingError("NotEquivocation");
  const setId = first.vote.setId;
  const set = Number.isSafeInteger(setId) && setId <= MAX_SET_ID ? SetHistory.get(ctx.state, setId) : undefined;
  if (set === undefined) throw new StakingError("UnknownSet", { setId });
  const offender = set.authorities[first.signer];
  if (offender === undefined) throw new StakingError("UnknownSigner", { setId, signer: first.signer });
  for (const [which, vote] of [["first", first], ["second", second]] as const) {
    if (!blsVerify(offender.finalityKey, voteSigningRoot(ctx.genesisHash, vote.vote), vote.signature)) throw new StakingError("BadVoteSignature", { vote: which });
  }
  if (Offences.contains(ctx.state, setId, offender.account)) throw new StakingError("AlreadyReported", { setId, offender: offender.account });
  return { setId, offender };
}

/** Takes `amount` out of a ledger: the active bond first, then the unlocking chunks, latest first. */
function slashLedger(ledger: StakingLedger, amount: bigint): StakingLedger {
  let left = amount;
  const fromActive = ledger.active < left ? ledger.active : left;
  left -= fromActive;
  const unlocking = [...ledger.unlocking];
  for (let i = unlocking.length - 1; i >= 0 && left > 0n; i--) {
    const take = unlocking[i].value < left ? unlocking[i].value : left;
    unlocking[i] = { ...unlocking[i], value: unlocking[i].value - take };
    left -= take;
  }
  return { active: ledger.active - fromActive, unlocking: unlocking.filter((c) => c.value > 0n) };
}

/** Who is slashed, and the offence's fields for the `Slashed` event (`setId`, or `slot`). */
export interface Offence {
  stash: Uint8Array;
  details: { setId: number } | { slot: bigint };
}

/**
 * The slash path of every offence: slashes `slashPercent` of the offender's whole bond (active and
 * unlocking) out of its reserved balance, pays the reporter `REPORTER_REWARD_PERCENT` of it and
 * burns the rest (total issuance falls by what is burned), chills the offender and removes it from
 * the sets planned for later sessions — unless that would leave a set empty, so the chain keeps
 * producing blocks. The current session's set is not changed mid-session. Returns the amount slashed,
 * for the caller's offence record.
 */
export function slash(ctx: BlockContext, config: StakingConfig, reporter: Uint8Array, offence: Offence): bigint {
  const { stash } = offence;
  const ledger = Ledger.get(ctx.state, stash);
  const slashed = ledger ? (totalBonded(ledger) * BigInt(config.slashPercent)) / 100n : 0n;
  if (ledger) {
    const rest = slashLedger(ledger, slashed);
    if (totalBonded(rest) === 0n) Ledger.remove(ctx.state, stash);
    else Ledger.set(ctx.state, stash, rest);
    const account = getAccount(ctx.state, stash);
    putAccount(ctx.state, stash, { ...account, reserved: account.reserved - slashed });
  }
  const share = (slashed * REPORTER_REWARD_PERCENT) / 100n;
  // A share that would leave the reporter below the existential deposit is burned with the rest.
  const holding = getAccount(ctx.state, reporter);
  const reward = holding.free + holding.reserved + share >= ctx.config.existentialDeposit ? share : 0n;
  burn(ctx.state, slashed - reward);
  // Paid out of the slash, which total issuance still counted.
  credit(ctx.state, reporter, reward, ctx.config.existentialDeposit);
  stakingEvents.deposit(ctx, "Slashed", { stash, ...offence.details, amount: slashed });
  if (reward > 0n) stakingEvents.deposit(ctx, "ReporterRewarded", { reporter, amount: reward });

  if (Candidates.contains(ctx.state, stash)) {
    Candidates.remove(ctx.state, stash);
    stakingEvents.deposit(ctx, "Chilled", { stash });
  }
  const session = CurrentSession.get(ctx.state);
  for (const later of [session + 1, session + 2]) {
    const planned = PlannedSets.get(ctx.state, later);
    if (planned === undefined) continue;
    const kept = planned.filter((v) => !bytesEqual(v.account, stash));
    if (kept.length === planned.length || kept.length === 0) continue;
    PlannedSets.set(ctx.state, later, kept);
    stakingEvents.deposit(ctx, "RemovedFromSet", { stash, session: later });
  }
  return slashed;
}

/** `reportEquivocation(proof)` by anyone: a finality-vote equivocation, slashed once per (set, offender). */
export function reportEquivocation(ctx: BlockContext, config: StakingConfig, reporter: Uint8Array, proofBytes: Uint8Array): void {
  const { setId, offender } = verifyEquivocation(ctx, proofBytes);
  const stash = offender.account;
  const slashed = slash(ctx, config, reporter, { stash, details: { setId } });
  Offences.set(ctx.state, setId, stash, { reporter, slashed, block: ctx.number });
}
