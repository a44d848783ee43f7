import { bigintToBytes, concatBytes, utf8 } from "../primitives/bytes.ts";
import { codecs, type Call, type Mortality, type SignedExtrinsic } from "../primitives/codec/index.ts";
import { blake2b256 } from "../primitives/hash.ts";
import { keypairFromSeed, sign } from "../primitives/keys/ed25519Sign.ts";

/*
 * Building and signing extrinsics (docs/transactions.md): what a client needs, without the
 * verification (OpenSSL, extrinsic.ts), so browsers run it too (runtime/wire.ts, the client library).
 */

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

export function extrinsicHash(bytes: Uint8Array): Uint8Array {
  return blake2b256(bytes);
}
