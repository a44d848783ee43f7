import { bigintToBytes, bytesToBigint } from "../../../primitives/bytes.ts";
import { loadProtoFile, MessageCodec } from "../../../primitives/codec/index.ts";
import type { ValueCodec } from "../../framework/storage.ts";

export const stakingProto = loadProtoFile(new URL("./staking.proto", import.meta.url));

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

export interface SessionKeys {
  authoringKey: Uint8Array;
  finalityKey: Uint8Array;
}

export interface ElectedValidator extends SessionKeys {
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

export interface BlockEquivocationProof {
  firstHeader: Uint8Array;
  secondHeader: Uint8Array;
}

export interface StakingAmountArgs {
  value: Uint8Array;
}

export interface StakingValidateArgs {
  authoringKey: Uint8Array;
  finalityKey: Uint8Array;
  finalityKeyProof: Uint8Array;
  authoringKeyProof: Uint8Array;
}

export interface StakingReportEquivocationArgs {
  proof: Uint8Array;
}

export type StakingNoArgs = Record<string, never>;

interface ConfigWire {
  sessionLengthBlocks: number;
  bondingPeriodSessions: number;
  maxValidators: number;
  minValidatorBond: Uint8Array;
  slashPercent: number;
}
interface LedgerWire {
  active: Uint8Array;
  unlocking: Array<{ value: Uint8Array; unlockSession: number }>;
}
interface ValidatorWire extends SessionKeys {
  account: Uint8Array;
  stake: Uint8Array;
}
interface SetWire {
  setId: number;
  authorities: Array<{ account: Uint8Array; finalityKey: Uint8Array; weight: Uint8Array }>;
  changedAt: number;
  lastSession: number;
}
interface OffenceWire {
  reporter: Uint8Array;
  slashed: Uint8Array;
  block: number;
}

const configRecord = new MessageCodec<ConfigWire>("StakingConfigRecord", stakingProto);
const ledgerRecord = new MessageCodec<LedgerWire>("StakingLedgerRecord", stakingProto);
const validatorSetRecord = new MessageCodec<{ validators: ValidatorWire[] }>("StakingValidatorSet", stakingProto);
const finalitySetRecord = new MessageCodec<SetWire>("StakingFinalitySet", stakingProto);
const offenceRecord = new MessageCodec<OffenceWire>("StakingOffenceRecord", stakingProto);
const blockOffenceRecord = new MessageCodec<OffenceWire>("StakingBlockOffenceRecord", stakingProto);

export const sessionKeysCodec = new MessageCodec<SessionKeys>("StakingSessionKeys", stakingProto);
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

function offenceRecordCodec(record: MessageCodec<OffenceWire>): ValueCodec<OffenceRecord> {
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
