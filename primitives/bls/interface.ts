/**
 * The one interface through which gossip validation, block import and the finality gadget
 * verify BLS12-381 signatures (docs/verification-core.md). Sets are plain data so that callers can build
 * them straight from untrusted wire bytes and so that they cross to worker threads cheaply;
 * every byte in them is treated as hostile: a malformed key or signature is an invalid
 * result, never an exception.
 */

/**
 * One signature over one message. `publicKey` is a 48-byte compressed G1 point, or a list
 * of them when `signature` is the aggregate of those signers' signatures over `message`
 * (FastAggregateVerify: the keys must have proven possession, as device registration and
 * validator session keys do). `signature` is a 96-byte compressed G2 point. Messages are
 * arbitrary bytes; 32-byte signing roots are recommended (the WASM fallback batches only
 * those, and verifies other lengths one by one).
 */
export interface SignatureSet {
  publicKey: Uint8Array | readonly Uint8Array[];
  message: Uint8Array;
  signature: Uint8Array;
}

/** One signer's signature in `verifySameMessage`; the message is shared by the call. */
export interface SameMessageSet {
  publicKey: Uint8Array;
  signature: Uint8Array;
}

/** One (key, message) pair of an aggregate over distinct messages (`verifyAggregate`). */
export interface AggregatePart {
  publicKey: Uint8Array;
  message: Uint8Array;
}

export interface VerifyOpts {
  /**
   * Work that can wait a little to be verified together with other work (gossip). It is
   * buffered for up to the verifier's `bufferWaitMs`, or less when a batch fills up.
   * Default false: dispatched at once.
   */
  batchable?: boolean;
  /** Jump ahead of queued work (finality votes, the block being imported). */
  priority?: boolean;
}

export interface IBlsVerifier {
  /**
   * Verifies sets over (typically) distinct messages. Resolves to one boolean per set, in
   * order: `true` exactly for the valid sets. Rejects only when the verifier is closed or
   * its workers cannot run (`BlsVerifierError`), never because of the sets' content.
   */
  verifySignatureSets(sets: readonly SignatureSet[], opts?: VerifyOpts): Promise<boolean[]>;

  /**
   * `verifySignatureSets` for callers that aggregate the valid signatures later (the readings
   * pool, for a block's aggregate): resolves to each valid set's signature in the uncompressed
   * form (192 bytes) the verifier decompressed and subgroup-checked anyway, and null for each
   * invalid set. Aggregating those skips a second decompression (~30 µs a signature).
   */
  verifySignatureSetsUncompressed(sets: readonly SignatureSet[], opts?: VerifyOpts): Promise<(Uint8Array | null)[]>;

  /**
   * Verifies many signers' signatures over one message (finality votes for one target),
   * with the cost of roughly one pairing for the whole group when all are valid. Resolves
   * to one boolean per set, in order.
   */
  verifySameMessage(sets: readonly SameMessageSet[], message: Uint8Array, opts?: VerifyOpts): Promise<boolean[]>;

  /** False while the verifier has more queued work than it can clear soon: stop pulling gossip. */
  canAcceptWork(): boolean;

  /** Rejects queued and in-flight work with `BLS_VERIFIER_CLOSED` and releases workers. */
  close(): Promise<void>;
}

/**
 * Verifies one aggregate signature over distinct messages: a block's readings aggregate, one
 * signature standing for thousands of readings. Separate from `IBlsVerifier` so that verifiers
 * which only wrap votes need not implement it; the node's pool and the single-thread verifier
 * implement both.
 */
export interface IBlsAggregateVerifier {
  /**
   * True when `signature` (96-byte compressed G2) is the aggregate of one valid signature per
   * part: e(g₁, signature) = Π e(pkᵢ, H(mᵢ)), one multi-pairing. False for no parts or any
   * malformed key or signature; rejects only like `verifySignatureSets` (closed, no workers).
   */
  verifyAggregate(parts: readonly AggregatePart[], signature: Uint8Array, opts?: VerifyOpts): Promise<boolean>;
}

/** What `createBlsVerifier` returns. */
export type BlsVerifier = IBlsVerifier & IBlsAggregateVerifier;
