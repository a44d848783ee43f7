/**
 * The curve operations the verification core needs, implemented by the native binding
 * (`blstBackend.ts`) and by the portable WASM fallback (`herumiBackend.ts`). Inputs to
 * `publicKeyFromBytes` / `signatureFromBytes` have passed `isCompressedPointEncoding`;
 * everything else works on points those functions returned, so already validated.
 */

export type BlsBackendName = "blst-native" | "herumi-wasm";

export interface PreparedSet<PK, SIG> {
  message: Uint8Array;
  publicKey: PK;
  signature: SIG;
}

export interface BlsBackend<PK = unknown, SIG = unknown> {
  readonly name: BlsBackendName;
  /** Deserialises and validates (on the curve, in the subgroup); null when invalid. */
  publicKeyFromBytes(bytes: Uint8Array): PK | null;
  /** Deserialises and validates (on the curve, in the subgroup); null when invalid. */
  signatureFromBytes(bytes: Uint8Array): SIG | null;
  /** The 192-byte uncompressed encoding of a signature this backend deserialised. */
  signatureToUncompressed(signature: SIG): Uint8Array;
  aggregatePublicKeys(publicKeys: PK[]): PK;
  verify(message: Uint8Array, publicKey: PK, signature: SIG): boolean;
  /**
   * True when every set is valid, checked as one random linear combination
   * (Σ rᵢ·sigᵢ against Π e(rᵢ·pkᵢ, H(mᵢ)) with fresh 64-bit rᵢ), so that invalid
   * signatures cannot cancel each other out. A false negative is impossible; a false
   * positive has probability about 2⁻⁶⁴.
   */
  verifyBatch(sets: PreparedSet<PK, SIG>[]): boolean;
  /**
   * True when every signature over `message` is valid: one random linear combination
   * of the signatures checked against the same combination of the keys. `signatures` are
   * raw bytes (deserialised, subgroup-checked and blinded in one native call); any that
   * fails to deserialise makes the result false.
   */
  verifySameMessage(message: Uint8Array, publicKeys: PK[], signatures: Uint8Array[]): boolean;
  /**
   * True when `signature` is the aggregate of one signature per (publicKeys[i], messages[i]):
   * e(g₁, signature) = Π e(pkᵢ, H(mᵢ)), one multi-pairing (AggregateVerify). No blinding is
   * needed: there is one signature, so nothing can cancel out.
   */
  aggregateVerify(messages: Uint8Array[], publicKeys: PK[], signature: SIG): boolean;
}
