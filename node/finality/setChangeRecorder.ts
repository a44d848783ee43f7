import { bytesEqual } from "../../primitives/bytes.ts";
import { codecs } from "../../primitives/codec/index.ts";
import { finalityJustificationCodec } from "../../primitives/finality/vote.ts";
import type { Logger } from "../../primitives/logger.ts";
import { BLS_FINALITY_ENGINE } from "../../consensus/finality/index.ts";
import { finalityProofFragmentCodec } from "../../light/codec.ts";
import { FINALITY_AUTHORITIES_KEY } from "../../light/storageKeys.ts";
import type { Chain } from "../chain/chain.ts";
import type { DbBatchOp } from "../db/database.ts";
import type { SetChangeRepository } from "./setChangeRepository.ts";
import { finalitySetAt } from "./voterSets.ts";

/**
 * Finalized blocks scanned per database batch while catching up (a first start on a long chain):
 * each costs a justification lookup, and one in a session a state read and a trie proof. 4,096
 * keeps a batch to a few hundred kilobytes and the event loop free between batches.
 */
const SCAN_BATCH_BLOCKS = 4096;

/**
 * Records each authority set hand-over as it is finalized (node side of docs/proofs.md).
 *
 * Set k hands over at the first block B it finalizes whose state names a set other than k: the
 * gadget switches to `voterSetAt(B)` exactly then (consensus/finality/gadget.ts), so B's
 * justification is the last one of set k and B's state holds the next set. The recorder keeps
 * (header, justification, trie proof of `staking.FinalityAuthorities` at B) under k. It does so
 * while B's state is still there: finalization, not pruning, is what it follows, and pruning
 * keeps the state of the last finalized blocks. A header digest announcing the next set would
 * make the trie proof unnecessary, but the header has no runtime-written digest today (its
 * digest holds the author's slot and seal) and adding one changes block authoring, import and
 * the header format of every node; the record gives the same proof from kept data.
 *
 * Progress (the last finalized number examined) is written with the records in one batch, so a
 * restart resumes where it stopped; blocks whose state was pruned before they were examined (a
 * database from before this recorder) are logged and leave a gap that proofs report.
 */
export class SetChangeRecorder {
  private readonly chain: Chain;
  private readonly records: SetChangeRepository;
  private readonly log: Logger;
  private running: Promise<void> = Promise.resolve();
  private readonly onFinalized = (): void => {
    this.running = this.running.then(() => this.catchUp()).catch((e: unknown) => this.log.error("Recording authority set changes failed", {}, e));
  };

  constructor(_opts: Record<string, never>, deps: { chain: Chain; records: SetChangeRepository; logger: Logger }) {
    this.chain = deps.chain;
    this.records = deps.records;
    this.log = deps.logger;
  }

  /** Scans what was finalized since the last run, then follows finalization. */
  async start(): Promise<void> {
    this.chain.on("finalized", this.onFinalized);
    this.onFinalized();
    await this.running;
  }

  /** Stops following and waits for the scan under way. */
  async stop(): Promise<void> {
    this.chain.off("finalized", this.onFinalized);
    await this.running;
  }

  /** Resolves once every finalization seen so far is recorded (tests, proofs just after finality). */
  idle(): Promise<void> {
    return this.running;
  }

  private async catchUp(): Promise<void> {
    const finalized = this.chain.finalized.number;
    let from = this.records.scannedUpTo() + 1;
    while (from <= finalized) {
      const to = Math.min(finalized, from + SCAN_BATCH_BLOCKS - 1);
      const ops: DbBatchOp[] = [];
      for (let n = from; n <= to; n++) {
        const op = this.examine(n);
        if (op !== null) ops.push(op);
      }
      ops.push(this.records.scannedOp(to));
      await this.records.batch(ops);
      from = to + 1;
    }
  }

  /** The record of block `number` when its BLS justification's set handed over there. */
  private examine(number: number): DbBatchOp | null {
    const hash = this.chain.hashAt(number);
    const justification = hash && this.chain.justification(hash);
    if (!hash || !justification || !bytesEqual(justification.engine, BLS_FINALITY_ENGINE)) return null;
    const signedBy = finalityJustificationCodec.decode(justification.data).setId;
    const header = this.chain.header(hash);
    if (!header) return null;
    try {
      const next = finalitySetAt(this.chain, hash);
      if (next === null || next.setId === signedBy) return null;
      const setProof = this.chain.stateAt(hash).prove([FINALITY_AUTHORITIES_KEY]);
      const fragment = finalityProofFragmentCodec.encode({ header: codecs.header.encode(header), justification: codecs.justification.encode(justification), setProof });
      this.log.info("Authority set hand-over recorded for finality proofs", { setId: signedBy, nextSetId: next.setId, number });
      return this.records.putOp(signedBy, { nextSetId: next.setId, number, fragment });
    } catch (e) {
      this.log.warn("The state of a finalized block is gone: its set hand-over cannot be recorded, finality proofs across it will fail", { number, error: (e as Error).message });
      return null;
    }
  }
}
