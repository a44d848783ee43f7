import { bytesEqual, toHex } from "../../primitives/bytes.ts";
import type { Justification } from "../../primitives/codec/index.ts";
import { finalityJustificationCodec, type FinalityJustification } from "../../primitives/finality/vote.ts";
import { BLS_FINALITY_ENGINE, JustificationError, verifyJustification, type VoterSet } from "../../consensus/finality/index.ts";
import { INSTANT_FINALITY_ENGINE, verifyInstantJustification } from "../../consensus/instantFinality.ts";
import { aura } from "../../runtime/api.ts";
import type { Chain } from "../chain/chain.ts";
import { ChainViewAdapter } from "./chainView.ts";
import { ApplyJustificationError } from "./errors.ts";
import { finalitySetAt } from "./voterSets.ts";

/**
 * Verifies a block's justification and finalizes the block with it (sync, import-blocks).
 *
 * - `bfin` (the BLS gadget): the decoded `FinalityJustification` must name this block and verify
 *   against a set in force for it: the set in the state of its parent (the staking module's set
 *   for blocks after the last set change), or the set that votes on the descendants of the
 *   chain's finalized head — the one the gadget used, which differs when the old set finalized
 *   past the block that changed the set (the gadget switches sets only once it finalized it).
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
    const set = setFor(chain, hash, header.parentHash, j.setId);
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

/** The set in force for `hash` named `setId`; the parent's set when none matches, so that verification reports the wrong set. */
function setFor(chain: Chain, hash: Uint8Array, parentHash: Uint8Array, setId: number): VoterSet {
  const atParent = finalitySetAt(chain, parentHash);
  if (atParent === null) throw new ApplyJustificationError({ code: "NO_AUTHORITY_SET", hash: toHex(hash) });
  if (atParent.setId === setId) return atParent;
  const finalized = chain.finalized.hash;
  if (new ChainViewAdapter(chain).isDescendant(finalized, hash)) {
    const atFinalized = finalitySetAt(chain, finalized);
    if (atFinalized !== null && atFinalized.setId === setId) return atFinalized;
  }
  return atParent;
}
