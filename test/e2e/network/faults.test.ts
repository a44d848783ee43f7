import assert from "node:assert/strict";
import { ProcessScope } from "../../../harness/process.ts";
import { FaultHarness } from "../../../harness/faults/harness.ts";
import { clockSkew, isolateOne, killEachValidator, partition22, pauseAuthor, rollingRestart, SCENARIOS, type ScenarioResult } from "../../../harness/faults/scenarios.ts";

const SLOT_MS = 1000;
const HARNESS = { slotMs: SLOT_MS, readingIntervalSecs: 2, devices: 4 };
/** The fault lengths the benchmark uses too. */
function faultSlots(name: string): { faultSlots: number } {
  return { faultSlots: SCENARIOS.find((s) => s.name === name)?.faultSlots as number };
}

/** What every scenario must keep: no crash, one chain, one finalized chain, nothing applied or credited twice. */
function assertInvariants(r: ScenarioResult): void {
  assert.deepEqual(r.crashes, [], "no node crashed");
  const a = r.audit;
  assert.deepEqual(a.hashMismatches, [], "the same hash at every height on every node");
  assert.deepEqual(a.conflictingFinalized, [], "no conflicting finalized blocks");
  assert.deepEqual(a.finalizedDecreases, [], "no node's finalized height went down");
  assert.deepEqual(a.doubleAppliedTxs, [], "no transaction applied twice");
  assert.deepEqual(a.nonceViolations, [], "each sender's nonces 0, 1, 2… on the chain, matching its account");
  assert.deepEqual(a.doubleCreditedReadings, [], "no reading credited twice");
  assert.deepEqual(a.creditMismatches, [], "pog storage holds exactly the readings the blocks credited");
  assert.ok(a.transfersIncluded > 0 && a.readingsCredited > 0, `the load went through (${a.transfersIncluded} transfers, ${a.readingsCredited} readings)`);
}

/** The cut held: no block authored after it crossed it, no peer across it. */
function assertCutHeld(r: ScenarioResult): void {
  assert.equal(r.observed.crossCutBlocks, 0, `no block authored after the cut reached the other side: ${r.details.join("; ")}`);
  assert.equal(r.observed.peersAcrossCut, 0, "no peer across the cut");
}

describe("e2e: faults on 4 validators — a 2/2 partition, then the heal", function () {
  this.timeout(120_000);
  const scope = new ProcessScope();
  let h: FaultHarness;
  before(async () => {
    h = await FaultHarness.start(scope, HARNESS);
  });
  after(async () => {
    await h?.stop();
    await scope.dispose();
  });

  it("stops finality on both sides, lets no block across the cut, and converges on one chain after the heal", async () => {
    const r = await partition22(h, { faultSlots: 4 });
    assertCutHeld(r);
    assert.equal(r.observed.side0FinalityAdvanceAfterSettle, 0, "2 of 4 cannot finalize: Alice and Bob's finalized heads stay");
    assert.equal(r.observed.side1FinalityAdvanceAfterSettle, 0, "nor Charlie and Dave's");
    assert.ok(r.blocksDuringFault >= 4, `both sides keep authoring (${r.blocksDuringFault} blocks)`);
    assertInvariants(r);
    // Readings go to one node per tick and reach the others (and so every author) by gossip. New
    // readings may keep landing on the same two nodes (the targets rotate, the intervals too), so
    // at least the other two must have taken some from gossip.
    const gossiped = await Promise.all([0, 1, 2, 3].map(async (i) => readingsReceivedByGossip(await (await fetch(h.net.node(i).metricsUrl)).text())));
    assert.ok(gossiped.filter((n) => n > 0).length >= 2, `readings accepted from gossip on at least 2 nodes: ${gossiped.join(", ")}`);
  });
});

function readingsReceivedByGossip(metrics: string): number {
  const line = metrics.split("\n").find((l) => l.startsWith('arkreen_p2p_gossip_received_total{kind="readings",result="accept"}'));
  return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(" ") + 1));
}

describe("e2e: fault scenarios on 4 validators under load @slow", function () {
  this.timeout(300_000);
  const scope = new ProcessScope();
  let h: FaultHarness;
  before(async () => {
    h = await FaultHarness.start(scope, HARNESS);
  });
  after(async () => {
    await h?.stop();
    await scope.dispose();
  });

  it("kill -9 and restart each validator in turn: the three others keep finalizing", async () => {
    const r = await killEachValidator(h, faultSlots("kill-restart-each"));
    assert.ok(r.observed.othersFinalityAdvance >= 1, `finality went on without the killed one: ${r.details.join("; ")}`);
    assertInvariants(r);
  });

  it("SIGSTOP the current author for a few slots: its slots stay empty, the others keep finalizing", async () => {
    const r = await pauseAuthor(h, faultSlots("pause-author"));
    assert.ok(r.observed.pausedOwnSlots >= 1, "the pause covered at least one of its slots");
    assert.equal(r.observed.pausedOwnSlotsFilled, 0, `no block in the paused author's slots: ${r.details.join("; ")}`);
    assert.ok(r.observed.othersFinalityAdvance >= 1, `finality went on without it (${r.observed.othersFinalityAdvance})`);
    assertInvariants(r);
  });

  it("2/2 partition then heal: finality stops, no conflicting finalization, one chain after", async () => {
    const r = await partition22(h, faultSlots("partition-2-2"));
    assertCutHeld(r);
    assert.equal(r.observed.side0FinalityAdvanceAfterSettle, 0);
    assert.equal(r.observed.side1FinalityAdvanceAfterSettle, 0);
    assertInvariants(r);
  });

  it("one node isolated then rejoined: the three others keep finalizing, it does not, then it follows their chain", async () => {
    const r = await isolateOne(h, faultSlots("isolate-one"));
    assertCutHeld(r);
    assert.ok(r.observed.side0FinalityAdvance >= 1, `3 of 4 finalize (${r.observed.side0FinalityAdvance})`);
    assert.equal(r.observed.side1FinalityAdvanceAfterSettle, 0, "1 of 4 cannot");
    assertInvariants(r);
  });

  it("clock skew of ±1.5 slots on one node: the others keep finalizing, nothing breaks", async () => {
    const r = await clockSkew(h, faultSlots("clock-skew"));
    assert.ok(r.observed.aheadOthersFinalityAdvance >= 1, `with a clock ahead (${r.observed.aheadOthersFinalityAdvance})`);
    assert.ok(r.observed.behindOthersFinalityAdvance >= 1, `with a clock behind (${r.observed.behindOthersFinalityAdvance})`);
    assertInvariants(r);
  });

  it("rolling restarts (SIGTERM, restart, one after another)", async () => {
    const r = await rollingRestart(h, faultSlots("rolling-restart"));
    assertInvariants(r);
  });
});
