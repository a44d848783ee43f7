import assert from "node:assert/strict";
import { bigintToBytes, toHex } from "../../../../primitives/bytes.ts";
import { devKeypair, type DevAccountName } from "../../../../primitives/keys/devAccounts.ts";
import { signExtrinsic } from "../../../../runtime/extrinsic.ts";
import { transferArgs } from "../../../../runtime/modules/balances/types.ts";
import { readingCodec } from "../../../../runtime/modules/pog/types.ts";
import { creditMismatches, finalizedConflicts, readingCredits, transactionViolations, type BlockContent } from "../../../../harness/faults/invariants.ts";
import { HeadMonitor } from "../../../../harness/faults/monitor.ts";

const GENESIS = new Uint8Array(32).fill(7);

function transfer(from: DevAccountName, nonce: number): string {
  const call = { module: "balances", method: "transfer", args: transferArgs.encode({ dest: devKeypair("Bob").publicKey, value: bigintToBytes(1n) }) };
  return toHex(signExtrinsic(GENESIS, devKeypair(from).secretSeed, call, { nonce }));
}

function reading(deviceId: number, interval: number): string {
  return toHex(readingCodec.encode({ deviceId, interval, cumulativeWh: interval, energyWh: 1, peakW: 10 }));
}

function block(number: number, extrinsics: string[], readings: string[] = []): BlockContent {
  return { number, extrinsics, readings };
}

// The audit's checks on synthetic chains: each must find the violation it exists for.
describe("fault scenarios: the invariant checks", () => {
  it("transactions: a repeated extrinsic, a nonce gap or repeat, and a clean chain", () => {
    const clean = transactionViolations([block(1, [transfer("Eve", 0), transfer("Ferdie", 0)]), block(2, [transfer("Eve", 1)])]);
    assert.deepEqual([clean.doubleApplied, clean.nonceViolations], [[], []]);
    assert.equal(clean.counts.get(toHex(devKeypair("Eve").publicKey)), 2);

    const twice = transactionViolations([block(1, [transfer("Eve", 0)]), block(2, [transfer("Eve", 0)])]);
    assert.equal(twice.doubleApplied.length, 1);
    assert.match(twice.doubleApplied[0], /in #1 and #2/);
    assert.equal(twice.nonceViolations.length, 1, "the repeat is also a nonce out of sequence");

    const gap = transactionViolations([block(1, [transfer("Eve", 0), transfer("Eve", 2)])]);
    assert.deepEqual(gap.doubleApplied, []);
    assert.equal(gap.nonceViolations.length, 1);
  });

  it("readings: a second credit is found, a refused repeat is not one", () => {
    const { credited, doubleCredited } = readingCredits([
      { ...block(1, [], [reading(1, 5), reading(2, 5)]), refused: [] },
      // The runtime refused the repeat (Duplicate): not a second credit.
      { ...block(2, [], [reading(1, 5), reading(1, 6)]), refused: [{ deviceId: 1, interval: 5 }] },
      { ...block(3, [], [reading(2, 5)]), refused: [] },
    ]);
    assert.deepEqual(doubleCredited, ["device 2 interval 5 credited in #1 and #3"]);
    assert.equal(credited.get("1:5"), 1);
    assert.equal(credited.get("1:6"), 2);
  });

  it("readings against pog storage: a wrong block and a credit missing from storage", () => {
    const credited = new Map([
      ["1:5", 1],
      ["1:6", 2],
      ["2:5", 1],
    ]);
    assert.deepEqual(
      creditMismatches(1, credited, [
        { interval: 5, block: 1 },
        { interval: 6, block: 2 },
      ]),
      [],
    );
    assert.deepEqual(creditMismatches(1, credited, [{ interval: 5, block: 3 }]), ["device 1 interval 5: storage says #3, blocks say #1", "device 1 interval 6: credited in #2, not in storage"]);
    assert.deepEqual(creditMismatches(1, credited, [{ interval: 7, block: 4 }]).length, 3);
    // A credit whose page may have expired (older than the claim window) may be missing, never different.
    const expiredBefore6 = (interval: number) => interval < 6;
    assert.deepEqual(creditMismatches(1, credited, [{ interval: 6, block: 2 }], expiredBefore6), []);
    assert.deepEqual(creditMismatches(1, credited, [], expiredBefore6), ["device 1 interval 6: credited in #2, not in storage"]);
    assert.deepEqual(creditMismatches(1, credited, [{ interval: 5, block: 3 }, { interval: 6, block: 2 }], expiredBefore6), ["device 1 interval 5: storage says #3, blocks say #1"]);
  });

  it("finalized heads: two hashes at one height, or one off the final chain", () => {
    const canonical = ["g", "a1", "a2", "a3"];
    assert.deepEqual(finalizedConflicts(new Map([[2, new Set(["a2"])]]), canonical), []);
    assert.deepEqual(finalizedConflicts(new Map([[2, new Set(["a2", "b2"])]]), canonical), ["#2 finalized as a2 and b2"]);
    assert.deepEqual(finalizedConflicts(new Map([[3, new Set(["b3"])]]), canonical), ["#3 finalized as b3, canonical is a3"]);
  });

  it("finalized heights: a node whose finalized head goes down, across a restart too", () => {
    const monitor = new HeadMonitor(2);
    const head = (number: number, at: number) => ({ number, hash: `h${number}`, parentHash: `h${number - 1}`, slot: number, at });
    monitor.finalized[0].push(head(3, 1), head(5, 2), head(5, 3), head(6, 4));
    monitor.finalized[1].push(head(4, 1), head(6, 2), head(5, 3));
    assert.deepEqual(monitor.finalizedDecreases(), ["node 1: finalized #5 after #6"]);
    assert.deepEqual([...monitor.finalizedByNumber().keys()].sort(), [3, 4, 5, 6]);
  });
});
