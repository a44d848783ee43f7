/**
 * The fault scenarios, one function each, on a running `FaultHarness`. Each injects its fault in
 * one or more rounds, lets the network recover after each, then audits the whole chain; it
 * returns its measurements, the audit and what it observed while the fault lasted, for the tests
 * to assert on and the benchmark to report.
 */
import { sleep } from "../process.ts";
import { CLOCK_OFFSET_ENV } from "./faultNet.ts";
import { allHeads, type FaultHarness, type FaultRound } from "./harness.ts";
import { violationCounts, type InvariantReport } from "./invariants.ts";
import { call, canonicalHashes, counterValue, headerRef, type BlockRef, type NodeHeads } from "./rpc.ts";

export interface ScenarioResult {
  scenario: string;
  rounds: FaultRound[];
  /** Time under fault, all rounds together. */
  faultMs: number;
  blocksDuringFault: number;
  longestStallMs: number;
  /** The slowest round's recovery. */
  recoveryMs: number;
  crashes: string[];
  audit: InvariantReport;
  /** What the scenario saw while its fault lasted (its own assertions are on these). */
  observed: Record<string, number>;
  /** The events behind a non-zero count in `observed` that must be zero, described. */
  details: string[];
}

export interface ScenarioOpts {
  /** Slots a fault lasts (a node down, paused, cut off…). */
  faultSlots: number;
}

export type Scenario = (h: FaultHarness, opts: ScenarioOpts) => Promise<ScenarioResult>;

const GOSSIP_BLOCKS_IGNORED = 'arkreen_p2p_gossip_received_total{kind="blocks",result="ignore"}';

function finalizedOf(heads: Array<NodeHeads | null>, i: number): number {
  const h = heads[i];
  if (h === null) throw new Error(`node ${i} did not answer`);
  return h.finalized.number;
}

/** The least any of `nodes` advanced its finalized head during the round. */
function finalityAdvance(round: FaultRound, nodes: number[]): number {
  return Math.min(...nodes.map((i) => finalizedOf(round.headsAtEnd, i) - finalizedOf(round.headsAtStart, i)));
}

async function finish(h: FaultHarness, scenario: string, rounds: FaultRound[], observed: Record<string, number>, details: string[] = []): Promise<ScenarioResult> {
  const audit = await h.audit.check();
  h.log(`    audit to #${audit.commonHeight}: ${JSON.stringify(violationCounts(audit))}`);
  return {
    scenario,
    rounds,
    faultMs: rounds.reduce((sum, r) => sum + (r.endedAt - r.startedAt), 0),
    blocksDuringFault: rounds.reduce((sum, r) => sum + r.blocks, 0),
    longestStallMs: Math.max(...rounds.map((r) => r.longestStallMs)),
    recoveryMs: Math.max(...rounds.map((r) => r.recoveredAt - r.endedAt)),
    crashes: [...h.net.crashes],
    audit,
    observed,
    details,
  };
}

function others(h: FaultHarness, index: number): number[] {
  return h.net.net.nodes.flatMap((_, i) => (i === index ? [] : [i]));
}

/** The final chain (node 0's, after recovery) from the lowest best head when `round` started: each block with its author. */
async function chainSince(h: FaultHarness, round: FaultRound): Promise<Array<BlockRef & { author: number }>> {
  const node = h.net.node(0);
  const from = Math.min(...round.headsAtStart.flatMap((x) => (x ? [x.best.number] : [])));
  const out: Array<BlockRef & { author: number }> = [];
  for (const hash of await canonicalHashes(node, from, (await headerRef(node)).number)) {
    const ref = await headerRef(node, hash as string);
    if (ref.slot !== null) out.push({ ...ref, author: await h.net.authorOf(ref.slot, ref.parentHash, 0) });
  }
  return out;
}

function inRound(h: FaultHarness, round: FaultRound, slot: number | null): slot is number {
  return slot !== null && slot * h.slotMs >= round.startedAt && slot * h.slotMs < round.endedAt;
}

/** kill -9 each validator in turn, down for `faultSlots`, then restarted on its database. */
export const killEachValidator: Scenario = async (h, { faultSlots }) => {
  const rounds: FaultRound[] = [];
  for (let i = 0; i < h.net.size; i++) {
    rounds.push(
      await h.round({
        label: `kill -9 ${h.net.name(i)}`,
        inject: () => h.net.kill(i),
        durationMs: faultSlots * h.slotMs,
        lift: () => h.restart(i),
        healthy: others(h, i),
      }),
    );
  }
  return finish(
    h,
    "kill-restart-each",
    rounds,
    { othersFinalityAdvance: Math.min(...rounds.map((r, i) => finalityAdvance(r, others(h, i)))) },
    rounds.map((r) => `${r.label}: ${h.describe(r.headsAtStart)} → ${h.describe(r.headsAtEnd)}`),
  );
};

/** SIGSTOP the author of the current slot for `faultSlots` slots, then SIGCONT. */
export const pauseAuthor: Scenario = async (h, { faultSlots }) => {
  const best = await headerRef(h.net.node(0));
  const slot = Math.floor(Date.now() / h.slotMs);
  const paused = await h.net.authorOf(slot, best.hash, 0);
  const round = await h.round({
    label: `SIGSTOP ${h.net.name(paused)} (author of slot ${slot})`,
    inject: async () => h.net.pause(paused),
    durationMs: faultSlots * h.slotMs,
    lift: async () => h.net.resume(paused),
    healthy: others(h, paused),
  });
  // Its slots while it was stopped (the author of slot s is decided by the state of the block
  // before s on the final chain): none may hold a block, on the final chain or seen anywhere.
  const chain = await chainSince(h, round);
  const ownSlots = new Set<number>();
  for (let s = Math.ceil(round.startedAt / h.slotMs); s < Math.floor(round.endedAt / h.slotMs); s++) {
    const parent = chain.filter((b) => (b.slot as number) < s).at(-1);
    if (parent !== undefined && (await h.net.authorOf(s, parent.hash, 0)) === paused) ownSlots.add(s);
  }
  const filled: string[] = [];
  for (const i of others(h, paused)) {
    for (const e of h.monitor.best[i]) {
      if (inRound(h, round, e.slot) && (await h.net.authorOf(e.slot, e.parentHash, i)) === paused) filled.push(`${h.net.name(i)} saw #${e.number} ${e.hash} of slot ${e.slot}`);
    }
  }
  return finish(
    h,
    "pause-author",
    [round],
    {
      othersFinalityAdvance: finalityAdvance(round, others(h, paused)),
      pausedOwnSlots: ownSlots.size,
      pausedOwnSlotsFilled: filled.length,
    },
    [`paused at ${round.startedAt}, resumed at ${round.endedAt}, its slots ${[...ownSlots].join(",")}`, ...filled],
  );
};

/**
 * Cuts the network into `groups` (each group's nodes refuse everyone outside it) for
 * `faultSlots` after a settling time of 3 slots. Observed: each side's least finality advance
 * over the whole cut and after the settling time (a round past its prevotes may still complete
 * with the votes in flight), handshaked peers across the cut, and blocks that crossed it: a
 * block seen as best on one side, authored after the cut on the other.
 */
async function cut(h: FaultHarness, scenario: string, groups: number[][], faultSlots: number): Promise<ScenarioResult> {
  const settleMs = 3 * h.slotMs;
  const sideOf = (i: number): number => groups.findIndex((g) => g.includes(i));
  let cutAt = 0;
  let settled: Array<NodeHeads | null> = [];
  let peersAcrossCut = 0;
  const crossed: string[] = [];
  const round = await h.round({
    label: `partition ${groups.map((g) => g.map((i) => h.net.name(i)).join("+")).join(" | ")}`,
    inject: async () => {
      await h.net.partition(groups);
      cutAt = Date.now();
    },
    during: async () => {
      await sleep(settleMs);
      settled = await allHeads(h.net);
      for (const [i, node] of h.net.net.nodes.entries()) {
        const peers = await call<Array<{ peerId: string }>>(node, "system_peers");
        peersAcrossCut += peers.filter((p) => sideOf(h.net.net.plan.nodes.findIndex((n) => n.peerId === p.peerId)) !== sideOf(i)).length;
      }
    },
    durationMs: settleMs + faultSlots * h.slotMs,
    beforeLift: async () => {
      const until = Date.now();
      for (const [i, events] of h.monitor.best.entries()) {
        for (const e of events) {
          if (e.at <= cutAt || e.at > until || e.slot === null || e.slot * h.slotMs < cutAt) continue;
          const author = await h.net.authorOf(e.slot, e.parentHash, i);
          if (sideOf(author) !== sideOf(i)) {
            crossed.push(`${h.net.name(i)} saw #${e.number} ${e.hash} by ${h.net.name(author)} (slot +${e.slot * h.slotMs - cutAt} ms after the cut) at +${e.at - cutAt} ms`);
          }
        }
      }
    },
    lift: () => h.net.heal(),
    // A node cut off alone sees only its own slots; the stall of the network is what the others see.
    healthy: groups.filter((g) => g.length > 1).flat(),
  });
  const observed: Record<string, number> = { crossCutBlocks: crossed.length, peersAcrossCut };
  groups.forEach((g, k) => {
    observed[`side${k}FinalityAdvance`] = finalityAdvance(round, g);
    observed[`side${k}FinalityAdvanceAfterSettle`] = Math.min(...g.map((i) => finalizedOf(round.headsAtEnd, i) - finalizedOf(settled, i)));
  });
  return finish(h, scenario, [round], observed, crossed);
}

/** {Alice, Bob} | {Charlie, Dave}: neither side holds more than 2/3, so finality stops until the heal. */
export const partition22: Scenario = (h, { faultSlots }) =>
  cut(
    h,
    "partition-2-2",
    [
      [0, 1],
      [2, 3],
    ],
    faultSlots,
  );

/** Dave alone: the other three keep finalizing; Dave authors a fork of its own and drops it on rejoining. */
export const isolateOne: Scenario = (h, { faultSlots }) =>
  cut(
    h,
    "isolate-one",
    [
      [0, 1, 2],
      [3],
    ],
    faultSlots,
  );

/**
 * Restarts Dave with its clock 1.5 slots ahead, then 1.5 slots behind (`ARKREEN_CLOCK_OFFSET_MS`),
 * each for `faultSlots`, then with a true clock. Observed per offset: Dave's blocks that made the
 * final chain in that window, blocks the others' gossip validation ignored (future blocks are
 * ignored, not punished), and the others' finality advance.
 */
export const clockSkew: Scenario = async (h, { faultSlots }) => {
  const skewed = 3;
  const rounds: FaultRound[] = [];
  const observed: Record<string, number> = {};
  for (const [label, offsetMs] of [
    ["ahead", Math.round(1.5 * h.slotMs)],
    ["behind", -Math.round(1.5 * h.slotMs)],
  ] as const) {
    const ignoredBefore = await Promise.all(others(h, skewed).map((i) => counterValue(h.net.node(i).metricsUrl, GOSSIP_BLOCKS_IGNORED)));
    let ignoredDuring = 0;
    const round = await h.round({
      label: `${h.net.name(skewed)}'s clock ${offsetMs > 0 ? "+" : ""}${offsetMs} ms`,
      inject: async () => {
        await h.net.stop(skewed);
        await h.restart(skewed, { [CLOCK_OFFSET_ENV]: String(offsetMs) });
      },
      during: async () => {
        await sleep(faultSlots * h.slotMs);
        const after = await Promise.all(others(h, skewed).map((i) => counterValue(h.net.node(i).metricsUrl, GOSSIP_BLOCKS_IGNORED)));
        ignoredDuring = after.reduce((sum, v, k) => sum + v - ignoredBefore[k], 0);
      },
      durationMs: 0,
      lift: async () => {
        await h.net.stop(skewed);
        await h.restart(skewed);
      },
      healthy: others(h, skewed),
    });
    rounds.push(round);
    observed[`${label}SkewedBlocksAdopted`] = (await chainSince(h, round)).filter((b) => inRound(h, round, b.slot) && b.author === skewed).length;
    observed[`${label}OthersIgnoredBlocks`] = ignoredDuring;
    observed[`${label}OthersFinalityAdvance`] = finalityAdvance(round, others(h, skewed));
  }
  return finish(h, "clock-skew", rounds, observed);
};

/** Each validator in turn stopped with SIGTERM and started again at once, the network recovering in between. */
export const rollingRestart: Scenario = async (h) => {
  const rounds: FaultRound[] = [];
  for (let i = 0; i < h.net.size; i++) {
    rounds.push(
      await h.round({
        label: `restart ${h.net.name(i)} (SIGTERM)`,
        inject: async () => {
          await h.net.stop(i);
          await h.restart(i);
        },
        durationMs: 0,
        lift: async () => {},
        healthy: others(h, i),
      }),
    );
  }
  return finish(h, "rolling-restart", rounds, {});
};

/**
 * Every scenario with the length of its fault in slots: long enough for the fault to show (a
 * paused author misses a slot of its own even when a session change reorders the authorities
 * meanwhile, which 8 slots guarantee; a cut lasts two rotations; with one voter gone a
 * finality round waits out its 2-slot stage timeouts, and the round the kill interrupts may
 * finalize nothing, so 8 slots down leave the three others at least one finalization), short
 * enough for the whole list to run in a few minutes.
 */
export const SCENARIOS: Array<{ name: string; run: Scenario; faultSlots: number }> = [
  { name: "kill-restart-each", run: killEachValidator, faultSlots: 8 },
  { name: "pause-author", run: pauseAuthor, faultSlots: 8 },
  { name: "partition-2-2", run: partition22, faultSlots: 8 },
  { name: "isolate-one", run: isolateOne, faultSlots: 6 },
  { name: "clock-skew", run: clockSkew, faultSlots: 8 },
  { name: "rolling-restart", run: rollingRestart, faultSlots: 0 },
];
