/**
 * The fault-scenario harness shared by test/e2e/network/faults.test.ts and the `faults`
 * benchmark: a 4-validator loopback testnet under transfer and reading load, a monitor of every
 * node's heads, and the measurements a fault round makes — blocks produced while it lasts, the
 * longest stall a healthy node saw, and the time to recover once it is lifted.
 */
import { sleep, waitUntil, type ProcessScope } from "../process.ts";
import { FaultNet } from "./faultNet.ts";
import { ChainAudit } from "./invariants.ts";
import { genesisHashOf, ReadingLoad, TransferLoad } from "./load.ts";
import { HeadMonitor } from "./monitor.ts";
import { blockRefOf, call, canonicalHashes, nodeHeads, type NodeHeads } from "./rpc.ts";
import type { HeaderJson } from "../../rpc/format.ts";

export interface FaultHarnessOpts {
  slotMs: number;
  /** Reading interval of the chain spec; a few slots, so that readings are credited during every scenario. */
  readingIntervalSecs: number;
  /** Devices of the reading load. */
  devices: number;
  logLevel?: string;
  /** Progress lines (a benchmark's stderr; silent in tests). */
  log?: (line: string) => void;
}

/** One fault, from the moment it is injected until the network has recovered from it. */
export interface FaultRound {
  label: string;
  startedAt: number;
  /** When the fault was lifted (the node back up, the partition healed…). */
  endedAt: number;
  recoveredAt: number;
  /** The highest best block when the fault was lifted: recovery means finality past it. */
  faultPoint: number;
  /** Distinct blocks that became best on any node while the fault lasted. */
  blocks: number;
  /** The longest time a healthy node (one the fault did not touch) went without a new best block, from injection to recovery. */
  longestStallMs: number;
  /** Heads of every node that was up, when the fault was injected and when it was lifted. */
  headsAtStart: Array<NodeHeads | null>;
  headsAtEnd: Array<NodeHeads | null>;
}

export interface RoundPlan {
  label: string;
  inject(): Promise<void>;
  /** How long the fault stays, counted from the start of `inject`. */
  durationMs: number;
  lift(): Promise<void>;
  /** Nodes the fault does not touch: their stalls are the network's. */
  healthy: number[];
  /** Called once the fault is on (scenario-specific observations). */
  during?(): Promise<void>;
  /** Called when the fault has lasted `durationMs`, just before it is lifted. */
  beforeLift?(): Promise<void>;
}

/** How long the network may take to recover from a fault (a restart, then catching up and a finality round). */
const RECOVERY_TIMEOUT_SLOTS = 60;

export class FaultHarness {
  readonly net: FaultNet;
  readonly monitor: HeadMonitor;
  readonly transfers: TransferLoad;
  readonly readings: ReadingLoad;
  readonly audit: ChainAudit;
  readonly log: (line: string) => void;

  private constructor(net: FaultNet, monitor: HeadMonitor, transfers: TransferLoad, readings: ReadingLoad, log: (line: string) => void) {
    this.net = net;
    this.monitor = monitor;
    this.transfers = transfers;
    this.readings = readings;
    this.audit = new ChainAudit({ net, monitor, transfers, readings });
    this.log = log;
  }

  /** Starts the testnet, waits for finality, registers the devices and starts both loads. */
  static async start(scope: ProcessScope, opts: FaultHarnessOpts): Promise<FaultHarness> {
    const log = opts.log ?? (() => {});
    log(`starting 4 validators (slot ${opts.slotMs} ms, reading interval ${opts.readingIntervalSecs} s)…`);
    const net = await FaultNet.start(scope, { slotMs: opts.slotMs, readingIntervalSecs: opts.readingIntervalSecs, logLevel: opts.logLevel });
    const monitor = new HeadMonitor(net.size);
    let readings: ReadingLoad;
    let genesisHash: Uint8Array;
    try {
      await Promise.all(net.net.nodes.map((node, i) => monitor.attach(i, node)));
      genesisHash = await genesisHashOf(net);
      await waitUntil(async () => (await allHeads(net)).every((h) => h !== null && h.finalized.number >= 2), 40 * opts.slotMs, "block #2 finalized on every node", 250);
      await checkHeaderHashing(net);
      log(`registering ${opts.devices} devices…`);
      readings = await ReadingLoad.register(net, genesisHash, opts.devices);
    } catch (e) {
      monitor.close();
      net.close();
      throw e;
    }
    const harness = new FaultHarness(net, monitor, new TransferLoad(net, genesisHash), readings, log);
    harness.transfers.start();
    readings.start();
    try {
      await harness.waitHealthy();
    } catch (e) {
      await harness.stop();
      throw e;
    }
    return harness;
  }

  get slotMs(): number {
    return this.net.slotMs;
  }

  /** Restarts a node that is down and follows its heads again. */
  async restart(index: number, env?: Record<string, string>): Promise<void> {
    const node = await this.net.restart(index, env);
    await this.monitor.attach(index, node);
  }

  /**
   * Waits until all four nodes run, agree on the chain up to the lowest best head, and every
   * one has finalized at least two blocks more than the highest finalized head when called.
   */
  async waitHealthy(timeoutMs = RECOVERY_TIMEOUT_SLOTS * this.slotMs): Promise<void> {
    if (this.net.upIndices().length !== this.net.size) throw new Error(`not all nodes are up: ${this.describe()}`);
    const start = Math.max(...(await allHeads(this.net)).map((h) => h?.finalized.number ?? 0));
    await this.waitConverged(start + 2, timeoutMs, "a healthy network");
  }

  /** Runs one fault round and measures it. */
  async round(plan: RoundPlan): Promise<FaultRound> {
    this.log(`  ${plan.label}…`);
    const headsAtStart = await allHeads(this.net);
    const startedAt = Date.now();
    await plan.inject();
    await plan.during?.();
    await sleep(Math.max(0, startedAt + plan.durationMs - Date.now()));
    await plan.beforeLift?.();
    const headsAtEnd = await allHeads(this.net);
    await plan.lift();
    const endedAt = Date.now();
    const faultPoint = Math.max(...(await allHeads(this.net)).map((h) => h?.best.number ?? 0));
    const recoveredAt = await this.waitConverged(faultPoint, RECOVERY_TIMEOUT_SLOTS * this.slotMs, `recovery from ${plan.label}`);
    const longestStallMs = Math.max(...plan.healthy.map((i) => this.monitor.longestGap(i, startedAt, recoveredAt)));
    const blocks = this.monitor.blocksBetween(startedAt, endedAt).length;
    this.log(`    ${blocks} blocks during the fault, longest stall ${longestStallMs} ms, recovered in ${recoveredAt - endedAt} ms`);
    return { label: plan.label, startedAt, endedAt, recoveredAt, faultPoint, blocks, longestStallMs, headsAtStart, headsAtEnd };
  }

  /** A window of `ms` without faults: blocks that became best on any node, and the longest gap any node saw. */
  async baseline(ms: number): Promise<{ windowMs: number; blocks: number; longestStallMs: number }> {
    const from = Date.now();
    await sleep(ms);
    const to = Date.now();
    const longestStallMs = Math.max(...this.net.upIndices().map((i) => this.monitor.longestGap(i, from, to)));
    return { windowMs: to - from, blocks: this.monitor.blocksBetween(from, to).length, longestStallMs };
  }

  /** Stops the load and the monitor; the scope then stops the nodes. */
  async stop(): Promise<void> {
    await Promise.all([this.transfers.stop(), this.readings.stop()]);
    this.monitor.close();
    this.net.close();
  }

  describe(heads?: Array<NodeHeads | null>): string {
    return this.net.net.nodes
      .map((_, i) => {
        const h = heads?.[i];
        return `${this.net.name(i)} ${this.net.state(i)}${h ? ` best #${h.best.number} finalized #${h.finalized.number}` : ""}`;
      })
      .join("; ");
  }

  /** Resolves with the time all nodes are up, share the hash at the lowest best height, and have finalized `finalizedAtLeast`. */
  private async waitConverged(finalizedAtLeast: number, timeoutMs: number, what: string): Promise<number> {
    let last: Array<NodeHeads | null> = [];
    try {
      await waitUntil(
        async () => {
          if (this.net.upIndices().length !== this.net.size) return false;
          last = await allHeads(this.net);
          if (last.some((h) => h === null || h.finalized.number < finalizedAtLeast)) return false;
          const common = Math.min(...last.map((h) => (h as NodeHeads).best.number));
          const hashes = await Promise.all(this.net.net.nodes.map((n) => canonicalHashes(n, common, common)));
          return hashes.every((h) => h[0] !== null && h[0] === hashes[0][0]);
        },
        timeoutMs,
        `${what}: one chain on all nodes, finalized ≥ #${finalizedAtLeast}`,
        200,
      );
    } catch (e) {
      throw new Error(`${(e as Error).message} (${this.describe(last)}; crashes: ${this.net.crashes.join(" | ") || "none"})`);
    }
    return Date.now();
  }
}

/** Heads of every node, null for one that is down, paused or does not answer. */
export async function allHeads(net: FaultNet): Promise<Array<NodeHeads | null>> {
  return Promise.all(net.net.nodes.map((node, i) => (net.state(i) === "up" ? nodeHeads(node).catch(() => null) : null)));
}

/** The monitor computes hashes from the headers it is sent; they must be the node's own. */
async function checkHeaderHashing(net: FaultNet): Promise<void> {
  const hash = await call<string>(net.node(0), "chain_getBlockHash", [1]);
  const ref = blockRefOf(await call<HeaderJson>(net.node(0), "chain_getHeader", [hash]));
  if (ref.hash !== hash || ref.slot === null) throw new Error(`block #1: hashed ${ref.hash} from its header (slot ${ref.slot}), the node says ${hash}`);
}
