import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { blsSign } from "../../../../primitives/blsKeys.ts";
import { signedFinalityVoteCodec, VoteStage, voteSigningRoot, type FinalityVote, type SignedFinalityVote } from "../../../../primitives/finality/vote.ts";
import { toHex } from "../../../../primitives/bytes.ts";
import { Database } from "../../../../node/db/database.ts";
import { VoteRepository } from "../../../../node/db/voteRepository.ts";
import { GENESIS, validatorKey } from "../../consensus/finality/harness.ts";

function signed(setId: number, round: number, stage: number, fill: number): SignedFinalityVote {
  const vote: FinalityVote = { setId, round, stage, targetHash: new Uint8Array(32).fill(fill), targetNumber: fill };
  return { vote, signer: 1, signature: blsSign(validatorKey(1).secretKey, voteSigningRoot(GENESIS.hash, vote)) };
}

function block(n: number): { number: number; hash: Uint8Array } {
  return { number: n, hash: new Uint8Array(32).fill(0xb0 + n) };
}

function summary(votes: SignedFinalityVote[]): string[] {
  return votes.map((v) => `${v.vote.setId}/${v.vote.round}/${v.vote.stage}@${v.vote.targetNumber}`).sort();
}

describe("VoteRepository (the gadget's vote store on LevelDB)", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "arkreen-votes-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("gives back, after reopening, the latest vote of each stage in each set, byte for byte", async () => {
    let db = await Database.open(dir);
    const repo = new VoteRepository(db);
    const latestPrevote = signed(0, 2, VoteStage.Prevote, 5);
    await repo.persist(signed(0, 1, VoteStage.Prevote, 3), block(1));
    await repo.persist(signed(0, 1, VoteStage.Precommit, 3), block(1));
    await repo.persist(latestPrevote, block(3));
    await repo.persist(signed(1, 1, VoteStage.Prevote, 9), block(8));
    await db.close();

    db = await Database.open(dir);
    const reopened = new VoteRepository(db);
    const loaded = await reopened.load();
    const bases = await reopened.loadBases();
    await db.close();
    // Each set's latest round, with the base its votes were cast on.
    assert.deepEqual(
      bases.map((b) => ({ ...b, block: { number: b.block.number, hash: toHex(b.block.hash) } })).sort((a, b) => a.setId - b.setId),
      [
        { setId: 0, round: 2, block: { number: 3, hash: toHex(block(3).hash) } },
        { setId: 1, round: 1, block: { number: 8, hash: toHex(block(8).hash) } },
      ],
    );
    assert.deepEqual(summary(loaded), ["0/1/2@3", "0/2/1@5", "1/1/1@9"]);
    const prevote = loaded.find((v) => v.vote.setId === 0 && v.vote.stage === VoteStage.Prevote);
    assert.ok(prevote);
    assert.deepEqual(signedFinalityVoteCodec.encode(prevote), signedFinalityVoteCodec.encode(latestPrevote));
  });

  it("loads nothing from a fresh database", async () => {
    const db = await Database.open(dir);
    assert.deepEqual(await new VoteRepository(db).load(), []);
    assert.deepEqual(await new VoteRepository(db).loadBases(), []);
    await db.close();
  });
});
