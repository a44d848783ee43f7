import { bytesEqual, bytesToBigint, isMinimalUint } from "../../../primitives/bytes.ts";
import { blsPublicKey } from "../../../primitives/blsKeys.ts";
import type { BlockContext, CallDefinition, PostDispatchInfo } from "../../framework/module.ts";
import { ensureSigned } from "../../framework/origin.ts";
import { StakingError } from "./errors.ts";
import { verifyAuthoringPop, verifyFinalityPop } from "./keys.ts";
import * as ledger from "./ledger.ts";
import { reportBlockEquivocation as reportBlock } from "./blockEquivocation.ts";
import { reportEquivocation as report } from "./slashing.ts";
import { Candidates, KeyOwner, Ledger, stakingConfig } from "./storage.ts";
import {
  amountArgsCodec,
  noArgsCodec,
  reportEquivocationArgsCodec,
  validateArgsCodec,
  type StakingAmountArgs,
  type StakingConfig,
  type StakingNoArgs,
  type StakingReportEquivocationArgs,
  type StakingValidateArgs,
} from "./types.ts";
import { stakingEvents } from "./events.ts";

// Weights in the runtime's units (1 ≈ 1 ns of execution, as a transfer's 50,000).
/** A ledger read and write, an account read and write, an event. */
const LEDGER_WEIGHT = 60_000n;
/** `validate`: one BLS verification (~1 ms with blst) dominates, one ed25519 verification (~0.15 ms), key-owner reads and writes. */
const VALIDATE_WEIGHT = 1_350_000n;
/** `reportEquivocation`: two BLS verifications, the slash and the planned sets rewritten. */
const REPORT_WEIGHT = 2_500_000n;
/** `reportBlockEquivocation`: two header decodes and hashes, two ed25519 verifications (~60 µs each), the slash. */
const REPORT_BLOCK_WEIGHT = 400_000n;

function enabled(ctx: BlockContext): StakingConfig {
  const config = stakingConfig(ctx.state);
  if (config === null) throw new StakingError("StakingDisabled");
  return config;
}

function amountOf(args: StakingAmountArgs): bigint {
  if (!isMinimalUint(args.value)) throw new StakingError("InvalidAmount");
  const amount = bytesToBigint(args.value);
  if (amount === 0n) throw new StakingError("InvalidAmount");
  return amount;
}

function amountCall(apply: (ctx: BlockContext, config: StakingConfig, stash: Uint8Array, amount: bigint) => void): CallDefinition<StakingAmountArgs> {
  return {
    args: amountArgsCodec,
    weight: () => LEDGER_WEIGHT,
    dispatch: (ctx, origin, args) => apply(ctx, enabled(ctx), ensureSigned(origin), amountOf(args)),
  };
}

/** `staking.bond(value)`: the signer becomes a stash with `value` reserved. */
export const bond = amountCall((ctx, _config, stash, amount) => ledger.bond(ctx, stash, amount));
/** `staking.bondExtra(value)`: reserves `value` more. */
export const bondExtra = amountCall((ctx, _config, stash, amount) => ledger.bondExtra(ctx, stash, amount));
/** `staking.unbond(value)`: starts the bonding period for `value` of the active bond. */
export const unbond = amountCall((ctx, config, stash, amount) => ledger.unbond(ctx, config, stash, amount));

/** `staking.withdrawUnbonded()`: releases the chunks whose bonding period is over. */
export const withdrawUnbonded: CallDefinition<StakingNoArgs> = {
  args: noArgsCodec,
  weight: () => LEDGER_WEIGHT,
  dispatch: (ctx, origin) => {
    enabled(ctx);
    ledger.withdrawUnbonded(ctx, ensureSigned(origin));
  },
};

function claimKey(ctx: BlockContext, stash: Uint8Array, key: Uint8Array, kind: string): void {
  const owner = KeyOwner.get(ctx.state, key);
  if (owner !== undefined && !bytesEqual(owner, stash)) throw new StakingError("KeyInUse", { key, kind });
}

/**
 * `staking.validate(authoringKey, finalityKey, finalityKeyProof, authoringKeyProof)`: the stash
 * becomes (or stays, with new keys) a candidate from the next election on. Each key proves it is
 * held for this stash — the finality key signs `finalityPopMessage`, the authoring key
 * `authoringPopMessage`, both over (genesis hash, stash, key) — and is bound to its first stash
 * for good, so nobody can claim another's key by copying it from a pending `validate`.
 */
export const validate: CallDefinition<StakingValidateArgs> = {
  args: validateArgsCodec,
  weight: () => VALIDATE_WEIGHT,
  dispatch: (ctx, origin, args) => {
    const config = enabled(ctx);
    const stash = ensureSigned(origin);
    const bonded = Ledger.get(ctx.state, stash);
    if (!bonded) throw new StakingError("NotBonded");
    if (bonded.active < config.minValidatorBond) throw new StakingError("InsufficientBond", { active: bonded.active, minValidatorBond: config.minValidatorBond });
    if (args.authoringKey.length !== 32) throw new StakingError("InvalidKey", { kind: "authoring" });
    if (blsPublicKey(args.finalityKey) === null) throw new StakingError("InvalidKey", { kind: "finality" });
    claimKey(ctx, stash, args.authoringKey, "authoring");
    claimKey(ctx, stash, args.finalityKey, "finality");
    if (!verifyAuthoringPop(ctx.genesisHash, stash, args.authoringKey, args.authoringKeyProof)) throw new StakingError("BadProofOfPossession", { kind: "authoring" });
    if (!verifyFinalityPop(ctx.genesisHash, stash, args.finalityKey, args.finalityKeyProof)) throw new StakingError("BadProofOfPossession", { kind: "finality" });
    KeyOwner.set(ctx.state, args.authoringKey, stash);
    KeyOwner.set(ctx.state, args.finalityKey, stash);
    Candidates.set(ctx.state, stash, { authoringKey: args.authoringKey, finalityKey: args.finalityKey });
    stakingEvents.deposit(ctx, "Validating", { stash, authoringKey: args.authoringKey, finalityKey: args.finalityKey });
  },
};

/** `staking.chill()`: the stash stops being a candidate from the next election on; its bond stays. */
export const chill: CallDefinition<StakingNoArgs> = {
  args: noArgsCodec,
  weight: () => LEDGER_WEIGHT,
  dispatch: (ctx, origin) => {
    enabled(ctx);
    const stash = ensureSigned(origin);
    if (!Candidates.contains(ctx.state, stash)) throw new StakingError("NotValidating");
    Candidates.remove(ctx.state, stash);
    stakingEvents.deposit(ctx, "Chilled", { stash });
  },
};

/**
 * A valid offence report is free, as Substrate's equivocation reports are (`Pays::No`): the fee
 * withdrawn up front comes back once the report succeeds, so a validator's node reports at no
 * cost. A report that fails (a bad proof, an offence already reported) pays its fee like any
 * failed call, so a stream of bogus reports costs its sender; the up-front withdrawal still needs
 * the fee in the reporter's free balance (docs/staking.md#offences).
 */
const REPORT_IS_FREE: PostDispatchInfo = { pays: "no" };

/** `staking.reportEquivocation(proof)` by anyone: see `slashing.ts`. Free when it succeeds. */
export const reportEquivocation: CallDefinition<StakingReportEquivocationArgs> = {
  args: reportEquivocationArgsCodec,
  weight: () => REPORT_WEIGHT,
  dispatch: (ctx, origin, args) => {
    report(ctx, enabled(ctx), ensureSigned(origin), args.proof);
    return REPORT_IS_FREE;
  },
};

/** `staking.reportBlockEquivocation(proof)` by anyone: two headers sealed for one slot by one author; see `blockEquivocation.ts`. Free when it succeeds. */
export const reportBlockEquivocation: CallDefinition<StakingReportEquivocationArgs> = {
  args: reportEquivocationArgsCodec,
  weight: () => REPORT_BLOCK_WEIGHT,
  dispatch: (ctx, origin, args) => {
    reportBlock(ctx, enabled(ctx), ensureSigned(origin), args.proof);
    return REPORT_IS_FREE;
  },
};
