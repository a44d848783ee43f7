import { bytesToU32, concatBytes, u32ToBytes } from "../../primitives/bytes.ts";
import { signedFinalityVoteCodec, type SignedFinalityVote } from "../../primitives/finality/vote.ts";
import type { BlockRef, RoundBase, VoteStore } from "../../consensus/finality/types.ts";
import { crashPoint } from "../crashPoints.ts";
import { Bucket } from "./buckets.ts";
import type { Database } from "./database.ts";
import { Repository, type KeyCodec, type RepoValueCodec } from "./repository.ts";

interface VoteSlot {
  setId: number;
  stage: number;
}

const slotKey: KeyCodec<VoteSlot> = { encode: (k) => concatBytes(u32ToBytes(k.setId), Uint8Array.of(k.stage)) };

/**
 * This validator's own finality votes (the gadget's `VoteStore`). The gadget only ever votes in
 * rounds at or after the last one it voted in, so one slot per (set, stage), holding the latest
 * vote, is all a restart needs to never sign a second vote for a (set, round, stage): the store
 * stays a few hundred bytes per authority set instead of growing by two votes every round.
 * Sets are kept apart so that a restart that finds the chain's finality behind a set change
 * still knows its votes in the older set.
 *
 * `persist` resolves once LevelDB has written the vote to its log: the vote survives the process
 * being killed. (The write is not fsynced, so a power loss right after a vote can still lose it.)
 */
export class VoteRepository extends Repository<VoteSlot, SignedFinalityVote> implements VoteStore {
  /** The base each set's latest round was voted on (bucket `voteBases`), written with the vote. */
  private readonly bases: Repository<number, Omit<RoundBase, "setId">>;

  constructor(db: Database) {
    super(db, Bucket.votes, slotKey, signedFinalityVoteCodec);
    this.bases = new Repository(db, Bucket.voteBases, { encode: u32ToBytes }, roundBaseValue);
  }

  /** The vote and the base it was cast on, in one batch. */
  async persist(vote: SignedFinalityVote, base: BlockRef): Promise<void> {
    crashPoint("vote.before-persist");
    const { setId, round, stage } = vote.vote;
    await this.db.batch([this.putOp({ setId, stage }, vote), this.bases.putOp(setId, { round, block: base })]);
    crashPoint("vote.after-persist-before-broadcast");
  }

  async load(): Promise<SignedFinalityVote[]> {
    const out: SignedFinalityVote[] = [];
    for await (const [, value] of this.db.entries(Uint8Array.of(Bucket.votes))) out.push(signedFinalityVoteCodec.decode(value));
    return out;
  }

  async loadBases(): Promise<RoundBase[]> {
    const out: RoundBase[] = [];
    for await (const [key, value] of this.db.entries(Uint8Array.of(Bucket.voteBases))) {
      out.push({ setId: bytesToU32(key.subarray(1)), ...roundBaseValue.decode(value) });
    }
    return out;
  }
}

/** A set's latest round base as stored under its set id: `round u32 | block number u32 | block hash`. */
const roundBaseValue: RepoValueCodec<Omit<RoundBase, "setId">> = {
  encode: (b) => concatBytes(u32ToBytes(b.round), u32ToBytes(b.block.number), b.block.hash),
  decode: (bytes) => {
    if (bytes.length !== 8 + 32) throw new Error(`a stored round base of ${bytes.length} bytes`);
    return { round: bytesToU32(bytes.subarray(0, 4)), block: { number: bytesToU32(bytes.subarray(4, 8)), hash: bytes.slice(8) } };
  },
};
