import { bytesEqual, toHex } from "../../primitives/bytes.ts";
import type { Justification } from "../../primitives/codec/index.ts";
import { finalityJustificationCodec, type FinalityJustification } from "../../primitives/finality/vote.ts";
import { BLS_FINALITY_ENGINE, JustificationError, verifyJustification } from "../../consensus/finality/index.ts";
import { INSTANT_FINALITY_ENGINE, verifyInstantJustification } from "../../consensus/instantFinality.ts";
import { aura } from "../../runtime/api.ts";
import type { Chain } from "../chain/chain.ts";
import { ApplyJustificationError } from "./errors.ts";
import { finalitySetAt } from "./voterSets.ts";

/**
 * Verifies a block's justification and finalizes the block with it (sync, import-blocks).
 *
 * - `bfin` (the BLS gadget): the decoded `FinalityJustification` must name this block and verify
 *   against the set that votes on the descendants of the chain's finalized head — the only set
 *   that can prove a block above it final. The gadget hands over to the next set only once the
 *   old set finalized a block whose state names it, so an honest justification of a block above
 *   our finalized head is signed by this set, or a hand-over must be applied first (sync applies
 *   them in order: syncImport.ts). A later set's justification is refused even where the block's
 *   own state names that set: trusting it would let a peer that leaves out the hand-overs in
 *   between finalize past them unverified (and no finality proof could cross them).
 * - `inst` (dev instant finality): the chain's single Aura authority signed the block's hash.
 *
 * Throws `ApplyJustificationError` when the justification does not prove the block final, and
 * passes on the chain's `FinalityError` when the block cannot be finalized (not canonical, behind
 * the finalized head).
 */
export async function applyJustification(chain: Chain, hash: Uint8Array, justification: Justification, genesisHash: Uint8Array): Promise<void> {
  const header = chain.header(hash);
  if (header === undefined) throw new ApplyJustificationError({ code: "UNKNOWN_BLOCK", hash: toHex(hash) });
  if (header.number === 0) throw new ApplyJustificationError({ code: "GENESIS", hash: toHex(hash) });
  // At or below the finalized head there is nothing to prove: the chain returns for the canonical
  // block and refuses any other (BEHIND_FINALIZED). Verifying first would read the parent's state,
  // which state pruning has dropped for old blocks (a peer re-sending old blocks with their
  // justifications, import-blocks over a chain already held).
  if (header.number <= chain.finalized.number) return chain.finalize(hash, justification);
  if (bytesEqual(justification.engine, BLS_FINALITY_ENGINE)) {
    const j = decode(justification.data);
    if (!bytesEqual(j.targetHash, hash) || j.targetNumber !== header.number) {
      throw new ApplyJustificationError({ code: "TARGET_MISMATCH", hash: toHex(hash), number: header.number, targetHash: toHex(j.targetHash), targetNumber: j.targetNumber });
    }
    const set = finalitySetAt(chain, chain.finalized.hash);
    if (set === null) throw new ApplyJustificationError({ code: "NO_AUTHORITY_SET", hash: toHex(hash) });
    try {
      verifyJustification(j, set, genesisHash);
    } catch (e) {
      if (e instanceof JustificationError) throw new ApplyJustificationError({ code: "INVALID", reason: e.code }, `invalid finality justification for #${header.number}: ${e.code}`);
      throw e;
    }
  } else if (bytesEqual(justification.engine, INSTANT_FINALITY_ENGINE)) {
    const authorities = aura.authorities(chain.stateAt(header.parentHash));
    if (authorities.length !== 1) throw new ApplyJustificationError({ code: "NOT_SINGLE_AUTHORITY", authorities: authorities.length });
    if (!verifyInstantJustification(authorities[0], genesisHash, hash, justification)) throw new ApplyJustificationError({ code: "BAD_INSTANT_SIGNATURE" });
  } else {
    throw new ApplyJustificationError({ code: "UNKNOWN_ENGINE", engine: toHex(justification.engine) });
  }
  await chain.finalize(hash, justification);
}

function decode(data: Uint8Array): FinalityJustification {
  try {
    const j = finalityJustificationCodec.decode(data);
    if (j.targetHash.length !== 32) throw new Error(`target hash of ${j.targetHash.length} bytes`);
    return j;
  } catch (e) {
    throw new ApplyJustificationError({ code: "MALFORMED", reason: (e as Error).message });
  }
}
