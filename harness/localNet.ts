/**
 * A local testnet for the multi-node end-to-end tests and the `network` benchmark: the same plan
 * as `arkreen-node testnet` (chain spec, node keys, bootnodes), each validator a `NodeProcess`
 * on free loopback ports, plus what the tests read from several nodes at once.
 */
import { join } from "node:path";
import { planTestnet, type TestnetNode, type TestnetPlan } from "../cli/testnet/plan.ts";
import { freePorts, waitUntil, type NodeProcess, type ProcessScope } from "./process.ts";
import { heads, type Heads } from "./devChain.ts";

export interface LocalNet {
  plan: TestnetPlan;
  dir: string;
  /** The running process of each validator, by plan index; replaced on restart. */
  nodes: NodeProcess[];
  /** Starts (or restarts, on its base path) validator `index`; `env` adds to `LocalNetOpts.env` for this start only. */
  start(index: number, env?: Record<string, string>): Promise<NodeProcess>;
  /**
   * A node that is not a validator, on a fresh base path, with every validator as a bootnode;
   * `args` after `LocalNetOpts.args` (e.g. `--state-pruning archive` beside pruned validators).
   */
  startFollower(name: string, args?: string[]): Promise<NodeProcess>;
}

export interface LocalNetOpts {
  slotMs: number;
  /** `local` by default. */
  chain?: string;
  /** Passed as `--log` to each node (e.g. `debug` when investigating). */
  logLevel?: string;
  /** Environment of every validator process (e.g. `ARKREEN_TEST_FAULTS=1`). */
  env?: Record<string, string>;
  /** The plan indexes of the validators to start (all by default): a test may play the others itself. */
  indexes?: number[];
  /**
   * Who each node is told of: `all` (the testnet plan: every other validator) or `first` (only the
   * first validator's address, as a new user would start; the others are found through the DHT).
   * Followers get the same: every validator, or the first one.
   */
  bootnodes?: "all" | "first";
  /** More flags for every node and follower (e.g. `--out-peers 4`). */
  args?: string[];
}

/** `peerArgs` with its `--bootnodes` list replaced by `bootnodes` (none: no flag). */
function withBootnodes(peerArgs: readonly string[], bootnodes: readonly string[]): string[] {
  const at = peerArgs.indexOf("--bootnodes");
  let end = at + 1;
  while (at >= 0 && end < peerArgs.length && !peerArgs[end].startsWith("--")) end++;
  const rest = at < 0 ? [...peerArgs] : [...peerArgs.slice(0, at), ...peerArgs.slice(end)];
  return bootnodes.length > 0 ? [...rest, "--bootnodes", ...bootnodes] : rest;
}

/** Plans the `local` testnet in a fresh directory of `scope` and starts all its validators. */
export async function startLocalNet(scope: ProcessScope, opts: LocalNetOpts): Promise<LocalNet> {
  const dir = scope.tempDir("net");
  const ports = await freePorts(4 * 3);
  const plan = await planTestnet({
    validators: 4,
    basePath: dir,
    chain: opts.chain ?? "local",
    slotMs: opts.slotMs,
    logLevel: opts.logLevel,
    portsOf: (i) => ({ p2p: ports[3 * i], rpc: ports[3 * i + 1], prometheus: ports[3 * i + 2] }),
  });
  const first = plan.nodes[0].multiaddr;
  const bootnodesOf = (node: TestnetNode): string[] | null =>
    opts.bootnodes === "first" ? (node === plan.nodes[0] ? [] : [first]) : null;
  const startNode = (node: TestnetNode, env?: Record<string, string>): Promise<NodeProcess> =>
    scope.startNode({
      chain: plan.specPath,
      basePath: node.basePath,
      args: [...(bootnodesOf(node) === null ? node.peerArgs : withBootnodes(node.peerArgs, bootnodesOf(node)!)), ...(opts.args ?? [])],
      env: { ...opts.env, ...env },
      ports: node.ports,
    });
  const net: LocalNet = {
    plan,
    dir,
    nodes: [],
    async start(index, env) {
      const node = await startNode(plan.nodes[index], env);
      net.nodes[index] = node;
      return node;
    },
    async startFollower(name, args = []) {
      const [p2p] = await freePorts(1);
      const bootnodes = opts.bootnodes === "first" ? [first] : plan.nodes.map((n) => n.multiaddr);
      return scope.startNode({
        chain: plan.specPath,
        basePath: join(dir, name),
        args: ["--name", name, "--port", String(p2p), ...(opts.logLevel === undefined ? [] : ["--log", opts.logLevel]), "--bootnodes", ...bootnodes, ...(opts.args ?? []), ...args],
      });
    },
  };
  await Promise.all((opts.indexes ?? plan.nodes.map((_, i) => i)).map((i) => net.start(i)));
  return net;
}

export interface PeerInfo {
  peerId: string;
  bestHash: string;
  bestNumber: number;
}

export function systemPeers(node: NodeProcess): Promise<PeerInfo[]> {
  return node.rpc<PeerInfo[]>("system_peers");
}

export function allHeads(nodes: readonly NodeProcess[]): Promise<Heads[]> {
  return Promise.all(nodes.map((n) => heads(n)));
}

export async function blockHash(node: NodeProcess, number: number): Promise<string | null> {
  return node.rpc<string | null>("chain_getBlockHash", [number]);
}

/**
 * Heights `from..to` at which the nodes' canonical hashes differ, as `#n: hashes`. Empty when
 * they agree everywhere (a node without the block at some height counts as a difference).
 */
export async function hashDifferences(nodes: readonly NodeProcess[], from: number, to: number): Promise<string[]> {
  const differences: string[] = [];
  for (let n = from; n <= to; n++) {
    const hashes = await Promise.all(nodes.map((node) => blockHash(node, n)));
    if (hashes.some((h) => h === null || h !== hashes[0])) differences.push(`#${n}: ${hashes.map((h) => h ?? "none").join(" ")}`);
  }
  return differences;
}

/**
 * Waits until every node has the same hash at every height up to the lowest best head among them
 * (at least `minHeight`), and returns that height. It polls: the heads a moment apart may sit on
 * the two sides of a short fork that Aura's longest-chain rule resolves within a slot or two.
 */
export async function waitForCommonChain(nodes: readonly NodeProcess[], minHeight: number, timeoutMs: number): Promise<number> {
  let common = 0;
  let last: string[] = [];
  try {
    await waitUntil(
      async () => {
        common = Math.min(...(await allHeads(nodes)).map((h) => h.best.number));
        if (common < minHeight) return false;
        last = await hashDifferences(nodes, 1, common);
        return last.length === 0;
      },
      timeoutMs,
      `the same chain on all nodes up to #${minHeight} or more`,
      250,
    );
  } catch (e) {
    throw new Error(`${(e as Error).message}; last differences: ${last.slice(0, 5).join("; ")}`);
  }
  return common;
}

/** The value of an unlabelled gauge in a Prometheus text exposition. */
/** The sum of a Prometheus metric's samples on `node` whose labels include `labels` (every sample when none). */
export async function metricSum(node: NodeProcess, name: string, labels: Record<string, string> = {}): Promise<number> {
  const text = await (await fetch(node.metricsUrl)).text();
  const match = (line: string): boolean => (line.startsWith(name + "{") || line.startsWith(name + " ")) && Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`));
  return text.split("\n").filter(match).reduce((sum, line) => sum + Number(line.split(" ").pop()), 0);
}

export async function gaugeValue(metricsUrl: string, name: string): Promise<number | null> {
  const text = await (await fetch(metricsUrl)).text();
  const line = text.split("\n").find((l) => l.startsWith(name + " "));
  return line === undefined ? null : Number(line.slice(name.length + 1));
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new Error("percentile of no samples");
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Waits until every node's finalized head is at least `atLeast`, naming the heads seen last on timeout. */
export async function waitFinalized(nodes: readonly NodeProcess[], atLeast: number, timeoutMs: number, what: string): Promise<void> {
  let last = "";
  try {
    await waitUntil(
      async () => {
        const hs = await allHeads(nodes);
        last = hs.map((h) => `best #${h.best.number} finalized #${h.finalized.number}`).join("; ");
        return hs.every((h) => h.finalized.number >= atLeast);
      },
      timeoutMs,
      what,
      250,
    );
  } catch (e) {
    throw new Error(`${(e as Error).message} (${last})`);
  }
}
