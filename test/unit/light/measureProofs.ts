/**
 * Finality proof size and verify time against the number of set changes (docs/proofs.md,
 * "Figures"): `npx node test/unit/light/measureProofs.ts`. A measurement, not a test (mocha runs
 * only *.test.ts); the REC proof bundle benchmark will take over in benchmarks/.
 */
import { chainWithSetChanges, checkpointOf, type TestSet } from "./chainFixture.ts";
import { verifyFinalityProof } from "../../../light/index.ts";

// Sets of 4 equal-weight validators (the local testnet's shape), each change moving one seat.
function sets(n: number): TestSet[] {
  return Array.from({ length: n + 1 }, (_, k) => ({ setId: k, members: [k, k + 1, k + 2, k + 3].map((validator) => ({ validator, weight: 1n })) }));
}
for (const changes of [0, 10, 100]) {
  const s = sets(changes);
  const { proof } = chainWithSetChanges(s);
  const cp = checkpointOf(s[0]);
  verifyFinalityProof(cp, proof); // warm-up
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    verifyFinalityProof(cp, proof);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  console.log(`${changes} set changes: ${proof.length} bytes, verify median ${times[2].toFixed(1)} ms (min ${times[0].toFixed(1)}, max ${times[4].toFixed(1)})`);
}
