import { strict as assert } from "node:assert";
import { u32ToBytes } from "../../../../primitives/bytes.ts";
import { codecs, type Header, type Justification } from "../../../../primitives/codec/index.ts";
import { finalityJustificationCodec } from "../../../../primitives/finality/vote.ts";
import { BLS_FINALITY_ENGINE } from "../../../../consensus/finality/index.ts";
import { finalityProofCodec } from "../../../../light/codec.ts";
import type { Chain } from "../../../../node/chain/chain.ts";
import type { StatePruning } from "../../../../node/chain/statePruner.ts";
import { FinalityProofError, FinalityProver, MAX_JUSTIFICATION_LOOKBACK } from "../../../../node/finality/finalityProver.ts";
import type { SetChangeRepository } from "../../../../node/finality/setChangeRepository.ts";

const HEAD = 10_000;
const hashOf = (n: number) => Uint8Array.from({ length: 32 }, (_, i) => (i < 4 ? u32ToBytes(n)[i] : 7));
const headerOf = (n: number): Header => codecs.header.decode(codecs.header.encode({ parentHash: hashOf(n - 1), number: n, stateRoot: new Uint8Array(32), extrinsicsRoot: new Uint8Array(32), digest: [] }));
const blsBy = (setId: number, n: number): Justification => ({
  engine: BLS_FINALITY_ENGINE,
  data: finalityJustificationCodec.encode({ setId, round: 1, targetHash: hashOf(n), targetNumber: n, signers: Uint8Array.of(1), signature: new Uint8Array(96) }),
});

/**
 * A finalized chain of `HEAD` blocks without staking (no set hand-overs recorded: the proof is the
 * target alone), with BLS justifications at the numbers given, counting the canonical-hash reads.
 */
function prover(justified: Map<number, Justification>, state: StatePruning): { prover: FinalityProver; reads: () => number } {
  let reads = 0;
  const byHash = (hash: Uint8Array) => new DataView(hash.buffer, hash.byteOffset).getUint32(0);
  const chain = {
    finalized: { hash: hashOf(HEAD), number: HEAD, header: headerOf(HEAD) },
    pruning: { state, blocks: "archive" },
    stateAt: () => ({ get: () => undefined }),
    hashAt: (n: number) => {
      reads++;
      return n <= HEAD ? hashOf(n) : undefined;
    },
    header: (hash: Uint8Array) => headerOf(byHash(hash)),
    justification: (hash: Uint8Array) => justified.get(byHash(hash)),
  } as unknown as Chain;
  const records = { getSync: () => undefined } as unknown as SetChangeRepository;
  return { prover: new FinalityProver({}, { chain, records, recorder: null }), reads: () => reads };
}

const endsAt = (proof: Uint8Array) => codecs.header.decode(finalityProofCodec.decode(proof).fragments.at(-1)!.header).number;

describe("FinalityProver: the block the proof ends at", () => {
  it("is the finalized head when its own justification is the set's, with no walk", async () => {
    const { prover: p, reads } = prover(new Map([[HEAD, blsBy(0, HEAD)], [HEAD - 1, blsBy(0, HEAD - 1)]]), 256);
    assert.equal(endsAt(await p.prove(0)), HEAD);
    assert.equal(reads(), 0);
  });

  it("is the nearest justified block below a head without one, searched at most MAX_JUSTIFICATION_LOOKBACK blocks down", async () => {
    const near = prover(new Map([[HEAD - 5, blsBy(0, HEAD - 5)]]), "archive");
    assert.equal(endsAt(await near.prover.prove(0)), HEAD - 5);
    // Justified only far below: an unbounded walk read ~10,000 hashes and answered that old block.
    const far = prover(new Map([[100, blsBy(0, 100)]]), "archive");
    await assert.rejects(() => far.prover.prove(0), (e: unknown) => e instanceof FinalityProofError && e.code === "NO_RECENT_JUSTIFICATION");
    assert.equal(far.reads(), MAX_JUSTIFICATION_LOOKBACK);
  });

  it("stays inside the kept state window, so a REC bundle can read the state it ends at", async () => {
    // 8 finalized states kept: #HEAD-7..#HEAD; #HEAD-10's state is pruned.
    const { prover: p, reads } = prover(new Map([[HEAD - 10, blsBy(0, HEAD - 10)]]), 8);
    await assert.rejects(() => p.prove(0), (e: unknown) => e instanceof FinalityProofError && e.code === "NO_RECENT_JUSTIFICATION");
    assert.equal(reads(), 7);
  });
});
