import herumi from "bls-eth-wasm";
import { toHex } from "../primitives/bytes.ts";
import { isCompressedPointEncoding, PUBLIC_KEY_LENGTH, SIGNATURE_LENGTH } from "../primitives/bls/encoding.ts";

/**
 * BLS12-381 verification with herumi's BLS compiled to WebAssembly (`bls-eth-wasm`, the library
 * `@chainsafe/bls/herumi` wraps): the same module runs in Node and in browsers (the WASM is
 * embedded in the package's JavaScript; nothing is fetched, no Node built-in is used). It replaced
 * `@noble/curves` here: 4–5 times faster on every operation the verifier does (docs/proofs.md,
 * "BLS backend": hash-to-G2 and verify 5.8 against 27.5 ms, a randomized batch of 10 aggregates
 * 105 against 444 ms on the workplace machine), which is what brings a proof with 10 set changes
 * and 24 device signatures near the 50 ms in Node.
 *
 * The chain's ciphersuite is the one `@chainsafe/blst` implements and the node signs with
 * (primitives/blsKeys.ts), Ethereum's: public keys in G1 (48-byte compressed), signatures in G2
 * (96-byte compressed), hash-to-G2 with the proof-of-possession tag `BLS_DST`. herumi's "ETH
 * mode" (draft 07, set by its init) is exactly that ciphersuite and has no other tag;
 * test/unit/light/bls.test.ts checks it against blst-made signatures.
 *
 * WASM compiles asynchronously, so the module initialises at import (a top-level await, ~50 ms
 * on the loaded workplace machine): every verifier function stays synchronous and needs no init
 * call, in Node (ESM) and in a browser bundle (esbuild, `format: "esm"`).
 */
await herumi.init(herumi.BLS12_381);
// Deserialising a point off the curve or outside the prime-order subgroup throws (herumi's
// default, stated here because the verifier's soundness rests on it: small-subgroup attacks).
herumi.verifySignatureOrder(true);
herumi.verifyPublicKeyOrder(true);

type PublicKey = InstanceType<typeof herumi.PublicKey>;
type Signature = InstanceType<typeof herumi.Signature>;

/** herumi's batch (`multiVerify`) and distinct-message aggregate take 32-byte messages only. */
const BATCH_MESSAGE_LENGTH = 32;

/**
 * Decoded, subgroup-checked public keys by hex, for one verification: consecutive authority sets
 * share most of their members, and a device signs many readings with one key; decoding a key (a
 * square root and a subgroup check) costs about 0.5 ms.
 */
export type PublicKeyCache = Map<string, PublicKey>;

/** One same-message aggregate to check: `signature` by all of `publicKeys` over `message`. */
export interface AggregateCheck {
  message: Uint8Array;
  publicKeys: readonly Uint8Array[];
  signature: Uint8Array;
}

/** One signature to check: `signature` by `publicKey` over `message` (a device's reading). */
export interface SignatureSet {
  message: Uint8Array;
  publicKey: Uint8Array;
  signature: Uint8Array;
}

/**
 * A faster backend that a Node caller may install (`useBlsBackend`): native blst
 * (cli/lightNativeBls.ts, which `arkreen-node rec verify` installs), 6–7 times faster than the
 * WASM build here, which light/ itself cannot load since it must run in browsers. It receives
 * only well-encoded input (light/ checks encodings first) and must answer as this module does:
 * curve and subgroup checks, FastAggregateVerify, and a randomized batch that fails if any item
 * does. test/unit/light/bls.test.ts runs the same cases through both.
 */
export interface BlsBackend {
  readonly name: string;
  fastAggregateVerify(message: Uint8Array, publicKeys: readonly Uint8Array[], signature: Uint8Array): boolean;
  verifyAggregates(checks: readonly AggregateCheck[]): boolean;
}

/** The installed backend; null: herumi's WASM build (the default, and the browser's). */
let installed: BlsBackend | null = null;

/** Makes every verification in this process use `backend` (null: back to the WASM build). */
export function useBlsBackend(backend: BlsBackend | null): void {
  installed = backend;
}

/** The backend in use: "herumi-wasm" or the installed one's name. */
export function blsBackendName(): string {
  return installed?.name ?? "herumi-wasm";
}

function wellEncoded(check: AggregateCheck): boolean {
  return check.publicKeys.length > 0 && isCompressedPointEncoding(check.signature, SIGNATURE_LENGTH) && check.publicKeys.every((k) => isCompressedPointEncoding(k, PUBLIC_KEY_LENGTH));
}

/** Decodes (curve and subgroup checks) or throws; infinity is excluded by `wellEncoded`. */
function publicKey(bytes: Uint8Array, cache: PublicKeyCache): PublicKey {
  const id = toHex(bytes);
  let key = cache.get(id);
  if (key === undefined) {
    key = new herumi.PublicKey();
    key.deserialize(bytes);
    cache.set(id, key);
  }
  return key;
}

/** Decodes (curve and subgroup checks) or throws. */
function signaturePoint(bytes: Uint8Array): Signature {
  const signature = new herumi.Signature();
  signature.deserialize(bytes);
  return signature;
}

/** The sum of `keys` (a fresh point: cached keys are not changed). */
function aggregateKey(keys: readonly Uint8Array[], cache: PublicKeyCache): PublicKey {
  const sum = publicKey(keys[0], cache).clone();
  for (let i = 1; i < keys.length; i++) sum.add(publicKey(keys[i], cache));
  return sum;
}

/**
 * FastAggregateVerify (one message, many signers; rogue keys are excluded by the proofs of
 * possession the staking and devices modules checked when each key was registered). Encodings are
 * checked as the node checks them (compressed, not infinity), then the points are decoded with
 * curve and subgroup checks. One signer is a plain signature check. False for anything
 * malformed; never throws.
 */
export function fastAggregateVerify(message: Uint8Array, publicKeys: readonly Uint8Array[], signature: Uint8Array, cache: PublicKeyCache = new Map()): boolean {
  if (!wellEncoded({ message, publicKeys, signature })) return false;
  if (installed !== null) return installed.fastAggregateVerify(message, publicKeys, signature);
  try {
    return signaturePoint(signature).fastAggregateVerify(
      publicKeys.map((k) => publicKey(k, cache)),
      message,
    );
  } catch {
    return false;
  }
}

/**
 * Whether every check holds, in one multi-pairing (herumi's `multiVerify`): each check's
 * signature and aggregate key weighted by a fresh random 64-bit scalar r_i (drawn from Web
 * Crypto), then e(g1, Σ r_i·σ_i) = Π e(r_i·pk_i, H(m_i)) — n + 1 Miller loops and one final
 * exponentiation instead of 2n and n. The random weights make it hold only if every single check
 * holds (but for a 2^-64 chance): without them, signatures swapped between two checks, or any
 * other split of a valid sum, would pass. A false answer does not say which check failed; the
 * caller then checks them one by one. Messages that are not 32 bytes (herumi's batch size) are
 * checked one by one.
 */
export function verifyAggregates(checks: readonly AggregateCheck[], cache: PublicKeyCache = new Map()): boolean {
  if (checks.length === 0) return true;
  if (checks.length === 1) return fastAggregateVerify(checks[0].message, checks[0].publicKeys, checks[0].signature, cache);
  if (!checks.every(wellEncoded)) return false;
  if (installed !== null) return installed.verifyAggregates(checks);
  if (checks.some((c) => c.message.length !== BATCH_MESSAGE_LENGTH)) return checks.every((c) => fastAggregateVerify(c.message, c.publicKeys, c.signature, cache));
  try {
    return herumi.multiVerify(
      checks.map((c) => aggregateKey(c.publicKeys, cache)),
      checks.map((c) => signaturePoint(c.signature)),
      checks.map((c) => c.message),
    );
  } catch {
    return false;
  }
}

/**
 * Whether every signature holds (distinct signers and messages, e.g. a device's readings), in one
 * randomized multi-pairing as `verifyAggregates`: 24 readings cost about a fifth of 24 separate
 * checks. False for anything malformed, and does not say which one failed: check them one by one
 * (`fastAggregateVerify(message, [publicKey], signature)`) to name it.
 */
export function verifyMultiple(sets: readonly SignatureSet[], cache: PublicKeyCache = new Map()): boolean {
  return verifyAggregates(
    sets.map((s) => ({ message: s.message, publicKeys: [s.publicKey], signature: s.signature })),
    cache,
  );
}
