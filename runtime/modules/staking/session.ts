import { bytesEqual } from "../../../primitives/bytes.ts";
import type { BlockContext } from "../../framework/module.ts";
import { Authorities } from "../aura/storage.ts";
import { elect } from "./election.ts";
import { BlockOffences, CurrentSession, CurrentSetId, FinalityAuthorities, Offences, PastSessionAuthors, PlannedSets, SetHistory, stakingConfig } from "./storage.ts";
import type { ElectedValidator, FinalityAuthority, StakingConfig } from "./types.ts";
import { stakingEvents } from "./events.ts";

/**
 * Sessions a finality set is kept after its last session, for equivocation reports against it.
 * A validator of a set current up to session b was elected with its bond at the end of session
 * b − 2, so it can have unbonded in session b − 1 at the earliest, and withdraws in session
 * b − 1 + bondingPeriodSessions at the earliest. Reports are accepted until session b + depth, so
 * a depth of `bondingPeriodSessions` − 2 keeps every reportable offender's bond slashable.
 */
export function setHistoryDepth(config: StakingConfig): number {
  return config.bondingPeriodSessions - 2;
}

/** The session block `number` belongs to (and, for a sealed block, was authored in). */
export function sessionOf(number: number, config: StakingConfig): number {
  return (number - (number % config.sessionLengthBlocks)) / config.sessionLengthBlocks;
}

function finalityAuthorities(set: readonly ElectedValidator[]): FinalityAuthority[] {
  return set.map((v) => ({ account: v.account, finalityKey: v.finalityKey, weight: v.stake }));
}

function sameAuthorities(a: readonly FinalityAuthority[], b: readonly FinalityAuthority[]): boolean {
  return a.length === b.length && a.every((x, i) => bytesEqual(x.account, b[i].account) && bytesEqual(x.finalityKey, b[i].finalityKey) && x.weight === b[i].weight);
}

/**
 * In the last block of each session s (its finalization, so the next block is authored by the new
 * set): elects the set for session s + 2, then makes the set elected for s + 1 current — Aura's
 * authorities and, when it differs from the current one, a new finality set with the next id.
 * Blocks are numbered from 1, so session 0 is one block short.
 */
export function onFinalize(ctx: BlockContext): void {
  const config = stakingConfig(ctx.state);
  if (config === null || (ctx.number + 1) % config.sessionLengthBlocks !== 0) return;
  const session = CurrentSession.get(ctx.state);
  planSession(ctx, config, session + 2);
  startSession(ctx, session + 1, setHistoryDepth(config));
  pruneSetHistory(ctx, setHistoryDepth(config), session + 1);
  pruneBlockOffences(ctx, config, session + 1);
}

/** Elects the set for `session`; with no eligible candidate the last planned set carries on, so the chain never stops. */
function planSession(ctx: BlockContext, config: StakingConfig, session: number): void {
  const elected = elect(ctx.state, config);
  if (elected.length === 0) {
    const previous = PlannedSets.get(ctx.state, session - 1) ?? [];
    PlannedSets.set(ctx.state, session, previous);
    stakingEvents.deposit(ctx, "ElectionFallback", { session, validators: previous.length });
    return;
  }
  PlannedSets.set(ctx.state, session, elected);
  const stake = elected.reduce((sum, v) => sum + v.stake, 0n);
  stakingEvents.deposit(ctx, "ValidatorsElected", { session, validators: elected.length, stake });
}

function startSession(ctx: BlockContext, session: number, depth: number): void {
  const set = PlannedSets.get(ctx.state, session);
  // Genesis plans sessions 0 and 1, and every rotation plans two sessions ahead.
  if (set === undefined) throw new Error(`staking: no validator set planned for session ${session}`);
  keepPastAuthors(ctx, session - 1, depth);
  PlannedSets.remove(ctx.state, session - 1);
  CurrentSession.set(ctx.state, session);
  Authorities.set(ctx.state, set.map((v) => v.authoringKey));
  const current = FinalityAuthorities.get(ctx.state);
  const authorities = finalityAuthorities(set);
  const next = sameAuthorities(current.authorities, authorities)
    ? { ...current, lastSession: session }
    : { setId: current.setId + 1, authorities, changedAt: ctx.number, lastSession: session };
  FinalityAuthorities.set(ctx.state, next);
  CurrentSetId.set(ctx.state, next.setId);
  SetHistory.set(ctx.state, next.setId, next);
  stakingEvents.deposit(ctx, "NewSession", { session, validators: set.length });
  if (next.setId !== current.setId) stakingEvents.deposit(ctx, "NewAuthoritySet", { setId: next.setId, authorities: authorities.length, changedAt: ctx.number });
}

/** Drops the finality sets (and their offence records) last current more than `depth` sessions ago. */
function pruneSetHistory(ctx: BlockContext, depth: number, session: number): void {
  const expired: number[] = [];
  for (const [key, raw] of ctx.state.entries(SetHistory.prefix)) {
    if (SetHistory.decodeValue(raw).lastSession + depth < session) expired.push(SetHistory.decodeKey(key));
  }
  for (const setId of expired) {
    SetHistory.remove(ctx.state, setId);
    const offences = [...ctx.state.entries(Offences.prefixFor(setId))].map(([key]) => key);
    for (const key of offences) ctx.state.delete(key);
  }
}

/**
 * Keeps the authoring keys of the session that just ended for `depth` sessions (block equivocations
 * in it stay reportable as long as vote equivocations in its finality set), and drops the set that
 * just expired.
 */
function keepPastAuthors(ctx: BlockContext, ended: number, depth: number): void {
  if (depth <= 0) return;
  const set = PlannedSets.get(ctx.state, ended);
  if (set !== undefined) PastSessionAuthors.set(ctx.state, ended, set.map((v) => v.authoringKey));
  if (ended - depth >= 0) PastSessionAuthors.remove(ctx.state, ended - depth);
}

/**
 * Drops the block offence records that can no longer matter: once the session that included a
 * report is more than `setHistoryDepth` sessions old, so is the offence's own session, and a new
 * report of it fails with `UnknownSession` before the record would be read.
 */
function pruneBlockOffences(ctx: BlockContext, config: StakingConfig, session: number): void {
  const depth = setHistoryDepth(config);
  const expired: Uint8Array[] = [];
  for (const [key, raw] of ctx.state.entries(BlockOffences.prefix)) {
    if (sessionOf(BlockOffences.decodeValue(raw).block, config) + depth < session) expired.push(key);
  }
  for (const key of expired) ctx.state.delete(key);
}
