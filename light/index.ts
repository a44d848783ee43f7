/**
 * The offline light verifier (docs/proofs.md): finality proofs from a trusted checkpoint to a
 * finalized header, and storage proofs against that header. It loads nothing of the node — only
 * pure primitives/, herumi's BLS in WebAssembly (bls-eth-wasm) and @noble/curves' ed25519 — so it
 * runs in browsers, with the network unplugged:
 * the trust anchor is the checkpoint its caller names.
 */
export { verifyFinalityProof, type FinalityResult } from "./verifyFinality.ts";
export { verifyStorage } from "./verifyStorage.ts";
export { verifyRecBundle, type RecBundleReport } from "./verifyRecBundle.ts";
export { REC_BUNDLE_VERSION, recBundleCodec, recBundleKeys, recBundleStorageKeys, lightRecRecordCodec, type RecBundle, type RecBundleReading } from "./recBundle.ts";
export { LightVerifyError, type LightVerifyErrorType } from "./errors.ts";
export { blsBackendName, fastAggregateVerify, useBlsBackend, verifyAggregates, verifyMultiple, type AggregateCheck, type BlsBackend, type PublicKeyCache, type SignatureSet } from "./bls.ts";
export { FINALITY_AUTHORITIES_KEY, storageMapKey, storageValueKey } from "./storageKeys.ts";
export {
  checkCheckpoint,
  decodeCheckpoint,
  encodeCheckpoint,
  FINALITY_PROOF_VERSION,
  finalityProofCodec,
  finalityProofFragmentCodec,
  lightFinalitySetCodec,
  type Authority,
  type Checkpoint,
  type FinalityProof,
  type FinalityProofFragment,
} from "./codec.ts";
