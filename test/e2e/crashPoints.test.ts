import assert from "node:assert/strict";
import { CRASH_POINTS, parseCrashTarget, type CrashPointName } from "../../node/crashPoints.ts";
import { ProcessScope } from "../../harness/process.ts";
import { heads } from "../../harness/devChain.ts";
import { describeRun, runUntilCrash, type CrashRun } from "./network/crashHarness.ts";
import { allHeads, blockHash, gaugeValue, hashDifferences, startLocalNet, waitFinalized, waitForCommonChain, type LocalNet } from "../../harness/localNet.ts";

const SLOT_MS = 1000;
/** SIGTERM to exit, as in resilience.test.ts. */
const STOP_MS = 5000;
/** The validator crashed and restarted: Dave. */
const VICTIM = 3;
/**
 * From the armed start to the crash: a start (~1 s), catching up, then the nth occurrence.
 * Every point but the authoring ones is reached a few times a slot; Dave authors one slot in four.
 */
const CRASH_WITHIN_MS = 20 * SLOT_MS;

interface CrashCase {
  point: CrashPointName;
  /** Which occurrence kills: past the first few, the node has caught up and runs as usual. */
  nth: number;
}

/** Authoring points are reached once every four slots; the others several times a slot. */
const caseOf = (point: CrashPointName): CrashCase => ({ point, nth: point.startsWith("authoring.") ? 1 : 3 });

/** The default suite's short form: a block import and a vote, each torn at its riskiest step. */
const SHORT_CASES: CrashCase[] = [caseOf("import.after-batch"), caseOf("vote.after-persist-before-broadcast")];

/**
 * Stops the victim, restarts it armed with the crash point, waits for it to kill itself there,
 * restarts it normally and checks: it kept what it had (best and finalized, same finalized hash),
 * it rejoins and agrees with every peer on every height, finality goes on, and nobody reports a
 * finality equivocation (a second, different vote for a (set, round, stage) it voted in).
 */
async function crashAndRecover(scope: ProcessScope, net: LocalNet, c: CrashCase, pastOutputs: string[]): Promise<CrashRun> {
  // A case that failed before this one may have left the victim down.
  if (net.nodes[VICTIM].proc.hasExited) await net.start(VICTIM);
  const before = await heads(net.nodes[VICTIM]);
  await net.nodes[VICTIM].stop(STOP_MS);
  pastOutputs.push(net.nodes[VICTIM].proc.output);

  const run = await runUntilCrash(scope, net, VICTIM, c.point, c.nth, CRASH_WITHIN_MS);
  pastOutputs.push(run.output);
  assert.equal(run.status.signal, "SIGKILL", `${describeRun(run)}: the armed node must die by SIGKILL\n${run.output.split("\n").slice(-20).join("\n")}`);
  assert.match(run.output, new RegExp(`crash point ${c.point.replace(/\./g, "\\.")} reached \\(occurrence ${c.nth}\\)`), `${describeRun(run)}: it died at that point`);
  const seen = run.lastSeen !== null && run.lastSeen.finalized.number >= before.finalized.number ? run.lastSeen : before;

  const node = await net.start(VICTIM);
  const startup = await node.proc.waitForOutput(/Best block: #(\d+) \(\S+\), finalized #(\d+)/, 5000);
  const [startBest, startFinalized] = [Number(startup[1]), Number(startup[2])];
  assert.ok(startFinalized >= seen.finalized.number, `${describeRun(run)}: finalized #${seen.finalized.number} before the crash, #${startFinalized} after`);
  assert.ok(startBest >= seen.best.number, `${describeRun(run)}: best #${seen.best.number} before the crash, #${startBest} after`);
  assert.equal(await blockHash(node, seen.finalized.number), seen.finalized.hash, `${describeRun(run)}: the block finalized before the crash was replaced`);

  const others = net.nodes.filter((_, i) => i !== VICTIM);
  const target = Math.max(...(await allHeads(others)).map((h) => h.finalized.number));
  await waitFinalized([node], target, 30 * SLOT_MS, `${c.point}: the restarted validator to reach the others' finalized #${target}`);
  await waitFinalized(net.nodes, target + 2, 15 * SLOT_MS, `${c.point}: finality to go on with all four`);
  await waitForCommonChain(net.nodes, target + 2, 10 * SLOT_MS);
  const finalized = Math.min(...(await allHeads(net.nodes)).map((h) => h.finalized.number));
  assert.deepEqual(await hashDifferences(net.nodes, 1, finalized), [], `${c.point}: one finalized chain on every node`);
  return run;
}

/** No node (nor an earlier run of the victim) logged an equivocation, and the others' gadgets counted none. */
async function assertNoEquivocation(net: LocalNet, pastOutputs: string[]): Promise<void> {
  for (const [i, node] of net.nodes.entries()) assert.doesNotMatch(node.proc.output, /equivocat/i, `${net.plan.nodes[i].name} saw an equivocation`);
  for (const output of pastOutputs) assert.doesNotMatch(output, /equivocat/i, "an earlier run of the crashed validator saw an equivocation");
  for (const [i, node] of net.nodes.entries()) {
    if (i !== VICTIM) assert.equal(await gaugeValue(node.metricsUrl, "arkreen_finality_equivocations_total"), 0, `${net.plan.nodes[i].name} counted equivocations`);
  }
}

describe("crash points: ARKREEN_CRASH_AT", () => {
  it("names a crash point and an occurrence (default the first); unset is no crash point", () => {
    assert.equal(parseCrashTarget(undefined), null);
    assert.equal(parseCrashTarget(""), null);
    assert.deepEqual(parseCrashTarget("import.after-batch"), { name: "import.after-batch", nth: 1 });
    assert.deepEqual(parseCrashTarget("vote.after-broadcast:4"), { name: "vote.after-broadcast", nth: 4 });
    assert.equal(new Set(CRASH_POINTS).size, CRASH_POINTS.length);
  });

  it("refuses an unknown point or a bad occurrence, listing the points", () => {
    assert.throws(() => parseCrashTarget("import.after-bach"), /crash points: authoring\.after-seal-before-import, /);
    assert.throws(() => parseCrashTarget("import.after-batch:0"), /occurrence must be 1 or more/);
    assert.throws(() => parseCrashTarget("import.after-batch:x"), /expected <crash point>\[:<nth>\]/);
  });
});

describe("e2e: a validator of 4 killed at a crash point rejoins with every finalized block (import, vote)", function () {
  this.timeout(90_000);
  const scope = new ProcessScope();
  let net: LocalNet;
  before(async () => {
    net = await startLocalNet(scope, { slotMs: SLOT_MS });
    await waitFinalized(net.nodes, 2, 20 * SLOT_MS, "block #2 finalized on every node");
  });
  after(() => scope.dispose());

  it(SHORT_CASES.map((c) => `${c.point}:${c.nth}`).join(", "), async () => {
    const pastOutputs: string[] = [];
    for (const c of SHORT_CASES) await crashAndRecover(scope, net, c, pastOutputs);
    await assertNoEquivocation(net, pastOutputs);
  });
});

describe("e2e: a validator of 4 killed at every crash point in turn @slow", function () {
  this.timeout(CRASH_POINTS.length * 60_000);
  const scope = new ProcessScope();
  let net: LocalNet;
  const pastOutputs: string[] = [];
  before(async () => {
    net = await startLocalNet(scope, { slotMs: SLOT_MS });
    await waitFinalized(net.nodes, 2, 20 * SLOT_MS, "block #2 finalized on every node");
  });
  after(() => scope.dispose());

  for (const point of CRASH_POINTS) {
    const c = caseOf(point);
    it(`${c.point}:${c.nth}: restarts consistent with its peers, no finalized block lost, no equivocation`, async () => {
      await crashAndRecover(scope, net, c, pastOutputs);
      await assertNoEquivocation(net, pastOutputs);
    });
  }
});
