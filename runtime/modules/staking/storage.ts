import { codecs } from "../../../primitives/codec/index.ts";
import type { StateReader } from "../../framework/state.ts";
import { StorageDoubleMap, StorageMap, StorageValue, bigintCodec, bytesCodec, u32Codec, type ValueCodec } from "../../framework/storage.ts";
import {
  blockOffenceCodec,
  finalitySetCodec,
  ledgerCodec,
  offenceCodec,
  sessionKeysCodec,
  stakingConfigCodec,
  validatorSetCodec,
  type ElectedValidator,
  type FinalityAuthoritySet,
  type OffenceRecord,
  type SessionKeys,
  type StakingConfig,
  type StakingLedger,
} from "./types.ts";

export const MODULE = "staking";

/** Absent on a chain whose spec has no `staking` section (read it with `stakingConfig`). */
export const Config = new StorageValue<StakingConfig>(MODULE, "Config", stakingConfigCodec, () => {
  throw new Error("staking.Config missing: read it with stakingConfig()");
});

/** The staking config, or null on a chain without staking, whose Aura authorities never change. */
export function stakingConfig(state: StateReader): StakingConfig | null {
  return Config.exists(state) ? Config.get(state) : null;
}
/** Each stash's bond, by stash account. */
export const Ledger = new StorageMap<Uint8Array, StakingLedger>(MODULE, "Ledger", bytesCodec, ledgerCodec);
/** Validator candidates (`validate` without `chill` since), with their session keys. */
export const Candidates = new StorageMap<Uint8Array, SessionKeys>(MODULE, "Candidates", bytesCodec, sessionKeysCodec);
/**
 * The stash that first registered each session key (authoring and finality keys alike; their
 * lengths differ). A key belongs to that stash for good, so nobody can take over the slots or
 * the votes of a validator by naming its keys, not even after it chilled.
 */
export const KeyOwner = new StorageMap<Uint8Array, Uint8Array>(MODULE, "KeyOwner", bytesCodec, bytesCodec);
/** The session the chain is in: blocks s × L to s × L + L − 1 (L = `sessionLengthBlocks`). */
export const CurrentSession = new StorageValue<number>(MODULE, "CurrentSession", u32Codec, () => 0);
/** The sets elected for the current session and the next two, by session; older ones are removed. */
export const PlannedSets = new StorageMap<number, ElectedValidator[]>(MODULE, "PlannedSets", u32Codec, validatorSetCodec);
/** The current finality authority set: what the finality gadget reads. */
export const FinalityAuthorities = new StorageValue<FinalityAuthoritySet>(MODULE, "FinalityAuthorities", finalitySetCodec, () => ({ setId: 0, authorities: [], changedAt: 0, lastSession: 0 }));
/** The id of the current finality set; votes name it. */
export const CurrentSetId = new StorageValue<number>(MODULE, "CurrentSetId", u32Codec, () => 0);
/** Past and current finality sets by set id, kept while offences against them can still be reported. */
export const SetHistory = new StorageMap<number, FinalityAuthoritySet>(MODULE, "SetHistory", u32Codec, finalitySetCodec);
/** Reported offences by (set id, offender): one slash per validator per set. */
export const Offences = new StorageDoubleMap<number, Uint8Array, OffenceRecord>(MODULE, "Offences", u32Codec, bytesCodec, offenceCodec);

const authoringKeysCodec: ValueCodec<Uint8Array[]> = {
  encode: (ids) => codecs.accountIdList.encode({ ids }),
  decode: (b) => codecs.accountIdList.decode(b).ids,
};
/**
 * The authoring keys of past sessions' sets in slot order (the current and planned sessions' are
 * in `PlannedSets`), kept as long as `SetHistory` keeps finality sets, so that a block
 * equivocation can be checked against the set that authored it.
 */
export const PastSessionAuthors = new StorageMap<number, Uint8Array[]>(MODULE, "PastSessionAuthors", u32Codec, authoringKeysCodec);
/** Reported block equivocations by (slot, offender): one slash per validator per slot. */
export const BlockOffences = new StorageDoubleMap<bigint, Uint8Array, OffenceRecord>(MODULE, "BlockOffences", bigintCodec, bytesCodec, blockOffenceCodec);
