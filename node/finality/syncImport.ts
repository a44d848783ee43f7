import { bytesEqual } from "../../primitives/bytes.ts";
import type { Block, Justification } from "../../primitives/codec/index.ts";
import { BLS_FINALITY_ENGINE } from "../../consensus/finality/index.ts";
import { INSTANT_FINALITY_ENGINE } from "../../consensus/instantFinality.ts";
import { headerHash, type Chain } from "../chain/chain.ts";
import { applyJustification } from "./applyJustification.ts";
import { finalitySetAt } from "./voterSets.ts";

/** One block of a synced range, decoded, with the justification its peer stored for it. */
export interface SyncedBlock {
  block: Block;
  justification: Justification | null;
}

/**
 * Imports a range of synced blocks in order and finalizes it the way Substrate's sync does:
 * only the *mandatory* justifications — those of blocks that hand the finality set over — are
 * verified and applied where they stand, and the last justification of the range finalizes the
 * rest in one step.
 *
 * A justification is mandatory when its block's state names another finality set than the
 * state of our finalized head — decided from our chain, never from what the peer's justification
 * says. The first justified such block is the hand-over: the first block its set finalized after
 * a session change elected the next one, where the gadget switched sets, its justification the
 * last of the old set (`SetChangeRecorder` records exactly these, and finality proofs cross a
 * hand-over with them: docs/proofs.md). Applying it where it stands moves the finalized head past
 * the hand-over before anything later is verified, and `applyJustification` checks every
 * justification against the set of the finalized head of the moment: a peer that leaves a
 * hand-over's justification out (or sends a later set's in its place) gets the next one refused,
 * never a finalization past an unverified hand-over.
 *
 * Every other justification is skipped unverified and never stored (the peer could have put
 * anything there) — except the range's last one, verified and stored with the block it
 * finalizes. The node's finalized head therefore always has its own justification (finality
 * proofs and peers' finality catch-up read it), and every hand-over has its own.
 *
 * Per-block finalization was a quarter of a fresh node's sync of empty blocks (docs/scale.md):
 * each one a justification verification (a BLS aggregate check on a gadget chain) and a
 * finalization batch whose pruning walks the pending journals.
 *
 * The blocks are imported first, with one database batch (`Chain.importBlocks`), and the
 * justifications applied after, in block order: importing a block above the finalized head does
 * not depend on where finality stands in between, so this finalizes exactly what importing and
 * finalizing block by block would. When a block of the range fails, the blocks before it are
 * imported and their justifications applied as above before its error is thrown.
 *
 * `imported(i)` is called once block `i` is in the chain. Throws what the import or a
 * justification throws, as `applyJustification` and `Chain.importBlocks` do.
 */
export async function importSyncedRange(chain: Chain, items: readonly SyncedBlock[], genesisHash: Uint8Array, imported: (index: number) => void = () => undefined): Promise<void> {
  let held = 0;
  let failure: { error: unknown } | null = null;
  try {
    await chain.importBlocks(
      items.map((item) => item.block),
      "network",
      (index) => {
        held = index + 1;
        imported(index);
      },
    );
  } catch (error) {
    failure = { error };
  }
  try {
    await applyRangeJustifications(chain, items.slice(0, held), genesisHash);
  } catch (error) {
    failure ??= { error };
  }
  if (failure !== null) throw failure.error;
}

/** The hand-overs' justifications in order, then the last one left (see `importSyncedRange`). */
async function applyRangeJustifications(chain: Chain, items: readonly SyncedBlock[], genesisHash: Uint8Array): Promise<void> {
  let deferred: { hash: Uint8Array; justification: Justification } | null = null;
  for (const { block, justification } of items) {
    if (justification === null) continue;
    const hash = headerHash(block.header);
    if (block.header.number <= chain.finalized.number) {
      // A block we hold below our finalized head: nothing to prove (applyJustification returns,
      // or refuses a block off the finalized chain).
      await applyJustification(chain, hash, justification, genesisHash);
    } else if (isMandatory(chain, hash, justification)) {
      await applyJustification(chain, hash, justification, genesisHash);
      deferred = null;
    } else {
      deferred = { hash, justification };
    }
  }
  if (deferred !== null) await applyJustification(chain, deferred.hash, deferred.justification, genesisHash);
}

/**
 * Whether `justification` (of the imported block `hash`) must be applied where it stands: a BLS
 * justification of a block whose state names another set than our finalized head's (a hand-over,
 * or a later set's justification that `applyJustification` will refuse). An engine this node
 * does not know is "mandatory" so that `applyJustification` refuses it where it stands, as before.
 */
function isMandatory(chain: Chain, hash: Uint8Array, justification: Justification): boolean {
  if (bytesEqual(justification.engine, INSTANT_FINALITY_ENGINE)) return false;
  if (!bytesEqual(justification.engine, BLS_FINALITY_ENGINE)) return true;
  const named = finalitySetAt(chain, hash);
  const current = finalitySetAt(chain, chain.finalized.hash);
  return named === null || current === null || named.setId !== current.setId;
}
