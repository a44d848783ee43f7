import { ed25519 } from "@noble/curves/ed25519.js";
import { bytesEqual, concatBytes, toHex, utf8 } from "../primitives/bytes.ts";
import { codecs, type Header, type Justification } from "../primitives/codec/index.ts";
import { decodeSigners } from "../primitives/finality/signerBitfield.ts";
import { blake2b256 } from "../primitives/hash.ts";
import { TrieProofError } from "../primitives/trie/errors.ts";
import { verifyProof } from "../primitives/trie/proof.ts";
import { fastAggregateVerify, verifyAggregates, type AggregateCheck, type PublicKeyCache } from "./bls.ts";
import {
  checkCheckpoint,
  FINALITY_PROOF_VERSION,
  finalityProofCodec,
  finalityVoteCodec,
  justificationDataCodec,
  lightFinalitySetCodec,
  weightOf,
  type Authority,
  type Checkpoint,
  type FinalityJustification,
  type FinalityProof,
  type FinalityProofFragment,
} from "./codec.ts";
import { LightVerifyError } from "./errors.ts";
import { FINALITY_AUTHORITIES_KEY } from "./storageKeys.ts";

/** Engine ids of the chain's justifications (consensus/finality/justification.ts, consensus/instantFinality.ts). */
const BLS_ENGINE = utf8("bfin");
const INSTANT_ENGINE = utf8("inst");
/** What a BLS finality vote's signing root starts with (primitives/finality/vote.ts). */
const VOTE_DOMAIN = utf8("arkreen/finality-vote/v1");
const PRECOMMIT = 2;
/** What an instant-finality signature covers, before the genesis and block hashes (consensus/instantFinality.ts). */
const INSTANT_DOMAIN = utf8("arkreen/instant-finality/v1");

/** What a verified finality proof establishes. */
export interface FinalityResult {
  /** The last fragment's header: final on the checkpoint's chain. */
  header: Header;
  /** Its hash (blake2b-256 of the encoded header). */
  hash: Uint8Array;
  /**
   * The authority set voting on the descendants of `header`, as far as the proof shows: the
   * checkpoint's set or the last set a fragment proved. With `genesisHash` it is the checkpoint
   * to continue from.
   */
  setId: number;
  authorities: Authority[];
  /** False when the node stopped at its size bound: ask again from `setId`. */
  complete: boolean;
  /** Fragments verified (set changes, plus the target). */
  fragments: number;
}

/**
 * Verifies a finality proof (docs/proofs.md) from `checkpoint`, level by level: the format, then
 * for each fragment its header, its justification under the set in force (set id, signer
 * bitfield, more than 2/3 of the weight, the aggregate BLS signature over the precommit signing
 * root, which commits to the checkpoint's genesis hash), and the new set it proves in the
 * block's state. Throws `LightVerifyError` naming the failed check and the fragment.
 */
export function verifyFinalityProof(checkpoint: Checkpoint, proofBytes: Uint8Array): FinalityResult {
  checkCheckpoint(checkpoint);
  const proof = decodeProof(proofBytes);
  const signatures = new PendingSignatures();
  try {
    const result = verifyFragments(checkpoint, proof, signatures);
    signatures.settle();
    return result;
  } catch (e) {
    // The first failure in fragment order is the one reported: a signature queued before a later
    // fragment's failed check is settled first.
    signatures.settle();
    throw e;
  }
}

/**
 * The aggregate signatures of the fragments checked so far, verified together in one
 * multi-pairing when the walk ends (`verifyAggregates`); when that fails, one by one in fragment
 * order, so the error names the first bad one exactly as checking each in turn would.
 */
class PendingSignatures {
  private readonly checks: Array<AggregateCheck & { fragment: number; block: number }> = [];
  private readonly cache: PublicKeyCache = new Map();

  add(check: AggregateCheck & { fragment: number; block: number }): void {
    this.checks.push(check);
  }

  settle(): void {
    const checks = this.checks.splice(0);
    if (verifyAggregates(checks, this.cache)) return;
    for (const c of checks) {
      if (!fastAggregateVerify(c.message, c.publicKeys, c.signature, this.cache)) throw new LightVerifyError({ code: "JUSTIFICATION_BAD_SIGNATURE", fragment: c.fragment, block: c.block });
    }
  }
}

function verifyFragments(checkpoint: Checkpoint, proof: FinalityProof, signatures: PendingSignatures): FinalityResult {
  let setId = checkpoint.setId;
  let authorities = checkpoint.authorities;
  let previous = 0;
  let last: { header: Header; hash: Uint8Array } | null = null;
  proof.fragments.forEach((fragment, index) => {
    const header = decodeHeader(fragment, index);
    const block = header.number;
    if (block <= previous) throw new LightVerifyError({ code: "FRAGMENT_NOT_ASCENDING", fragment: index, block, previous });
    previous = block;
    const hash = blake2b256(fragment.header);
    const justification = decodeJustification(fragment, index, block);
    const isLast = index === proof.fragments.length - 1;
    if (bytesEqual(justification.engine, BLS_ENGINE)) {
      signatures.add(checkBlsJustification(checkpoint.genesisHash, { setId, authorities }, justification.data, { hash, block, index }));
    } else if (bytesEqual(justification.engine, INSTANT_ENGINE)) {
      verifyInstantJustification(checkpoint, justification.data, { hash, block, index });
      if (fragment.setProof.length > 0) throw new LightVerifyError({ code: "INSTANT_SET_CHANGE", fragment: index, block });
    } else {
      throw new LightVerifyError({ code: "JUSTIFICATION_ENGINE", fragment: index, block, engine: toHex(justification.engine) });
    }
    if (fragment.setProof.length > 0) {
      const next = provenSet(header, fragment.setProof, index);
      if (next.setId <= setId) throw new LightVerifyError({ code: "SET_ID_NOT_INCREASING", fragment: index, block, setId: next.setId, previous: setId });
      setId = next.setId;
      authorities = next.authorities;
    } else if (!isLast || !proof.complete) {
      // Every fragment but a complete proof's target exists to hand over to a new set.
      throw new LightVerifyError({ code: "SET_PROOF_MISSING", fragment: index, block });
    }
    last = { header, hash };
  });
  const end = last as { header: Header; hash: Uint8Array } | null;
  if (end === null) throw new LightVerifyError({ code: "PROOF_EMPTY" });
  return { header: end.header, hash: end.hash, setId, authorities, complete: proof.complete, fragments: proof.fragments.length };
}

function decodeProof(bytes: Uint8Array): FinalityProof {
  let proof: FinalityProof;
  try {
    proof = finalityProofCodec.decode(bytes);
  } catch (e) {
    throw new LightVerifyError({ code: "PROOF_MALFORMED", reason: (e as Error).message });
  }
  if (proof.version !== FINALITY_PROOF_VERSION) throw new LightVerifyError({ code: "PROOF_VERSION", version: proof.version, expected: FINALITY_PROOF_VERSION });
  if (proof.fragments.length === 0) throw new LightVerifyError({ code: "PROOF_EMPTY" });
  return proof;
}

function decodeHeader(fragment: FinalityProofFragment, index: number): Header {
  try {
    const header = codecs.header.decode(fragment.header);
    if (header.stateRoot.length !== 32) throw new Error(`state root of ${header.stateRoot.length} bytes`);
    if (header.number < 1) throw new Error("the genesis block has no justification");
    return header;
  } catch (e) {
    throw new LightVerifyError({ code: "HEADER_MALFORMED", fragment: index, reason: (e as Error).message });
  }
}

function decodeJustification(fragment: FinalityProofFragment, index: number, block: number): Justification {
  try {
    return codecs.justification.decode(fragment.justification);
  } catch (e) {
    throw new LightVerifyError({ code: "JUSTIFICATION_MALFORMED", fragment: index, block, reason: (e as Error).message });
  }
}

interface Item {
  hash: Uint8Array;
  block: number;
  index: number;
}

/**
 * consensus/finality/justification.ts `verifyJustification`, restated over light/bls.ts: the same checks
 * in the same order, so that a justification the node accepts verifies here and one it refuses
 * is refused for the same reason. The aggregate signature check it returns is settled by the
 * caller (`PendingSignatures`), together with the other fragments'.
 */
function checkBlsJustification(genesisHash: Uint8Array, set: { setId: number; authorities: Authority[] }, data: Uint8Array, item: Item): AggregateCheck & { fragment: number; block: number } {
  const { index: fragment, block } = item;
  let j: FinalityJustification;
  try {
    j = justificationDataCodec.decode(data);
  } catch (e) {
    throw new LightVerifyError({ code: "JUSTIFICATION_MALFORMED", fragment, block, reason: (e as Error).message });
  }
  if (!bytesEqual(j.targetHash, item.hash) || j.targetNumber !== block) {
    throw new LightVerifyError({ code: "JUSTIFICATION_TARGET", fragment, block, targetNumber: j.targetNumber, targetHash: toHex(j.targetHash), hash: toHex(item.hash) });
  }
  if (j.setId !== set.setId) throw new LightVerifyError({ code: "JUSTIFICATION_WRONG_SET", fragment, block, setId: j.setId, expectedSetId: set.setId });
  const size = set.authorities.length;
  const signers = decodeSigners(j.signers, size);
  if (signers === null || signers.length === 0) {
    throw new LightVerifyError({ code: "JUSTIFICATION_BAD_BITFIELD", fragment, block, length: j.signers.length, expectedLength: Math.ceil(size / 8) });
  }
  let total = 0n;
  for (const a of set.authorities) total += a.weight;
  let weight = 0n;
  for (const i of signers) weight += set.authorities[i].weight;
  // Strictly more than two thirds (consensus/finality/weight.ts).
  if (3n * weight <= 2n * total) throw new LightVerifyError({ code: "JUSTIFICATION_INSUFFICIENT_WEIGHT", fragment, block, weight, totalWeight: total });
  const vote = finalityVoteCodec.encode({ setId: j.setId, round: j.round, stage: PRECOMMIT, targetHash: j.targetHash, targetNumber: j.targetNumber });
  const message = blake2b256(concatBytes(VOTE_DOMAIN, genesisHash, vote));
  return { message, publicKeys: signers.map((i) => set.authorities[i].finalityKey), signature: j.signature, fragment, block };
}

/** A single-authority chain's justification: the authority's ed25519 signature over (domain, genesis hash, block hash). */
function verifyInstantJustification(checkpoint: Checkpoint, signature: Uint8Array, item: Item): void {
  if (checkpoint.instantAuthority === null) throw new LightVerifyError({ code: "INSTANT_NO_AUTHORITY", fragment: item.index, block: item.block });
  let valid = false;
  try {
    valid = signature.length === 64 && ed25519.verify(signature, concatBytes(INSTANT_DOMAIN, checkpoint.genesisHash, item.hash), checkpoint.instantAuthority, { zip215: false });
  } catch {
    valid = false;
  }
  if (!valid) throw new LightVerifyError({ code: "INSTANT_BAD_SIGNATURE", fragment: item.index, block: item.block });
}

/** The finality set in the state after `header`, from the fragment's trie proof of `staking.FinalityAuthorities`. */
function provenSet(header: Header, proof: Uint8Array[], fragment: number): { setId: number; authorities: Authority[] } {
  const block = header.number;
  let value: Uint8Array;
  try {
    const result = verifyProof(header.stateRoot, FINALITY_AUTHORITIES_KEY, proof);
    if (!result.found) throw new LightVerifyError({ code: "SET_PROOF_ABSENT", fragment, block });
    value = result.value;
  } catch (e) {
    if (e instanceof TrieProofError) throw new LightVerifyError({ code: "SET_PROOF_INVALID", fragment, block, reason: e.message === e.code ? JSON.stringify(e.toObject()) : e.message });
    throw e;
  }
  try {
    const set = lightFinalitySetCodec.decode(value);
    if (set.authorities.length === 0) throw new Error("empty authority set");
    const authorities = set.authorities.map((a) => {
      if (a.finalityKey.length !== 48) throw new Error("finality key not 48 bytes");
      const weight = weightOf(a.weight);
      if (weight === 0n) throw new Error("zero weight");
      return { finalityKey: a.finalityKey, weight };
    });
    return { setId: set.setId, authorities };
  } catch (e) {
    throw new LightVerifyError({ code: "SET_MALFORMED", fragment, block, reason: (e as Error).message });
  }
}
