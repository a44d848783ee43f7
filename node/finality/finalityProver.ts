import { bytesEqual, toHex } from "../../primitives/bytes.ts";
import { codecs, type Justification } from "../../primitives/codec/index.ts";
import { finalityJustificationCodec } from "../../primitives/finality/vote.ts";
import { BLS_FINALITY_ENGINE } from "../../consensus/finality/index.ts";
import { INSTANT_FINALITY_ENGINE } from "../../consensus/instantFinality.ts";
import { FINALITY_PROOF_VERSION, finalityProofCodec, finalityProofFragmentCodec, type FinalityProofFragment } from "../../light/codec.ts";
import { ArkreenError } from "../../primitives/errors.ts";
import type { Chain } from "../chain/chain.ts";
import type { HeadInfo } from "../chain/types.ts";
import type { SetChangeRecorder } from "./setChangeRecorder.ts";
import type { SetChangeRepository } from "./setChangeRepository.ts";
import { finalitySetAt } from "./voterSets.ts";

/**
 * Bound of one encoded proof, as Substrate's `grandpa_proveFinality` / warp sync (8 MiB): about
 * 2,000 set hand-overs of ~4 KB. A longer history comes in several proofs, each continuing from
 * the set the previous one ended with (`complete: false`).
 */
export const MAX_FINALITY_PROOF_BYTES = 8 * 1024 * 1024;
/** Per-fragment framing in the encoded proof (field tag and length varint), and the proof's own fields. */
const FRAGMENT_OVERHEAD = 6;
const PROOF_OVERHEAD = 4;
/**
 * Blocks below the finalized head searched for the latest block the last set justified, when the
 * head's own justification is not that set's. The gadget stores a justification with every block
 * it finalizes, so the head nearly always has its own and the search never runs; it runs for a head
 * finalized without one stored (`Chain.finalize` takes none), and unbounded it walked down to the
 * last hand-over: up to a session of synchronous reads per call, or the whole chain from set 0. 64 reads of a header
 * and a justification take well under a millisecond, and any state-pruning window (at least 8
 * blocks) further bounds the search so the block found still has its state.
 */
export const MAX_JUSTIFICATION_LOOKBACK = 64;

export type FinalityProofErrorType =
  /** `fromSetId` is past the set current at the finalized head. */
  | { code: "UNKNOWN_SET"; setId: number; currentSetId: number }
  /** The hand-over of `setId` was not recorded (its state was pruned before the recorder saw it). */
  | { code: "MISSING_SET_CHANGE"; setId: number }
  /** Nothing is finalized with a justification yet. */
  | { code: "NOTHING_FINALIZED" }
  /**
   * The finalized head (#`head`) has no justification of set `setId`, nor does any block within
   * `MAX_JUSTIFICATION_LOOKBACK` below it, and no hand-over precedes: nothing recent to end at.
   */
  | { code: "NO_RECENT_JUSTIFICATION"; setId: number; head: number }
  /** One hand-over alone exceeds the size bound. */
  | { code: "FRAGMENT_TOO_LARGE"; setId: number; size: number; max: number };

export class FinalityProofError extends ArkreenError<FinalityProofErrorType> {}

export interface FinalityProverOpts {
  /** The encoded proof's bound; `MAX_FINALITY_PROOF_BYTES` when absent. */
  maxBytes?: number;
}

/**
 * Builds finality proofs (docs/proofs.md) from the recorded set hand-overs: from set `fromSetId`,
 * each hand-over fragment in turn, then the latest finalized block the last set justified.
 */
export class FinalityProver {
  private readonly maxBytes: number;
  private readonly chain: Chain;
  private readonly records: SetChangeRepository;
  private readonly recorder: Pick<SetChangeRecorder, "idle"> | null;

  constructor(opts: FinalityProverOpts, deps: { chain: Chain; records: SetChangeRepository; recorder: Pick<SetChangeRecorder, "idle"> | null }) {
    this.maxBytes = opts.maxBytes ?? MAX_FINALITY_PROOF_BYTES;
    this.chain = deps.chain;
    this.records = deps.records;
    this.recorder = deps.recorder;
  }

  /**
   * The encoded `FinalityProof` from set `fromSetId` to the latest finalized block (or to the size
   * bound). Waits for the recorder to have seen the latest finalization, so a hand-over just
   * finalized is in the proof.
   */
  async prove(fromSetId: number): Promise<Uint8Array> {
    await this.recorder?.idle();
    const head = this.chain.finalized;
    const headJustification = this.chain.justification(head.hash);
    // A dev chain finalizes each block by its single authority's signature: one fragment, no sets.
    if (head.number > 0 && headJustification && bytesEqual(headJustification.engine, INSTANT_FINALITY_ENGINE)) {
      return this.encode([{ header: codecs.header.encode(head.header), justification: codecs.justification.encode(headJustification), setProof: [] }], true);
    }
    const current = finalitySetAt(this.chain, head.hash);
    if (current !== null && fromSetId > current.setId) throw new FinalityProofError({ code: "UNKNOWN_SET", setId: fromSetId, currentSetId: current.setId });
    const fragments: FinalityProofFragment[] = [];
    let size = PROOF_OVERHEAD;
    let setId = fromSetId;
    let lastNumber = 0;
    for (let record = this.records.getSync(setId); record !== undefined; record = this.records.getSync(setId)) {
      if (size + record.fragment.length + FRAGMENT_OVERHEAD > this.maxBytes) {
        if (fragments.length === 0) throw new FinalityProofError({ code: "FRAGMENT_TOO_LARGE", setId, size: record.fragment.length, max: this.maxBytes });
        return this.encode(fragments, false);
      }
      fragments.push(finalityProofFragmentCodec.decode(record.fragment));
      size += record.fragment.length + FRAGMENT_OVERHEAD;
      setId = record.nextSetId;
      lastNumber = record.number;
    }
    if (current !== null && setId < current.setId) throw new FinalityProofError({ code: "MISSING_SET_CHANGE", setId });
    const target = this.latestJustifiedBy(head, setId, lastNumber);
    if (target !== null) {
      if (size + target.header.length + target.justification.length + 2 * FRAGMENT_OVERHEAD > this.maxBytes && fragments.length > 0) return this.encode(fragments, false);
      fragments.push(target);
    }
    if (fragments.length === 0) throw new FinalityProofError(head.number === 0 ? { code: "NOTHING_FINALIZED" } : { code: "NO_RECENT_JUSTIFICATION", setId, head: head.number });
    return this.encode(fragments, true);
  }

  /**
   * The highest finalized block above `above` whose BLS justification set `setId` signed: the
   * finalized head itself when its own justification is by that set (the gadget justifies every
   * block it finalizes, so this is the usual answer and costs one read), else the nearest block
   * below it within `MAX_JUSTIFICATION_LOOKBACK` blocks and inside the kept state window, so that a
   * REC bundle can read the state of the block the proof ends at. Null when there is none there:
   * the proof then ends at the last hand-over.
   */
  private latestJustifiedBy(head: HeadInfo, setId: number, above: number): FinalityProofFragment | null {
    if (head.number <= above) return null;
    const own = this.justifiedBy(head.hash, setId);
    if (own !== undefined) return { header: codecs.header.encode(head.header), justification: codecs.justification.encode(own), setProof: [] };
    const keep = this.chain.pruning.state;
    const lookback = keep === "archive" ? MAX_JUSTIFICATION_LOOKBACK : Math.min(MAX_JUSTIFICATION_LOOKBACK, keep - 1);
    for (let n = head.number - 1; n > above && n >= head.number - lookback; n--) {
      const hash = this.chain.hashAt(n);
      const justification = hash && this.justifiedBy(hash, setId);
      if (!hash || !justification) continue;
      const header = this.chain.header(hash);
      if (!header) throw new Error(`finalized block #${n} (${toHex(hash)}) has no header`);
      return { header: codecs.header.encode(header), justification: codecs.justification.encode(justification), setProof: [] };
    }
    return null;
  }

  /** The stored justification of `hash` when it is a BLS one signed by set `setId`. */
  private justifiedBy(hash: Uint8Array, setId: number): Justification | undefined {
    const justification = this.chain.justification(hash);
    if (justification === undefined || !bytesEqual(justification.engine, BLS_FINALITY_ENGINE)) return undefined;
    return finalityJustificationCodec.decode(justification.data).setId === setId ? justification : undefined;
  }

  private encode(fragments: FinalityProofFragment[], complete: boolean): Uint8Array {
    return finalityProofCodec.encode({ version: FINALITY_PROOF_VERSION, fragments, complete });
  }
}
