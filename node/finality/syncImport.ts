import { bytesEqual } from "../../primitives/bytes.ts";
import type { Block, Justification } from "../../primitives/codec/index.ts";
import { finalityJustificationCodec } from "../../primitives/finality/vote.ts";
import { BLS_FINALITY_ENGINE } from "../../consensus/finality/index.ts";
import { INSTANT_FINALITY_ENGINE } from "../../consensus/instantFinality.ts";
import { headerHash, type Chain } from "../chain/chain.ts";
import { applyJustification } from "./applyJustification.ts";
import { ApplyJustificationError } from "./errors.ts";
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
 * A justification is mandatory when the set that signed it (its `setId`) is not the set the
 * block's own state names: the block is the first its set finalized after a session change
 * elected the next one, the gadget switched sets there, and the justification is the last of
 * the old set (`SetChangeRecorder` records exactly these, and finality proofs cross a hand-over
 * with them: docs/proofs.md). Applying it in order moves the finalized head past each hand-over
 * before anything later is verified, so every later justification is checked against the set in
 * force there (`applyJustification`'s set rule), never against a set several hand-overs old.
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
 * Whether `justification` (of the imported block `hash`) hands the finality set over: a BLS
 * justification whose set is not the one the block's state names. An engine this node does not
 * know is "mandatory" so that `applyJustification` refuses it where it stands, as before.
 */
function isMandatory(chain: Chain, hash: Uint8Array, justification: Justification): boolean {
  if (bytesEqual(justification.engine, INSTANT_FINALITY_ENGINE)) return false;
  if (!bytesEqual(justification.engine, BLS_FINALITY_ENGINE)) return true;
  let setId: number;
  try {
    setId = finalityJustificationCodec.decode(justification.data).setId;
  } catch (e) {
    throw new ApplyJustificationError({ code: "MALFORMED", reason: (e as Error).message });
  }
  const named = finalitySetAt(chain, hash);
  return named === null || named.setId !== setId;
}
