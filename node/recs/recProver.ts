import { toHex } from "../../primitives/bytes.ts";
import { codecs } from "../../primitives/codec/index.ts";
import { ArkreenError } from "../../primitives/errors.ts";
import { blake2b256 } from "../../primitives/hash.ts";
import { bytesEqual } from "../../primitives/bytes.ts";
import { FINALITY_PROOF_VERSION, finalityProofCodec } from "../../light/codec.ts";
import { REC_BUNDLE_VERSION, recBundleCodec, recBundleStorageKeys, type RecBundleReading } from "../../light/recBundle.ts";
import { recs } from "../../runtime/api.ts";
import type { Chain } from "../chain/chain.ts";
import type { FinalityProver } from "../finality/finalityProver.ts";
import type { SignatureStore } from "../readings/signatureStore.ts";

/**
 * Why a REC bundle cannot be built (RPC code 4021): no such REC at the finalized block, a REC that
 * is not certified or retired, a crediting block whose body was pruned (`--blocks-pruning`), a
 * body without the reading its slot names (a corrupt database), a bundle over the size bound, a
 * REC whose retirements cannot be listed within the scan bound or add up short.
 * The finality proof's own errors (`FinalityProofError`) and a pruned state (`StateError`) pass
 * through.
 */
export type RecProofErrorType =
  | { code: "UNKNOWN_REC"; recId: number; block: number }
  | { code: "NOT_CERTIFIED"; recId: number; status: string }
  | { code: "BODY_PRUNED"; block: number; deviceId: number; interval: number }
  | { code: "READING_NOT_IN_BODY"; block: number; deviceId: number; interval: number }
  | { code: "TOO_LARGE"; bytes: number; max: number }
  /** More than `MAX_RETIREMENTS_SCANNED` retirements made since the REC's creation were read without finding all of its own. */
  | { code: "TOO_MANY_RETIREMENTS_SCANNED"; recId: number; scanned: number; max: number }
  /** The retirements found add up to less than the REC's `retiredWh` when the ids run out: the state is inconsistent. */
  | { code: "RETIREMENTS_INCOMPLETE"; recId: number; retiredWh: number; foundWh: number; lastId: number }
  /** `at` is not a finalized canonical block of this node. */
  | { code: "AT_NOT_FINALIZED"; at: string }
  /** `at` is finalized but has no justification of its own (the BLS gadget justifies some blocks, the descendants cover the rest). */
  | { code: "AT_NOT_JUSTIFIED"; at: string; number: number };

export class RecProofError extends ArkreenError<RecProofErrorType> {}

type ProverChain = Pick<Chain, "stateAt" | "hashAt" | "block" | "header" | "justification" | "finalized">;

export interface RecProverOpts {
  /**
   * Largest bundle served. A request's slot list is bounded (recs MAX_SLOTS_PER_REQUEST = 10,000):
   * 10,000 readings with signatures are ~1.3 MB, the state proof of their slot list ~0.5 MB, and
   * the finality proof at most 8 MiB; 16 MiB covers the worst case and stays a sane RPC answer.
   */
  maxBytes: number;
}

export const defaultRecProverOpts: RecProverOpts = { maxBytes: 16 * 1024 * 1024 };

/**
 * Retirements read per bundle when listing a REC's own. The recs module keeps no per-REC index of
 * them (adding one changes the state layout), so the list is found by scanning `Retirements` from
 * the first made at or after the REC's creation block (found by binary search: ids and blocks
 * rise together) until the REC's `retiredWh` is covered. Each read is a synchronous trie lookup of
 * a few LevelDB reads (tens of µs), so 10,000 keep one call to a few hundred milliseconds of event
 * loop at worst; a REC retired behind more retirements than that on the chain answers
 * `TOO_MANY_RETIREMENTS_SCANNED` until the module indexes retirements per REC.
 */
export const MAX_RETIREMENTS_SCANNED = 10_000;

/** The work a bundle takes, known before the crediting blocks' bodies are read (`prove`'s `charge`). */
export interface RecProofWork {
  /** `Retirements` entries read to list the REC's retirements (at most ~30 + `MAX_RETIREMENTS_SCANNED`). */
  retirementsRead: number;
  /** Distinct crediting blocks whose bodies are read and decoded, every reading in each hashed. */
  bodies: number;
}

/**
 * Builds REC proof bundles (light/recBundle.proto, docs/proofs.md): the finality proof from the
 * set the caller names to the latest finalized block, that block's header, one trie proof of
 * every state item the verifier reads there, and each consumed slot's reading from the body of
 * the block that credited it, with the device's signature where this node kept it.
 */
export class RecProver {
  private readonly opts: RecProverOpts;
  private readonly chain: ProverChain;
  private readonly finalityProofs: Pick<FinalityProver, "prove">;
  private readonly signatures: Pick<SignatureStore, "get"> | null;

  constructor(
    opts: Partial<RecProverOpts>,
    deps: { chain: ProverChain; finalityProofs: Pick<FinalityProver, "prove">; signatures: Pick<SignatureStore, "get"> | null },
  ) {
    this.opts = { ...defaultRecProverOpts, ...opts };
    this.chain = deps.chain;
    this.finalityProofs = deps.finalityProofs;
    this.signatures = deps.signatures;
  }

  /**
   * The bundle of REC `recId` at the latest finalized block, or at `at` (a finalized canonical
   * block with a justification of its own: the finality proof then ends at it), its finality proof
   * starting at set `fromSetId`. `charge` is told the work before the bodies are read, and may
   * throw to refuse it (the RPC connection's budget).
   */
  async prove(recId: number, fromSetId = 0, at?: Uint8Array, charge?: (work: RecProofWork) => void): Promise<Uint8Array> {
    let finalityProof = await this.finalityProofs.prove(fromSetId);
    if (at !== undefined) finalityProof = this.endingAt(finalityProof, at);
    const fragments = finalityProofCodec.decode(finalityProof).fragments;
    const header = fragments[fragments.length - 1].header;
    const number = codecs.header.decode(header).number;
    const state = this.chain.stateAt(blake2b256(header));

    const rec = recs.rec(state, recId);
    if (rec === undefined) throw new RecProofError({ code: "UNKNOWN_REC", recId, block: number });
    if (rec.status !== recs.RecStatus.Certified && rec.status !== recs.RecStatus.Retired) throw new RecProofError({ code: "NOT_CERTIFIED", recId, status: recs.REC_STATUS_NAMES[rec.status] });
    const origin = rec.origin === 0 ? null : (recs.rec(state, rec.origin) ?? null);
    const slots = recs.recSlots(state, recId);
    const { ids: retirementIds, read: retirementsRead } = this.retirementsOf(state, recId, rec);
    charge?.({ retirementsRead, bodies: new Set(slots.map((s) => s.creditedBlock)).size });
    const deviceIds = [...new Set(slots.map((s) => s.deviceId))].sort((a, b) => a - b);
    const stateProof = state.prove(recBundleStorageKeys(recId, rec, origin, retirementIds, deviceIds));

    const bodies = new Map<number, Map<string, Uint8Array>>();
    const readings: RecBundleReading[] = slots.map((slot) => {
      const where = { block: slot.creditedBlock, deviceId: slot.deviceId, interval: slot.interval };
      let byHash = bodies.get(slot.creditedBlock);
      if (byHash === undefined) {
        const hash = this.chain.hashAt(slot.creditedBlock);
        const block = hash && this.chain.block(hash);
        if (!block) throw new RecProofError({ code: "BODY_PRUNED", ...where });
        byHash = new Map((block.readings ?? []).map((encoded) => [toHex(blake2b256(encoded)), encoded]));
        bodies.set(slot.creditedBlock, byHash);
      }
      const reading = byHash.get(toHex(slot.readingHash));
      if (reading === undefined) throw new RecProofError({ code: "READING_NOT_IN_BODY", ...where });
      const kept = this.signatures?.get(slot.deviceId, slot.interval);
      const signature = kept && bytesEqual(kept.readingHash, slot.readingHash) ? kept.signature : new Uint8Array(0);
      return { reading, signature };
    });

    const bundle = recBundleCodec.encode({ version: REC_BUNDLE_VERSION, finalityProof, header, recId, stateProof, retirementIds, readings });
    if (bundle.length > this.opts.maxBytes) throw new RecProofError({ code: "TOO_LARGE", bytes: bundle.length, max: this.opts.maxBytes });
    return bundle;
  }

  /**
   * The finality proof cut to end at block `at`: the hand-overs before it, then `at` with its own
   * justification (or `at` itself when it is a hand-over). The verifier checks that the set in
   * force there signed it.
   */
  private endingAt(proofBytes: Uint8Array, at: Uint8Array): Uint8Array {
    const header = this.chain.header(at);
    const finalized = this.chain.finalized.number;
    if (header === undefined || header.number > finalized || !bytesEqual(this.chain.hashAt(header.number) ?? new Uint8Array(0), at)) {
      throw new RecProofError({ code: "AT_NOT_FINALIZED", at: toHex(at) });
    }
    const justification = this.chain.justification(at);
    if (justification === undefined) throw new RecProofError({ code: "AT_NOT_JUSTIFIED", at: toHex(at), number: header.number });
    const proof = finalityProofCodec.decode(proofBytes);
    const fragments = [];
    for (const f of proof.fragments) {
      const number = codecs.header.decode(f.header).number;
      if (number > header.number || f.setProof.length === 0) break;
      fragments.push(f);
      if (number === header.number) break;
    }
    const last = fragments[fragments.length - 1];
    if (last === undefined || codecs.header.decode(last.header).number !== header.number) {
      if (!proof.complete && proof.fragments.length === fragments.length) throw new RecProofError({ code: "TOO_LARGE", bytes: proofBytes.length, max: proofBytes.length });
      fragments.push({ header: codecs.header.encode(header), justification: codecs.justification.encode(justification), setProof: [] });
    }
    return finalityProofCodec.encode({ version: FINALITY_PROOF_VERSION, fragments, complete: true });
  }

  /**
   * The ids of REC `recId`'s retirements, ascending, and the `Retirements` entries read to find
   * them: a binary search for the first retirement made at or after the REC's creation block (a
   * REC is retired only after it exists), then a scan from there until the amounts found add up
   * to `retiredWh`, at most `MAX_RETIREMENTS_SCANNED` entries. Ids run from 1 without gaps and
   * are never removed, so running out of ids before the sum is reached is an error, not a shorter
   * list.
   */
  private retirementsOf(state: ReturnType<Chain["stateAt"]>, recId: number, rec: { retiredWh: number; createdAt: number }): { ids: number[]; read: number } {
    if (rec.retiredWh === 0) return { ids: [], read: 0 };
    let read = 0;
    // Whether retirement `id` was made at or after the REC's creation (true past the last id): false, then true, as ids rise.
    const fromCreation = (id: number): boolean => {
      read++;
      const r = recs.retirement(state, id);
      return r === undefined || r.block >= rec.createdAt;
    };
    let lo = 0; // largest id known made before the creation (0: none)
    let hi = 1;
    while (!fromCreation(hi)) [lo, hi] = [hi, hi * 2];
    while (hi - lo > 1) {
      const mid = lo + Math.floor((hi - lo) / 2);
      if (fromCreation(mid)) hi = mid;
      else lo = mid;
    }
    const ids: number[] = [];
    let found = 0;
    for (let id = hi, scanned = 0; found < rec.retiredWh; id++, scanned++) {
      if (scanned === MAX_RETIREMENTS_SCANNED) throw new RecProofError({ code: "TOO_MANY_RETIREMENTS_SCANNED", recId, scanned, max: MAX_RETIREMENTS_SCANNED });
      read++;
      const r = recs.retirement(state, id);
      if (r === undefined) throw new RecProofError({ code: "RETIREMENTS_INCOMPLETE", recId, retiredWh: rec.retiredWh, foundWh: found, lastId: id - 1 });
      if (r.recId !== recId) continue;
      ids.push(id);
      found += r.amountWh;
    }
    return { ids, read };
  }
}
