import { bytesEqual, toHex } from "../primitives/bytes.ts";
import { codecs, type Header } from "../primitives/codec/index.ts";
import { blake2b256 } from "../primitives/hash.ts";
import { TrieProofError } from "../primitives/trie/errors.ts";
import { verifyProof } from "../primitives/trie/proof.ts";
import type { Checkpoint } from "./codec.ts";
import { LightVerifyError } from "./errors.ts";
import { verifyFinalityProof } from "./verifyFinality.ts";

/**
 * The light-client read: the value of storage `key` in the state of a finalized block, or null
 * when the state proves it absent. `finalityProof` (from `finality_proveFinality`) must verify
 * from `checkpoint` and end at `header` (the encoded header); `proof` holds the trie nodes
 * (`state_getReadProof` at that block) that lead from the header's state root to the key.
 * Throws `LightVerifyError`: the finality proof's own codes, `STORAGE_HEADER_NOT_FINALIZED`,
 * `STORAGE_HEADER_MALFORMED` or `STORAGE_PROOF_INVALID`.
 */
export function verifyStorage(checkpoint: Checkpoint, finalityProof: Uint8Array, header: Uint8Array, key: Uint8Array, proof: readonly Uint8Array[]): Uint8Array | null {
  const finalized = verifyFinalityProof(checkpoint, finalityProof);
  const hash = blake2b256(header);
  if (!bytesEqual(hash, finalized.hash)) throw new LightVerifyError({ code: "STORAGE_HEADER_NOT_FINALIZED", hash: toHex(hash), finalized: toHex(finalized.hash) });
  let decoded: Header;
  try {
    decoded = codecs.header.decode(header);
  } catch (e) {
    throw new LightVerifyError({ code: "STORAGE_HEADER_MALFORMED", reason: (e as Error).message });
  }
  try {
    const result = verifyProof(decoded.stateRoot, key, proof);
    return result.found ? result.value : null;
  } catch (e) {
    if (e instanceof TrieProofError) throw new LightVerifyError({ code: "STORAGE_PROOF_INVALID", reason: JSON.stringify(e.toObject()) });
    throw e;
  }
}
