/**
 * `faults`: the fault scenarios of test/e2e/network/faults/ on one 4-validator loopback testnet
 * under transfer and reading load — kill -9 and restart each validator, SIGSTOP the author, a 2/2
 * partition then heal, one node isolated, a clock skewed ±1.5 slots, rolling restarts — one
 * after another. Per scenario: blocks produced while the fault lasted, the longest stall a
 * healthy node saw, the time to recover after it was lifted, and the counts that must be zero
 * (conflicting finalized blocks, transactions applied twice, readings credited twice, crashes,
 * and the other invariants of the audit).
 *
 * The baseline is a no-fault window measured first, in the same run: its blocks are scaled to
 * each scenario's fault time ("a no-fault window of the same length"), its longest stall is the
 * healthy network's.
 */
import { ProcessScope } from "../../harness/process.ts";
import { FaultHarness } from "../../harness/faults/harness.ts";
import { violationCounts } from "../../harness/faults/invariants.ts";
import { SCENARIOS } from "../../harness/faults/scenarios.ts";
import type { BenchRow, Scenario } from "../harness.ts";

/**
 * 1 s: four node processes, their BLS votes, the load and restarts share a 2-core machine;
 * shorter slots make authoring and vote rounds overlap there (see the `network` scenario), and a
 * restart (~2 s of node start-up) already spans two slots.
 */
const SLOT_MS = Number(process.env.ARKREEN_BENCH_FAULTS_SLOT_MS ?? 1000);
/** The no-fault window: long enough to average over five rotations of the four authors. */
const BASELINE_SLOTS = 20;

function round1(x: number): number {
  return Number(x.toFixed(2));
}

export const scenario: Scenario = {
  description: "fault scenarios on 4 validators under load: blocks during each fault, longest stall, recovery time, and the counts that must be zero",

  async run(ctx) {
    const scope = new ProcessScope();
    let h: FaultHarness | undefined;
    try {
      h = await FaultHarness.start(scope, { slotMs: SLOT_MS, readingIntervalSecs: 2, devices: 4, log: ctx.log });
      ctx.log(`baseline: ${BASELINE_SLOTS} slots without faults…`);
      const baseline = await h.baseline(BASELINE_SLOTS * SLOT_MS);
      const rows: BenchRow[] = [
        {
          name: "baseline",
          opsPerSec: round1((baseline.blocks / baseline.windowMs) * 1000),
          perOpUs: Math.round((baseline.windowMs * 1000) / Math.max(baseline.blocks, 1)),
          n: baseline.blocks,
          windowMs: baseline.windowMs,
          longestStallMs: baseline.longestStallMs,
          slotMs: SLOT_MS,
        },
      ];
      const notes: string[] = [];
      for (const { name, run, faultSlots } of SCENARIOS) {
        ctx.log(`${name}:`);
        const r = await run(h, { faultSlots });
        const violations = violationCounts(r.audit);
        const baselineBlocks = round1((baseline.blocks * r.faultMs) / baseline.windowMs);
        rows.push({
          name,
          opsPerSec: round1((r.blocksDuringFault / r.faultMs) * 1000),
          perOpUs: Math.round((r.faultMs * 1000) / Math.max(r.blocksDuringFault, 1)),
          n: r.blocksDuringFault,
          faultMs: r.faultMs,
          blocksDuringFault: r.blocksDuringFault,
          baselineBlocks,
          blocksRatio: round1(r.blocksDuringFault / baselineBlocks),
          longestStallMs: r.longestStallMs,
          baselineStallMs: baseline.longestStallMs,
          stallRatio: round1(r.longestStallMs / baseline.longestStallMs),
          recoveryMs: r.recoveryMs,
          conflictingFinalized: violations.conflictingFinalized,
          doubleAppliedTxs: violations.doubleAppliedTxs,
          doubleCreditedReadings: violations.doubleCreditedReadings,
          crashes: r.crashes.length,
          finalizedDecreases: violations.finalizedDecreases,
          hashMismatches: violations.hashMismatches,
          nonceViolations: violations.nonceViolations,
          creditMismatches: violations.creditMismatches,
          rounds: r.rounds.map((x) => ({ label: x.label, faultMs: x.endedAt - x.startedAt, blocks: x.blocks, longestStallMs: x.longestStallMs, recoveryMs: x.recoveredAt - x.endedAt })),
          observed: r.observed,
          chainHeight: r.audit.commonHeight,
          transfersIncluded: r.audit.transfersIncluded,
          readingsCredited: r.audit.readingsCredited,
        });
        const bad = Object.entries({ ...violations, crashes: r.crashes.length, crossCutBlocks: r.observed.crossCutBlocks ?? 0, pausedOwnSlotsFilled: r.observed.pausedOwnSlotsFilled ?? 0 }).filter(([, v]) => v > 0);
        if (bad.length > 0) notes.push(`${name}: VIOLATIONS ${bad.map(([k, v]) => `${k}=${v}`).join(" ")} — ${[...r.crashes, ...Object.values(r.audit).flatMap((v) => (Array.isArray(v) ? v : [])), ...r.details].slice(0, 8).join("; ")}`);
      }
      const audit = rows.at(-1) as BenchRow;
      notes.unshift(
        `Slot ${SLOT_MS} ms; load: ${h.transfers.submitted.size} distinct transfers sent (${audit.transfersIncluded} on the final chain), ` +
          `readings of ${h.readings.devices.length} devices every ${h.net.readingIntervalSecs} s (${audit.readingsCredited} credited), chain at #${audit.chainHeight}.`,
        `Baseline: ${baseline.blocks} blocks in ${(baseline.windowMs / 1000).toFixed(1)} s without faults, longest gap ${baseline.longestStallMs} ms; ` +
          `baselineBlocks scales it to each scenario's fault time.`,
      );
      if (notes.every((n) => !n.includes("VIOLATIONS"))) notes.push("Every count that must be zero is zero in every scenario.");
      return { rows, notes };
    } finally {
      await h?.stop();
      await scope.dispose();
    }
  },
};
