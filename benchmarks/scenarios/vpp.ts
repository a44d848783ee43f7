/**
 * `npm run bench -- vpp`: the flex module's settlement (docs/vpp.md), executed by the runtime
 * in process over a state built directly: N devices enrolled in one program, each with its
 * baseline profile holding the 22 days before the event (what the fold hook keeps, written
 * straight into `flex.BaselineProfiles`), the event's day credited to pog's pages with pog's own
 * crediting function (as blocks would have), and one whole-fleet REDUCE_EXPORT event of two
 * hourly intervals that has just become due. Blocks are executed as the node does (initialize →
 * finalize → commit to the trie) until the event is settled; each settles
 * `maxSettlementsPerBlock` devices. Then the clock moves past the event's day's acceptance window
 * and blocks run until every device's profile has folded that day: the baseline's maintenance.
 *
 * Reported: block execution per settled device (the settlement blocks' initialize + finalize,
 * less an empty block's), wall and CPU; the commit of their writes to the trie per device; the
 * blocks the event needed; and block execution per folded device-day (the profile maintenance,
 * also block execution, never on the readings' path). Target: ≤ 100 µs of block execution per
 * settled device.
 *
 * `buildVppState(devices, "pages")` builds the same state the long way — every day's readings
 * credited to pages and folded into profiles by the fold itself (profile.ts, `foldUnit`) — which
 * test/unit/runtime/modules/flex/vppBenchState.test.ts compares with the direct build entry by
 * entry. `VPP_DEVICES=10000,100000` sets the fleets (default both).
 */
import { performance } from "node:perf_hooks";
import { devChainSpec } from "../../genesis/presets.ts";
import { buildGenesisBlock } from "../../genesis/build.ts";
import { applyStateChanges, headerHash } from "../../node/chain/chain.ts";
import { auraPreDigest } from "../../primitives/digest.ts";
import { devKeypair } from "../../primitives/keys/devAccounts.ts";
import { MemoryNodeStore } from "../../primitives/trie/nodeStore.ts";
import { MerkleTrie } from "../../primitives/trie/trie.ts";
import type { Header } from "../../primitives/codec/index.ts";
import { Executive } from "../../runtime/executive.ts";
import { OverlayState } from "../../runtime/framework/state.ts";
import { Devices } from "../../runtime/modules/devices/storage.ts";
import { DeviceKind, DeviceStatus } from "../../runtime/modules/devices/types.ts";
import { foldUnit, profileKeepDays } from "../../runtime/modules/flex/profile.ts";
import { PROFILE_CHUNK_INTERVALS, type ProfileDay } from "../../runtime/modules/flex/profileCodec.ts";
import {
  BaselineProfiles,
  Config as FlexConfig,
  Enrolments,
  Events,
  Members,
  NextEventId,
  NextProgramId,
  OpenEvents,
  ProfiledDevices,
  ProfileFold,
  ProfileIndex,
  ProgramEventDays,
  Programs,
} from "../../runtime/modules/flex/storage.ts";
import { amountBytes, EventPhase, PayloadType, ProgramStatus } from "../../runtime/modules/flex/types.ts";
import { creditReading, dayOf } from "../../runtime/modules/pog/generation.ts";
import { GenerationDays } from "../../runtime/modules/pog/storage.ts";
import { Account } from "../../runtime/modules/system/storage.ts";
import type { BenchRow, Scenario } from "../harness.ts";

const INTERVAL_SECS = 3600;
const PER_DAY = 24;
const WINDOW = 24;
const SLOTS_PER_INTERVAL = BigInt((INTERVAL_SECS * 1000) / 2000);
/** The event: noon of day 30, two intervals. */
const EVENT_DAY = 30;
const START = EVENT_DAY * PER_DAY + 12;
const DURATION = 2;
const OWNERS = ["Alice", "Bob", "Charlie", "Dave", "Eve", "Ferdie"].map((n) => devKeypair(n).publicKey);
const OPERATOR = devKeypair("Alice").publicKey;
const PRICE = 10n ** 16n; // 0.01 AKRE per kWh
const BUDGET = 10n ** 24n;

/** A solar-like day: the energy of each hour, varying a little by device and day. */
const pattern = (deviceId: number, interval: number): number => 1_000 + 37 * (interval % PER_DAY) + ((deviceId * 7 + Math.trunc(interval / PER_DAY)) % 13);
/** What device `d` reports for interval `t`: two in three devices follow the event (600 Wh less). */
const reported = (d: number, t: number): number => pattern(d, t) - (d % 3 !== 2 && t >= START && t < START + DURATION ? 600 : 0);

export interface VppState {
  store: MemoryNodeStore;
  genesisHash: Uint8Array;
  header: Header;
  perBlock: number;
  keepDays: number;
}

/**
 * Genesis, then one batch of writes: devices, program, enrolments, history, the due event.
 * `history` "profile" writes the 22 days before the event straight into the devices' profiles
 * (what `foldUnit` would have made of them) and credits only the event's day to pog's pages;
 * "pages" credits every day and folds them with `foldUnit`, as the chain would have.
 */
export function buildVppState(devices: number, history: "profile" | "pages", log: (l: string) => void = () => {}): VppState {
  const spec = devChainSpec();
  if (!("runtimeGenesis" in spec.genesis)) throw new Error("runtime genesis expected");
  Object.assign(spec.genesis.runtimeGenesis.config.pog as Record<string, unknown>, { readingIntervalSecs: INTERVAL_SECS, acceptanceWindowIntervals: WINDOW });
  const genesis = buildGenesisBlock(spec);
  const store = new MemoryNodeStore();
  store.putNodes(genesis.trieNodes);
  let root = genesis.header.stateRoot;
  const started = performance.now();
  let s = new OverlayState(new MerkleTrie(root, store));
  // Written in batches of 5,000 devices: one overlay of 100,000 devices' writes would hold every value twice (hex key and bytes).
  const flush = (): void => {
    const out = applyStateChanges(new MerkleTrie(root, store), s.changes());
    store.putNodes(out.nodes);
    root = out.root;
    s = new OverlayState(new MerkleTrie(root, store));
  };
  const operator = Account.get(s, OPERATOR);
  if (!operator) throw new Error("the operator has no genesis account");
  Account.set(s, OPERATOR, { ...operator, reserved: operator.reserved + BUDGET });
  Programs.set(s, 0, {
    operator: OPERATOR,
    name: "bench",
    deviceKinds: [DeviceKind.SolarPv],
    region: "",
    pricePerKwh: amountBytes(PRICE),
    budget: amountBytes(BUDGET),
    paid: new Uint8Array(0),
    baselineMethod: 1,
    maxEventIntervals: 4,
    status: ProgramStatus.Active,
    createdAt: 0,
    nextMemberSeq: devices,
    members: devices,
    activeEvents: [0],
  });
  NextProgramId.set(s, 1);
  const keepDays = profileKeepDays(FlexConfig.get(s).baselineLookbackDays);
  const firstDay = EVENT_DAY - keepDays;
  for (let d = 0; d < devices; d++) {
    Devices.set(s, d, { owner: OWNERS[d % OWNERS.length], blsKey: new Uint8Array(48), kind: DeviceKind.SolarPv, capacityW: 5_000, location: "u0yjjd", status: DeviceStatus.Active, registrar: OPERATOR, registeredAt: 0 });
    Enrolments.set(s, d, { programId: 0, committedW: 1_000, seq: d, enrolledAt: 0 });
    Members.set(s, 0, d, { deviceId: d, committedW: 1_000 });
    ProfiledDevices.set(s, d, d);
    ProfileIndex.set(s, d, d);
    let cumulative = 0;
    const credit = (t: number): void => {
      const energyWh = reported(d, t);
      cumulative += energyWh;
      creditReading(s, { deviceId: d, interval: t, cumulativeWh: cumulative, energyWh, peakW: energyWh }, 1, GenerationDays.get(s, d, dayOf(t)));
    };
    if (history === "pages") {
      for (let t = firstDay * PER_DAY; t < EVENT_DAY * PER_DAY; t++) credit(t);
      for (let day = firstDay; day < EVENT_DAY; day++) foldUnit(s, d, day, 0, PER_DAY, keepDays);
    } else {
      const days: ProfileDay[] = [];
      for (let day = firstDay; day < EVENT_DAY; day++) {
        const energyWh = Array.from({ length: PROFILE_CHUNK_INTERVALS }, (_, h) => reported(d, day * PER_DAY + h));
        days.push({ day, present: 2 ** PROFILE_CHUNK_INTERVALS - 1, importChannel: 0, energyWh, importWh: new Array<number>(PROFILE_CHUNK_INTERVALS).fill(0) });
        cumulative += energyWh.reduce((a, b) => a + b, 0);
      }
      BaselineProfiles.set(s, d, 0, days);
    }
    // The event's day, whole: its pages are what the settlement reads of it (not yet folded).
    for (let t = EVENT_DAY * PER_DAY; t < (EVENT_DAY + 1) * PER_DAY; t++) credit(t);
    if (d % 5_000 === 4_999) {
      flush();
      if (d % 20_000 === 19_999) log(`  built ${d + 1} devices`);
    }
  }
  ProfileFold.set(s, { count: devices, unit: EVENT_DAY, cursor: 0 });
  Events.set(s, 0, {
    programId: 0,
    wholeFleet: true,
    deviceIds: [],
    memberCount: devices,
    startInterval: START,
    durationIntervals: DURATION,
    payloadType: PayloadType.ReduceExport,
    intervals: [{ watts: 600 }, { watts: 600 }],
    pricePerKwh: amountBytes(PRICE),
    createdAt: 0,
    phase: EventPhase.Scheduled,
    cursor: 0,
    delivered: devices,
    settledDevices: 0,
    paid: new Uint8Array(0),
  });
  NextEventId.set(s, 1);
  OpenEvents.set(s, { events: [{ eventId: 0, settleAfter: START + DURATION - 1 + WINDOW, delivering: false }] });
  ProgramEventDays.set(s, 0, EVENT_DAY, true);
  const perBlock = FlexConfig.get(s).maxSettlementsPerBlock;
  flush();
  log(`  state for ${devices} devices built in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return { store, genesisHash: genesis.hash, header: { ...genesis.header, stateRoot: root }, perBlock, keepDays };
}

interface Built {
  store: MemoryNodeStore;
  executive: Executive;
  head: { hash: Uint8Array; header: Header; slot: bigint };
  perBlock: number;
}

function build(devices: number, log: (l: string) => void): Built {
  const v = buildVppState(devices, "profile", log);
  return { store: v.store, executive: new Executive(v.genesisHash), head: { hash: v.genesisHash, header: v.header, slot: BigInt(START + DURATION + WINDOW + 1) * SLOTS_PER_INTERVAL }, perBlock: v.perBlock };
}

/**
 * Trie reads (storage keys read through the block's state, found or not) and trie nodes visited,
 * counted over the blocks: unlike times, the same on every machine and under any load.
 */
const counts = { reads: 0, nodes: 0 };

function countNodeVisits(store: MemoryNodeStore): void {
  const getNode = store.getNode.bind(store);
  store.getNode = (hash) => {
    counts.nodes++;
    return getNode(hash);
  };
}

/** Executes one block on the head (in `slot`, by default the next): returns the execution (initialize + finalize) and commit times in ms. */
/**
 * The main thread's CPU time (µs): what executing the block cost this thread, without the time
 * other jobs held the cores (wall time on a shared machine) and without GC helper and compiler
 * threads (process CPU time counts those too, and exceeded wall time on an idle machine).
 */
const threadCpu = (): number => {
  const u = process.threadCpuUsage();
  return u.user + u.system;
};

function block(b: Built, at?: bigint): { execMs: number; commitMs: number; execCpuMs: number; threadCpuMs: number } {
  const trie = new MerkleTrie(b.head.header.stateRoot, b.store);
  const get = trie.get.bind(trie);
  trie.get = (key) => {
    counts.reads++;
    return get(key);
  };
  const slot = at ?? b.head.slot + 1n;
  const digest = [auraPreDigest(slot)];
  const c0 = process.cpuUsage();
  const m0 = threadCpu();
  const t0 = performance.now();
  const ctx = b.executive.initializeBlock(trie, { number: b.head.header.number + 1, parentHash: b.head.hash, digest });
  const changes = b.executive.finalizeBlock(ctx);
  const t1 = performance.now();
  const c1 = process.cpuUsage(c0);
  const m1 = threadCpu() - m0;
  const { root, nodes } = applyStateChanges(trie, changes);
  b.store.putNodes(nodes);
  const t2 = performance.now();
  const header: Header = { parentHash: b.head.hash, number: b.head.header.number + 1, stateRoot: root, extrinsicsRoot: new Uint8Array(32), digest, readingsRoot: new Uint8Array(0) };
  b.head = { hash: headerHash(header), header, slot };
  return { execMs: t1 - t0, commitMs: t2 - t1, execCpuMs: (c1.user + c1.system) / 1000, threadCpuMs: m1 / 1000 };
}

interface Run {
  blocks: number;
  execMs: number;
  execCpuMs: number;
  threadCpuMs: number;
  commitMs: number;
  maxBlockMs: number;
}

/** Blocks until `done` holds of the head's state, the first in slot `first` if given. */
function runUntil(b: Built, done: (state: MerkleTrie) => boolean, first?: bigint): Run {
  const r: Run = { blocks: 0, execMs: 0, execCpuMs: 0, threadCpuMs: 0, commitMs: 0, maxBlockMs: 0 };
  while (!done(new MerkleTrie(b.head.header.stateRoot, b.store))) {
    const t = block(b, r.blocks === 0 ? first : undefined);
    r.execMs += t.execMs;
    r.execCpuMs += t.execCpuMs;
    r.threadCpuMs += t.threadCpuMs;
    r.commitMs += t.commitMs;
    r.maxBlockMs = Math.max(r.maxBlockMs, t.execMs + t.commitMs);
    r.blocks++;
  }
  return r;
}

/** The cheapest of five blocks with nothing due (no open event, no unit to fold): what every block pays without flex work. */
function emptyBlock(b: Built): { ms: number; cpuMs: number; threadMs: number } {
  let ms = Infinity;
  let cpuMs = Infinity;
  let threadMs = Infinity;
  for (let i = 0; i < 5; i++) {
    const e = block(b);
    ms = Math.min(ms, e.execMs);
    cpuMs = Math.min(cpuMs, e.execCpuMs);
    threadMs = Math.min(threadMs, e.threadCpuMs);
  }
  return { ms, cpuMs, threadMs };
}

function settleFleet(devices: number, log: (l: string) => void): BenchRow[] {
  const b = build(devices, log);
  const rssBuilt = process.memoryUsage().rss;
  countNodeVisits(b.store);
  Object.assign(counts, { reads: 0, nodes: 0 });
  const settle = runUntil(b, (state) => Events.get(state, 0)?.phase === EventPhase.Settled);
  const settleReads = counts.reads / devices;
  const settleNodes = counts.nodes / devices;
  // Empty blocks (nothing open) on the same state: the cost every block pays without flex work.
  const empty = emptyBlock(b);
  const flexUs = ((settle.execMs - settle.blocks * empty.ms) * 1000) / devices;
  // CPU time of the main thread's process (user + system) over the same blocks: on a shared machine
  // wall time counts the time other jobs hold the cores; CPU time does not (GC helper threads add to it).
  const flexCpuUs = ((settle.execCpuMs - settle.blocks * empty.cpuMs) * 1000) / devices;
  const flexThreadUs = ((settle.threadCpuMs - settle.blocks * empty.threadMs) * 1000) / devices;
  const program = Programs.get(new MerkleTrie(b.head.header.stateRoot, b.store), 0);
  const paid = program?.paid.length ? BigInt("0x" + Buffer.from(program.paid).toString("hex")) : 0n;
  log(`  ${devices} devices: ${settle.blocks} blocks, ${flexUs.toFixed(1)} µs/device executing (CPU: ${flexThreadUs.toFixed(1)} µs main thread, ${flexCpuUs.toFixed(1)} µs process), ${((settle.commitMs * 1000) / devices).toFixed(1)} µs/device committing, ${settleReads.toFixed(2)} trie reads and ${settleNodes.toFixed(1)} trie nodes visited per device, program paid ${paid}`);

  // The maintenance: the event's day becomes final (its last interval past the acceptance window); blocks fold it into every profile.
  const final = BigInt((EVENT_DAY + 1) * PER_DAY + WINDOW) * SLOTS_PER_INTERVAL;
  Object.assign(counts, { reads: 0, nodes: 0 });
  const fold = runUntil(b, (state) => ProfileFold.get(state).unit > EVENT_DAY, final);
  const foldReads = counts.reads / devices;
  const foldNodes = counts.nodes / devices;
  const emptyAfter = emptyBlock(b);
  const foldUs = ((fold.execMs - fold.blocks * emptyAfter.ms) * 1000) / devices;
  const foldCpuUs = ((fold.execCpuMs - fold.blocks * emptyAfter.cpuMs) * 1000) / devices;
  const foldThreadUs = ((fold.threadCpuMs - fold.blocks * emptyAfter.threadMs) * 1000) / devices;
  const profile = BaselineProfiles.get(new MerkleTrie(b.head.header.stateRoot, b.store), devices - 1, 0);
  if (profile?.[profile.length - 1]?.day !== EVENT_DAY) throw new Error("the event's day was not folded into the last device's profile");
  const rss = process.memoryUsage().rss;
  log(`  folding the event's day: ${fold.blocks} blocks, ${foldUs.toFixed(1)} µs/device-day executing (CPU: ${foldThreadUs.toFixed(1)} µs main thread, ${foldCpuUs.toFixed(1)} µs process), ${foldReads.toFixed(2)} trie reads and ${foldNodes.toFixed(1)} nodes per device-day, rss ${(rss / 2 ** 30).toFixed(2)} GiB`);
  return [
    {
      name: `settle ${devices.toLocaleString("en-US")} devices (block execution)`,
      opsPerSec: Math.round(1e6 / flexUs),
      perOpUs: flexUs,
      n: devices,
      blocks: settle.blocks,
      devicesPerBlock: b.perBlock,
      emptyBlockMs: Number(empty.ms.toFixed(3)),
      threadCpuUsPerDevice: Number(flexThreadUs.toFixed(1)),
      cpuUsPerDevice: Number(flexCpuUs.toFixed(1)),
      heaviestBlockMs: Number(settle.maxBlockMs.toFixed(1)),
      trieReadsPerDevice: Number(settleReads.toFixed(2)),
      trieNodesPerDevice: Number(settleNodes.toFixed(1)),
      paid: paid.toString(),
    },
    { name: `settle ${devices.toLocaleString("en-US")} devices (trie commit)`, opsPerSec: Math.round((devices * 1000) / settle.commitMs), perOpUs: (settle.commitMs * 1000) / devices, n: devices, blocks: settle.blocks },
    {
      name: `fold a day into ${devices.toLocaleString("en-US")} profiles (block execution, per device-day)`,
      opsPerSec: Math.round(1e6 / foldUs),
      perOpUs: foldUs,
      n: devices,
      blocks: fold.blocks,
      threadCpuUsPerDevice: Number(foldThreadUs.toFixed(1)),
      cpuUsPerDevice: Number(foldCpuUs.toFixed(1)),
      commitUsPerDevice: Number(((fold.commitMs * 1000) / devices).toFixed(1)),
      heaviestBlockMs: Number(fold.maxBlockMs.toFixed(1)),
      trieReadsPerDevice: Number(foldReads.toFixed(2)),
      trieNodesPerDevice: Number(foldNodes.toFixed(1)),
      rssBuiltGiB: Number((rssBuilt / 2 ** 30).toFixed(2)),
      rssGiB: Number((rss / 2 ** 30).toFixed(2)),
    },
  ];
}

export const scenario: Scenario = {
  description: "flex settlement: block execution per settled device and blocks per event over 10,000 and 100,000 enrolled devices (target ≤ 100 µs/device), and the baseline profiles' fold per device-day",
  run: async ({ log }) => {
    const sizes = (process.env.VPP_DEVICES ?? "10000,100000").split(",").map(Number);
    const rows: BenchRow[] = [];
    for (const n of sizes) rows.push(...settleFleet(n, log));
    const settled = rows.filter((r) => r.name.startsWith("settle") && r.name.includes("execution"));
    const worst = Math.max(...settled.map((r) => r.perOpUs));
    const worstCpu = Math.max(...settled.map((r) => r.threadCpuUsPerDevice as number));
    const perBlock = rows[0]?.devicesPerBlock as number;
    return {
      rows,
      notes: [
        `target ≤ 100 µs of block execution per settled device: worst ${worst.toFixed(1)} µs wall, ${worstCpu.toFixed(1)} µs main-thread CPU (${worst <= 100 ? "met" : worstCpu <= 100 ? "met in CPU time, not in wall time on this machine" : "NOT met"})`,
        `blocks per event: ⌈devices / ${perBlock}⌉ — ${Math.ceil(10_000 / perBlock)} for 10,000 devices, ${Math.ceil(100_000 / perBlock)} for 100,000`,
        "baseline maintenance: 0 on the readings' path; the fold row is block execution per enrolled device per day (one chunk a day at hourly readings)",
      ],
    };
  },
};
