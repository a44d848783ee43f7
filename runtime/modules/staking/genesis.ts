import { bytesEqual, fromHex, isHex, toHex } from "../../../primitives/bytes.ts";
import { blsPublicKey } from "../../../primitives/blsKeys.ts";
import { config as read, GenesisConfigError } from "../../framework/genesisConfig.ts";
import type { ModuleGenesis } from "../../framework/module.ts";
import { Authorities } from "../aura/storage.ts";
import { getAccount, putAccount } from "../system/accounts.ts";
import { Candidates, Config, CurrentSetId, FinalityAuthorities, KeyOwner, Ledger, PlannedSets, SetHistory } from "./storage.ts";
import type { ElectedValidator, FinalityAuthoritySet, StakingConfig } from "./types.ts";

const SECTION_FIELDS = new Set(["sessionLengthBlocks", "bondingPeriodSessions", "maxValidators", "minValidatorBond", "slashPercent", "validators"]);

/** Below 3 sessions, a validator could withdraw before an offence of its last set could be reported (see `setHistoryDepth`). */
const MIN_BONDING_PERIOD_SESSIONS = 3;

/**
 * A validator set beyond this would make each vote round's gossip and each justification's
 * bitfield and aggregation grow past what 6 s slots allow on commodity servers.
 */
const MAX_VALIDATORS = 1000;

function readValidator(entry: unknown, field: string): ElectedValidator {
  const v = read.array(entry, field);
  if (v.length !== 4) throw new GenesisConfigError(field, "expected [account, bond, authoringKey, finalityKey]");
  const finalityHex = v[3];
  if (!isHex(finalityHex) || blsPublicKey(fromHex(finalityHex)) === null) throw new GenesisConfigError(`${field}[3]`, "expected a 0x-hex compressed BLS12-381 public key");
  return { account: read.account(v[0], `${field}[0]`), stake: read.amount(v[1], `${field}[1]`), authoringKey: read.account(v[2], `${field}[2]`), finalityKey: fromHex(finalityHex) };
}

/**
 * At least 1 unit: every candidate keeps `minValidatorBond` at stake, which is what bounds the
 * candidates an election reads (total issuance ÷ `minValidatorBond`); at 0, dust would do.
 */
function readMinValidatorBond(value: unknown): bigint {
  const min = read.amount(value, "staking.minValidatorBond");
  if (min === 0n) throw new GenesisConfigError("staking.minValidatorBond", "must be at least 1");
  return min;
}

function readConfig(s: Record<string, unknown>): StakingConfig {
  return {
    sessionLengthBlocks: read.uint(s.sessionLengthBlocks, "staking.sessionLengthBlocks", { min: 1 }),
    bondingPeriodSessions: read.uint(s.bondingPeriodSessions, "staking.bondingPeriodSessions", { min: MIN_BONDING_PERIOD_SESSIONS }),
    maxValidators: read.uint(s.maxValidators, "staking.maxValidators", { min: 1, max: MAX_VALIDATORS }),
    minValidatorBond: readMinValidatorBond(s.minValidatorBond),
    slashPercent: read.uint(s.slashPercent, "staking.slashPercent", { max: 100 }),
  };
}

/**
 * `staking` section, optional (without it the chain keeps its genesis Aura authorities for good):
 * `{ sessionLengthBlocks, bondingPeriodSessions, maxValidators, minValidatorBond, slashPercent,
 * validators: [[account, bond, authoringKey, finalityKey], ...] }`. Each validator's bond is
 * reserved from its genesis balance; they are the set of sessions 0 and 1 and finality set 0, in
 * the order given, which must be `aura.authorities`' order. Genesis validators give no proof of
 * possession: it would sign the genesis hash, which this very state determines; the spec's
 * author vouches for the keys instead.
 */
export const stakingGenesis: ModuleGenesis = {
  build(state, section) {
    if (section === undefined) return;
    const s = read.object(section, "staking");
    for (const field of Object.keys(s)) if (!SECTION_FIELDS.has(field)) throw new GenesisConfigError(`staking.${field}`, "unknown field");
    const config = readConfig(s);
    const validators = read.array(s.validators, "staking.validators").map((v, i) => readValidator(v, `staking.validators[${i}]`));
    if (validators.length === 0 || validators.length > config.maxValidators) throw new GenesisConfigError("staking.validators", `expected 1 to maxValidators (${config.maxValidators}) validators`);
    Config.set(state, config);

    validators.forEach((v, i) => {
      const field = `staking.validators[${i}]`;
      if (v.stake < config.minValidatorBond) throw new GenesisConfigError(`${field}[1]`, "the bond is below minValidatorBond");
      if (Ledger.contains(state, v.account)) throw new GenesisConfigError(`${field}[0]`, "the account is listed twice");
      for (const key of [v.authoringKey, v.finalityKey]) {
        if (KeyOwner.contains(state, key)) throw new GenesisConfigError(field, `the key ${toHex(key)} is listed twice`);
        KeyOwner.set(state, key, v.account);
      }
      const account = getAccount(state, v.account);
      if (account.free < v.stake) throw new GenesisConfigError(`${field}[1]`, `the bond exceeds the account's genesis balance (${account.free})`);
      putAccount(state, v.account, { ...account, free: account.free - v.stake, reserved: account.reserved + v.stake });
      Ledger.set(state, v.account, { active: v.stake, unlocking: [] });
      Candidates.set(state, v.account, { authoringKey: v.authoringKey, finalityKey: v.finalityKey });
    });

    const aura = Authorities.get(state);
    if (aura.length !== validators.length || !aura.every((key, i) => bytesEqual(key, validators[i].authoringKey))) {
      throw new GenesisConfigError("aura.authorities", "must be the staking validators' authoring keys, in the same order");
    }
    PlannedSets.set(state, 0, validators);
    PlannedSets.set(state, 1, validators);
    const set: FinalityAuthoritySet = { setId: 0, authorities: validators.map((v) => ({ account: v.account, finalityKey: v.finalityKey, weight: v.stake })), changedAt: 0, lastSession: 0 };
    FinalityAuthorities.set(state, set);
    CurrentSetId.set(state, 0);
    SetHistory.set(state, 0, set);
  },
};

export interface DevValidator {
  /** SS58 address of the stash, which also authors with its own ed25519 key. */
  address: string;
  finalityKey: Uint8Array;
}

/**
 * The dev and local chains' section: each validator bonds `bond` (a decimal string of base
 * units), the minimum bond being a tenth of it. `sessionLengthBlocks` is the chain's choice; four
 * sessions of bonding period and a 10 % slash keep the lifecycle visible in minutes.
 */
export function stakingDevSection(validators: readonly DevValidator[], bond: bigint, sessionLengthBlocks: number): Record<string, unknown> {
  return {
    sessionLengthBlocks,
    bondingPeriodSessions: 4,
    maxValidators: 16,
    minValidatorBond: (bond / 10n).toString(),
    slashPercent: 10,
    validators: validators.map((v) => [v.address, bond.toString(), v.address, toHex(v.finalityKey)]),
  };
}
