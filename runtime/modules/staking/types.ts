import { bigintToBytes, bytesToBigint } from "../../../primitives/bytes.ts";
import { MessageCodec, parseProto } from "../../../primitives/codec/index.ts";
import type { ValueCodec } from "../../framework/storage.ts";
import type {
  BlockEquivocationProof,
  StakingAmountArgs,
  StakingBlockOffenceRecord,
  StakingConfigRecord,
  StakingFinalitySet,
  StakingLedgerRecord,
  StakingNoArgs,
  StakingOffenceRecord,
  StakingReportEquivocationArgs,
  StakingSessionKeys,
  StakingValidateArgs,
  StakingValidatorSet,
} from "./staking.proto.ts";
import { PROTO_SOURCE } from "./staking.proto.ts";

export const stakingProto = parseProto(PROTO_SOURCE);

// The records' and arguments' wire shapes are generated from staking.proto; the codecs of the
// records turn their amounts (minimal big-endian bytes) into bigints.
export type {
  BlockEquivocationProof,
  StakingSessionKeys as SessionKeys,
  StakingAmountArgs,
  StakingNoArgs,
  StakingReportEquivocationArgs,
  StakingValidateArgs,
} from "./staking.proto.ts";

export interface StakingConfig {
  sessionLengthBlocks: number;
  bondingPeriodSessions: number;
  maxValidators: number;
  minValidatorBond: bigint;
  slashPercent: number;
}

export interface UnlockChunk {
  value: bigint;
  /** The first session in which `withdrawUnbonded` releases it. */
  unlockSession: number;
}

export interface StakingLedger {
  /** Bonded and at stake in elections. */
  active: bigint;
  /** Unbonded, still reserved (and slashable) until its session comes. */
  unlocking: UnlockChunk[];
}

export interface ElectedValidator extends StakingSessionKeys {
  account: Uint8Array;
  /** The active bond when elected: the validator's finality weight and reward weight. */
  stake: bigint;
}

export interface FinalityAuthority {
  account: Uint8Array;
  finalityKey: Uint8Array;
  weight: bigint;
}

export interface FinalityAuthoritySet {
  setId: number;
  /** A vote's `signer` is an index into this list. */
  authorities: FinalityAuthority[];
  /** The block whose execution made this set current (0: genesis). */
  changedAt: number;
  /** The last session this set was current in (updated while it stays current). */
  lastSession: number;
}

export interface OffenceRecord {
  reporter: Uint8Array;
  slashed: bigint;
  block: number;
}

const configRecord = new MessageCodec<StakingConfigRecord>("StakingConfigRecord", stakingProto);
const ledgerRecord = new MessageCodec<StakingLedgerRecord>("StakingLedgerRecord", stakingProto);
const validatorSetRecord = new MessageCodec<StakingValidatorSet>("StakingValidatorSet", stakingProto);
const finalitySetRecord = new MessageCodec<StakingFinalitySet>("StakingFinalitySet", stakingProto);
const offenceRecord = new MessageCodec<StakingOffenceRecord>("StakingOffenceRecord", stakingProto);
const blockOffenceRecord = new MessageCodec<StakingBlockOffenceRecord>("StakingBlockOffenceRecord", stakingProto);

export const sessionKeysCodec = new MessageCodec<StakingSessionKeys>("StakingSessionKeys", stakingProto);
export const amountArgsCodec = new MessageCodec<StakingAmountArgs>("StakingAmountArgs", stakingProto);
export const validateArgsCodec = new MessageCodec<StakingValidateArgs>("StakingValidateArgs", stakingProto);
export const reportEquivocationArgsCodec = new MessageCodec<StakingReportEquivocationArgs>("StakingReportEquivocationArgs", stakingProto);
/** `reportBlockEquivocation` takes the same arguments as `reportEquivocation`: the encoded proof. */
export const blockEquivocationProofCodec = new MessageCodec<BlockEquivocationProof>("BlockEquivocationProof", stakingProto);
export const noArgsCodec = new MessageCodec<StakingNoArgs>("StakingNoArgs", stakingProto);

export const stakingConfigCodec: ValueCodec<StakingConfig> = {
  encode: (c) => configRecord.encode({ ...c, minValidatorBond: bigintToBytes(c.minValidatorBond) }),
  decode: (b) => {
    const r = configRecord.decode(b);
    return { ...r, minValidatorBond: bytesToBigint(r.minValidatorBond) };
  },
};

export const ledgerCodec: ValueCodec<StakingLedger> = {
  encode: (l) => ledgerRecord.encode({ active: bigintToBytes(l.active), unlocking: l.unlocking.map((c) => ({ value: bigintToBytes(c.value), unlockSession: c.unlockSession })) }),
  decode: (b) => {
    const r = ledgerRecord.decode(b);
    return { active: bytesToBigint(r.active), unlocking: r.unlocking.map((c) => ({ value: bytesToBigint(c.value), unlockSession: c.unlockSession })) };
  },
};

export const validatorSetCodec: ValueCodec<ElectedValidator[]> = {
  encode: (set) => validatorSetRecord.encode({ validators: set.map((v) => ({ ...v, stake: bigintToBytes(v.stake) })) }),
  decode: (b) => validatorSetRecord.decode(b).validators.map((v) => ({ ...v, stake: bytesToBigint(v.stake) })),
};

export const finalitySetCodec: ValueCodec<FinalityAuthoritySet> = {
  encode: (s) => finalitySetRecord.encode({ ...s, authorities: s.authorities.map((a) => ({ ...a, weight: bigintToBytes(a.weight) })) }),
  decode: (b) => {
    const r = finalitySetRecord.decode(b);
    return { ...r, authorities: r.authorities.map((a) => ({ ...a, weight: bytesToBigint(a.weight) })) };
  },
};

function offenceRecordCodec(record: MessageCodec<StakingOffenceRecord | StakingBlockOffenceRecord>): ValueCodec<OffenceRecord> {
  return {
    encode: (o) => record.encode({ ...o, slashed: bigintToBytes(o.slashed) }),
    decode: (b) => {
      const r = record.decode(b);
      return { ...r, slashed: bytesToBigint(r.slashed) };
    },
  };
}

export const offenceCodec = offenceRecordCodec(offenceRecord);
export const blockOffenceCodec = offenceRecordCodec(blockOffenceRecord);
