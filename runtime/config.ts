import { bigintToBytes, bytesToBigint } from "../primitives/bytes.ts";
import type { RuntimeConfigRecord } from "../primitives/codec/index.ts";

/**
 * Runtime parameters fixed at genesis from the chain spec and stored in state
 * (`system.Config`), so that a raw chain spec carries them too.
 */
export interface RuntimeConfig {
  slotDurationMs: number;
  existentialDeposit: bigint;
  /** Fee = baseFee + lengthFeePerByte × encoded length + weightFeePerUnit × call weight (+ tip). */
  baseFee: bigint;
  lengthFeePerByte: bigint;
  weightFeePerUnit: bigint;
  /** Percentage of each fee (tip excluded) burned; the rest goes to the treasury. The tip goes to the author. */
  feeBurnPercent: number;
  treasury: Uint8Array;
  maxBlockExtrinsics: number;
  /**
   * Sum of call weights a block may hold. Weights are calibrated in nanoseconds of execution on
   * the reference machine (a transfer 50,000, a BLS verification ~1.6 M), so this bounds how
   * long importing a block takes, whatever calls it is made of.
   */
  maxBlockWeight: bigint;
  maxBlockBytes: number;
  maxExtrinsicBytes: number;
  ss58Format: number;
}

export function configToRecord(c: RuntimeConfig): RuntimeConfigRecord {
  return {
    slotDurationMs: c.slotDurationMs,
    existentialDeposit: bigintToBytes(c.existentialDeposit),
    baseFee: bigintToBytes(c.baseFee),
    lengthFeePerByte: bigintToBytes(c.lengthFeePerByte),
    weightFeePerUnit: bigintToBytes(c.weightFeePerUnit),
    feeBurnPercent: c.feeBurnPercent,
    treasury: c.treasury,
    maxBlockExtrinsics: c.maxBlockExtrinsics,
    maxBlockWeight: Number(c.maxBlockWeight),
    maxBlockBytes: c.maxBlockBytes,
    maxExtrinsicBytes: c.maxExtrinsicBytes,
    ss58Format: c.ss58Format,
  };
}

export function configFromRecord(r: RuntimeConfigRecord): RuntimeConfig {
  return {
    slotDurationMs: r.slotDurationMs,
    existentialDeposit: bytesToBigint(r.existentialDeposit),
    baseFee: bytesToBigint(r.baseFee),
    lengthFeePerByte: bytesToBigint(r.lengthFeePerByte),
    weightFeePerUnit: bytesToBigint(r.weightFeePerUnit),
    feeBurnPercent: r.feeBurnPercent,
    treasury: new Uint8Array(r.treasury),
    maxBlockExtrinsics: r.maxBlockExtrinsics,
    maxBlockWeight: BigInt(r.maxBlockWeight),
    maxBlockBytes: r.maxBlockBytes,
    maxExtrinsicBytes: r.maxExtrinsicBytes,
    ss58Format: r.ss58Format,
  };
}
