import { strict as assert } from "node:assert";
import { OverlayState } from "../../../../runtime/framework/state.ts";
import { Retirements } from "../../../../runtime/modules/recs/storage.ts";
import { MAX_RETIREMENTS_SCANNED, RecProofError, RecProver } from "../../../../node/recs/recProver.ts";

type RetirementsOf = (state: OverlayState, recId: number, rec: { retiredWh: number; createdAt: number }) => { ids: number[]; read: number };

/** A state holding retirements 1..n, retirement i made in block i (one a block) of REC `recOf(i)`, 10 Wh each. */
function stateWith(n: number, recOf: (id: number) => number): OverlayState {
  const state = new OverlayState({ get: () => undefined });
  for (let id = 1; id <= n; id++) Retirements.set(state, id, { recId: recOf(id), owner: new Uint8Array(32), amountWh: 10, beneficiary: "b", message: "", block: id });
  return state;
}

describe("RecProver: listing a REC's retirements", () => {
  const prover = new RecProver({}, { chain: {} as never, finalityProofs: { prove: () => Promise.reject(new Error("unused")) }, signatures: null });
  const retirementsOf = (prover as unknown as { retirementsOf: RetirementsOf }).retirementsOf.bind(prover);

  it("starts from the REC's creation block (binary search), not from retirement 1", () => {
    // 50,000 retirements of REC 1 made before REC 7 existed (created in block 50,001), then REC 7's two.
    const state = stateWith(50_010, (id) => (id === 50_003 || id === 50_008 ? 7 : 1));
    const { ids, read } = retirementsOf(state, 7, { retiredWh: 20, createdAt: 50_001 });
    assert.deepEqual(ids, [50_003, 50_008]);
    assert.ok(read < 60, `${read} reads`);
  });

  it("refuses to scan past MAX_RETIREMENTS_SCANNED, and never answers a short list", () => {
    const busy = stateWith(MAX_RETIREMENTS_SCANNED + 5, (id) => (id === 1 || id === MAX_RETIREMENTS_SCANNED + 3 ? 7 : 1));
    assert.throws(() => retirementsOf(busy, 7, { retiredWh: 20, createdAt: 1 }), (e: unknown) => e instanceof RecProofError && e.code === "TOO_MANY_RETIREMENTS_SCANNED");
    const short = stateWith(5, (id) => (id === 2 ? 7 : 1));
    assert.throws(() => retirementsOf(short, 7, { retiredWh: 20, createdAt: 1 }), (e: unknown) => e instanceof RecProofError && e.code === "RETIREMENTS_INCOMPLETE");
    assert.deepEqual(retirementsOf(short, 7, { retiredWh: 0, createdAt: 1 }), { ids: [], read: 0 });
  });
});
