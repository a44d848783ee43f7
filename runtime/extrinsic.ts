import { bytesToBigint } from "../primitives/bytes.ts";
import type { Mortality, SignedExtrinsic } from "../primitives/codec/index.ts";
import { verify } from "../primitives/keys/ed25519.ts";
import type { RuntimeConfig } from "./config.ts";
import { signingPayload } from "./extrinsicSigning.ts";

export { EXTRINSIC_SIGNING_DOMAIN, extrinsicHash, signExtrinsic, signingPayload, type ExtrinsicParams } from "./extrinsicSigning.ts";

export function verifyExtrinsicSignature(genesisHash: Uint8Array, xt: SignedExtrinsic): boolean {
  return verify(xt.signer, signingPayload(genesisHash, xt), xt.signature);
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
