import { concatBytes, u32ToBytes } from "../../primitives/bytes.ts";
import { signedFinalityVoteCodec, type SignedFinalityVote } from "../../primitives/finality/vote.ts";
import type { VoteStore } from "../../consensus/finality/types.ts";
import { crashPoint } from "../crashPoints.ts";
import { Bucket } from "./buckets.ts";
import type { Database } from "./database.ts";
import { Repository, type KeyCodec } from "./repository.ts";

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
  constructor(db: Database) {
    super(db, Bucket.votes, slotKey, signedFinalityVoteCodec);
  }

  async persist(vote: SignedFinalityVote): Promise<void> {
    crashPoint("vote.before-persist");
    await this.db.batch([this.putOp({ setId: vote.vote.setId, stage: vote.vote.stage }, vote)]);
    crashPoint("vote.after-persist-before-broadcast");
  }

  async load(): Promise<SignedFinalityVote[]> {
    const out: SignedFinalityVote[] = [];
    for await (const [, value] of this.db.entries(Uint8Array.of(Bucket.votes))) out.push(signedFinalityVoteCodec.decode(value));
    return out;
  }
}
