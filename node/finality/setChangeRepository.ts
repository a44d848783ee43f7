import { bytesToU32, concatBytes, u32ToBytes, utf8 } from "../../primitives/bytes.ts";
import type { BucketId } from "../db/buckets.ts";
import type { Database, DbBatchOp } from "../db/database.ts";
import { Repository, type RepoValueCodec } from "../db/repository.ts";

/**
 * Database buckets of finality proofs, outside node/db/buckets.ts (whose ids below 0x20 belong to
 * the chain and its pruning): 0x20 holds one record per authority set hand-over, 0x21 how far the
 * recorder has scanned. Values are stable: never renumber.
 */
export const SET_CHANGE_BUCKET = 0x20 as BucketId;
export const SET_CHANGE_PROGRESS_BUCKET = 0x21 as BucketId;

/**
 * The hand-over from set `setId` (the key) to the next: the first block set `setId` finalized
 * whose state names another current set, as a ready `FinalityProofFragment` (header,
 * justification, trie proof of `staking.FinalityAuthorities` in that block's state).
 */
export interface SetChangeRecord {
  /** The set that block's state makes current (usually setId + 1; more when a set finalized nothing). */
  nextSetId: number;
  number: number;
  /** An encoded `FinalityProofFragment` (light/finalityProof.proto). */
  fragment: Uint8Array;
}

/** `nextSetId u32 | number u32 | fragment`. */
const recordValue: RepoValueCodec<SetChangeRecord> = {
  encode: (r) => concatBytes(u32ToBytes(r.nextSetId), u32ToBytes(r.number), r.fragment),
  decode: (b) => ({ nextSetId: bytesToU32(b.subarray(0, 4)), number: bytesToU32(b.subarray(4, 8)), fragment: b.slice(8) }),
};

/**
 * Set hand-overs by the id of the set that handed over. They are what a finality proof is made
 * of, and they must outlive the state they were proven from: state is pruned (the node keeps
 * the state of its last finalized blocks only) while these, like headers and justifications,
 * are kept for good — a few kilobytes per set change.
 */
export class SetChangeRepository extends Repository<number, SetChangeRecord> {
  private readonly progress: Repository<string, number>;

  constructor(db: Database) {
    super(db, SET_CHANGE_BUCKET, { encode: u32ToBytes }, recordValue);
    this.progress = new Repository(db, SET_CHANGE_PROGRESS_BUCKET, { encode: utf8 }, { encode: u32ToBytes, decode: bytesToU32 });
  }

  /** The last finalized block number whose justification has been examined (0: none yet). */
  scannedUpTo(): number {
    return this.progress.getSync("scanned") ?? 0;
  }

  scannedOp(number: number): DbBatchOp {
    return this.progress.putOp("scanned", number);
  }

  batch(ops: DbBatchOp[]): Promise<void> {
    return this.db.batch(ops);
  }
}
