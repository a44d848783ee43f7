/**
 * The 4-validator loopback testnet of the fault scenarios, with the faults themselves: kill -9,
 * SIGTERM, SIGSTOP/SIGCONT, restarts (optionally with a skewed clock), and partitions through the
 * test-only `dev_denyPeers` / `dev_allowPeers` RPC (every node runs with `ARKREEN_TEST_FAULTS=1`).
 * It also tells expected exits from crashes: any exit it did not cause is one.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { localChainSpec } from "../../genesis/presets.ts";
import { bytesEqual } from "../../primitives/bytes.ts";
import { devKeypair } from "../../primitives/keys/devAccounts.ts";
import { Authorities } from "../../runtime/modules/aura/storage.ts";
import { TEST_FAULTS_ENV } from "../../rpc/namespaces/devFaults.ts";
import { describeExit, type NodeProcess, type ProcessScope } from "../process.ts";
import { startLocalNet, type LocalNet } from "../localNet.ts";
import { call, storageAt } from "./rpc.ts";

/** node/clock.ts: a node's wall clock is shifted by this many ms (test only). */
export const CLOCK_OFFSET_ENV = "ARKREEN_CLOCK_OFFSET_MS";

/** SIGTERM to exit: a node stops authoring, voting, networking, RPC and closes LevelDB well within this. */
const STOP_TIMEOUT_MS = 10_000;

export interface FaultNetOpts {
  slotMs: number;
  /** The pog reading interval written into the chain spec: short, so that readings flow during a scenario. */
  readingIntervalSecs: number;
  logLevel?: string;
}

export type NodeState = "up" | "down" | "paused";

/**
 * The `local` preset with a short reading interval and a 60-interval acceptance window, written
 * next to the testnet (the testnet command then writes its slot into its own copy).
 */
function writeFaultsSpec(dir: string, readingIntervalSecs: number): string {
  const spec = localChainSpec();
  if (!("runtimeGenesis" in spec.genesis)) throw new Error("the local preset is not a runtime genesis spec");
  const pog = spec.genesis.runtimeGenesis.config.pog as Record<string, unknown>;
  pog.readingIntervalSecs = readingIntervalSecs;
  pog.acceptanceWindowIntervals = 60;
  const path = join(dir, "faults-spec.json");
  writeFileSync(path, JSON.stringify(spec, null, 2));
  return path;
}

export class FaultNet {
  readonly net: LocalNet;
  readonly slotMs: number;
  readonly readingIntervalSecs: number;
  /** One line per process exit the scenarios did not cause. */
  readonly crashes: string[] = [];
  private readonly states: NodeState[];
  private readonly expectedExits = new Set<NodeProcess>();
  private closing = false;
  /** Aura authorities (as plan indices) in the state after a block, by block hash. */
  private readonly authoritySets = new Map<string, number[]>();

  private constructor(net: LocalNet, opts: FaultNetOpts) {
    this.net = net;
    this.slotMs = opts.slotMs;
    this.readingIntervalSecs = opts.readingIntervalSecs;
    this.states = net.nodes.map(() => "up");
    net.nodes.forEach((node, i) => this.watch(i, node));
  }

  static async start(scope: ProcessScope, opts: FaultNetOpts): Promise<FaultNet> {
    const chain = writeFaultsSpec(scope.tempDir("faults-spec"), opts.readingIntervalSecs);
    const net = await startLocalNet(scope, { slotMs: opts.slotMs, chain, logLevel: opts.logLevel, env: { [TEST_FAULTS_ENV]: "1" } });
    return new FaultNet(net, opts);
  }

  get size(): number {
    return this.net.nodes.length;
  }

  name(index: number): string {
    return this.net.plan.nodes[index].name;
  }

  peerId(index: number): string {
    return this.net.plan.nodes[index].peerId;
  }

  node(index: number): NodeProcess {
    return this.net.nodes[index];
  }

  state(index: number): NodeState {
    return this.states[index];
  }

  /** Indices of the nodes that run and answer. */
  upIndices(): number[] {
    return this.states.flatMap((s, i) => (s === "up" ? [i] : []));
  }

  /**
   * The plan index of the author of a block in `slot` on `parentHash`: `authorities[slot % n]`
   * in the parent's state, read through node `via` (one that has the block). The order changes
   * at session boundaries (the staking election sorts by stake), so it is read, not assumed.
   */
  async authorOf(slot: number, parentHash: string, via: number): Promise<number> {
    let set = this.authoritySets.get(parentHash);
    if (set === undefined) {
      const raw = await storageAt(this.node(via), Authorities.key, parentHash);
      const keys = Authorities.get({ get: () => raw ?? undefined });
      set = keys.map((key) => this.net.plan.nodes.findIndex((n) => bytesEqual(devKeypair(n.name).publicKey, key)));
      if (set.length === 0 || set.includes(-1)) throw new Error(`unexpected Aura authorities at ${parentHash}`);
      this.authoritySets.set(parentHash, set);
    }
    return set[slot % set.length];
  }

  async kill(index: number): Promise<void> {
    this.expectExit(index);
    await this.node(index).kill();
  }

  /** SIGTERM, waiting for a clean exit (a node that fails to stop in time is a failure). */
  async stop(index: number): Promise<void> {
    this.expectExit(index);
    const status = await this.node(index).stop(STOP_TIMEOUT_MS);
    if (status.code !== 0) this.crashes.push(`${this.name(index)} exited with ${describeExit(status)} on SIGTERM`);
  }

  /** (Re)starts a node that is down, on its base path; `env` e.g. `ARKREEN_CLOCK_OFFSET_MS`. */
  async restart(index: number, env?: Record<string, string>): Promise<NodeProcess> {
    if (this.states[index] !== "down") throw new Error(`${this.name(index)} is ${this.states[index]}, not down`);
    const node = await this.net.start(index, env);
    this.states[index] = "up";
    this.watch(index, node);
    return node;
  }

  pause(index: number): void {
    this.node(index).proc.signal("SIGSTOP");
    this.states[index] = "paused";
  }

  resume(index: number): void {
    this.node(index).proc.signal("SIGCONT");
    this.states[index] = "up";
  }

  /** Each group's nodes refuse every node outside the group (the nodes must be up). */
  async partition(groups: number[][]): Promise<void> {
    await Promise.all(
      groups.flatMap((group) => {
        const outside = this.net.plan.nodes.flatMap((_, i) => (group.includes(i) ? [] : [this.peerId(i)]));
        return group.map((i) => call(this.node(i), "dev_denyPeers", [outside]));
      }),
    );
  }

  /** Every running node allows every peer again. */
  async heal(): Promise<void> {
    const all = this.net.plan.nodes.map((n) => n.peerId);
    await Promise.all(this.upIndices().map((i) => call(this.node(i), "dev_allowPeers", [all])));
  }

  /** Stops recording exits as crashes (before the scope kills everything). */
  close(): void {
    this.closing = true;
    for (const [i, state] of this.states.entries()) if (state === "paused") this.resume(i);
  }

  private expectExit(index: number): void {
    this.expectedExits.add(this.node(index));
    this.states[index] = "down";
  }

  private watch(index: number, node: NodeProcess): void {
    void node.proc.exited.then((status) => {
      if (this.closing || this.expectedExits.has(node)) return;
      this.states[index] = "down";
      this.crashes.push(`${this.name(index)} exited unexpectedly (${describeExit(status)}):\n${node.proc.tail(20)}`);
    });
  }
}
