import { bigintToBytes, bytesToBigint, concatBytes, utf8 } from "../primitives/bytes.ts";
import { codecs, type Call, type Mortality, type SignedExtrinsic } from "../primitives/codec/index.ts";
import { blake2b256 } from "../primitives/hash.ts";
import { keypairFromSeed, sign, verify } from "../primitives/keys/ed25519.ts";
import type { RuntimeConfig } from "./config.ts";

/** Domain tag of extrinsic signatures: a signature made for anything else never verifies here. */
export const EXTRINSIC_SIGNING_DOMAIN = utf8("arkreen/extrinsic/v1");

/** The bytes an account signs: domain tag, then (genesis hash, nonce, tip, mortality, call). */
export function signingPayload(genesisHash: Uint8Array, xt: Omit<SignedExtrinsic, "signer" | "signature">): Uint8Array {
  const payload = codecs.extrinsicPayload.encode({
    genesisHash,
    nonce: xt.nonce,
    tip: xt.tip,
    mortality: xt.mortality,
    call: xt.call,
  });
  return concatBytes(EXTRINSIC_SIGNING_DOMAIN, payload);
}

export interface ExtrinsicParams {
  nonce: number;
  tip?: bigint;
  /** Omit for an immortal extrinsic. */
  mortality?: Mortality;
}

/** Builds and signs an extrinsic (used by the CLI, tests and benchmarks). */
export function signExtrinsic(genesisHash: Uint8Array, secretSeed: Uint8Array, call: Call, params: ExtrinsicParams): Uint8Array {
  const unsigned = { nonce: params.nonce, tip: bigintToBytes(params.tip ?? 0n), mortality: params.mortality ?? null, call };
  const signature = sign(secretSeed, signingPayload(genesisHash, unsigned));
  return codecs.signedExtrinsic.encode({ ...unsigned, signer: keypairFromSeed(secretSeed).publicKey, signature });
}

export function verifyExtrinsicSignature(genesisHash: Uint8Array, xt: SignedExtrinsic): boolean {
  return verify(xt.signer, signingPayload(genesisHash, xt), xt.signature);
}

export function extrinsicHash(bytes: Uint8Array): Uint8Array {
  return blake2b256(bytes);
}

export function extrinsicTip(xt: SignedExtrinsic): bigint {
  return bytesToBigint(xt.tip);
}

/** The fee before tip: `baseFee + lengthFeePerByte × length + weightFeePerUnit × weight`. */
export function computeFee(config: RuntimeConfig, encodedLength: number, weight: bigint): bigint {
  return config.baseFee + config.lengthFeePerByte * BigInt(encodedLength) + config.weightFeePerUnit * weight;
}

/** Last block number (inclusive) at which the extrinsic may be included. */
export function lastValidBlock(mortality: Mortality | null): number {
  if (!mortality || mortality.period === 0) return Number.MAX_SAFE_INTEGER;
  return mortality.birth + mortality.period - 1;
}
