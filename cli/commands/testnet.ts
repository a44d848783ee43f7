import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync, writeFileSync, type WriteStream } from "node:fs";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Command, Option } from "commander";
import { loadChainSpecFile, type ChainSpec, type RuntimeGenesisConfig } from "../../genesis/chainSpec.ts";
import { PRESETS } from "../../genesis/presets.ts";
import { fromHex, utf8 } from "../../primitives/bytes.ts";
import { ArkreenError } from "../../primitives/errors.ts";
import { blake2b256 } from "../../primitives/hash.ts";
import { devAccountOf, DEV_ACCOUNT_NAMES, type DevAccountName } from "../../primitives/keys/devAccounts.ts";
import { decodeAddress } from "../../primitives/keys/ss58.ts";
import { nodeKeyHex, peerIdOfNodeKey } from "../../p2p/nodeKey.ts";
import { defaultBasePath } from "../chainSelection.ts";

/**
 * `arkreen-node testnet --validators 4 --base-path <dir>`: a local network in one step, one
 * `arkreen-node` process per validator of the chain spec, all on 127.0.0.1. Each validator gets a
 * deterministic node key (so its peer id is the same on every start and can be written into
 * scripts), its own base path `<dir>/<name>`, consecutive ports, and every other validator as a
 * bootnode. See docs/testnet.md.
 */

const CLI_BIN = fileURLToPath(new URL("../bin.ts", import.meta.url));

/** The spec the testnet writes into its base path and gives every node, so that all build one genesis. */
export const TESTNET_SPEC_FILE = "chain-spec.json";

/**
 * SIGTERM to exit before SIGKILL: a node stops authoring, networking, RPC and closes LevelDB in
 * well under a second; 10 s leaves room for a loaded machine without leaving a hung node behind.
 */
const STOP_GRACE_MS = 10_000;

export type TestnetErrorType =
  | { code: "VALIDATOR_COUNT_MISMATCH"; requested: number; authorities: number; chain: string }
  | { code: "UNKNOWN_AUTHORITY"; authority: string }
  | { code: "RAW_SPEC"; chain: string }
  | { code: "SPEC_CONFLICT"; path: string; reason: string }
  | { code: "PORT_IN_USE"; port: number; node: string; use: string };

export class TestnetError extends ArkreenError<TestnetErrorType> {}

/** The ports of the validator at `index` (0-based, in the spec's authority order). */
export interface NodePorts {
  p2p: number;
  rpc: number;
  /** null: `--no-prometheus`. */
  prometheus: number | null;
}

export interface TestnetPlanOpts {
  /** Validators asked for; must equal the spec's authorities. */
  validators: number;
  basePath: string;
  /** `local` (the preset) or a chain spec file. */
  chain: string;
  /** Slot duration to write into the spec; undefined keeps the spec's. */
  slotMs?: number;
  portsOf(index: number): NodePorts;
  /** Passed to each node as `--log`. */
  logLevel?: string;
}

export interface TestnetNode {
  /** The dev account name, e.g. `Alice`. */
  name: DevAccountName;
  /** 64 hex characters, `--node-key`. */
  nodeKey: string;
  peerId: string;
  ports: NodePorts;
  basePath: string;
  /** `/ip4/127.0.0.1/tcp/<p2p>/p2p/<peer id>`: what the other nodes use as a bootnode. */
  multiaddr: string;
  /** What makes the node this validator of this network: authoring key, name, p2p port, node key, bootnodes, log level. */
  peerArgs: string[];
  /** The arguments after `cli/bin.ts`: chain, base path, RPC and Prometheus ports, then `peerArgs`. */
  args: string[];
}

export interface TestnetPlan {
  specPath: string;
  slotMs: number;
  nodes: TestnetNode[];
}

/**
 * A validator's node key: blake2b-256 of `arkreen-testnet//<name>`. Deterministic, so that a
 * restarted testnet (or a test) knows every peer id in advance; public, so never for a real network.
 */
export function testnetNodeKey(name: string): Uint8Array {
  return blake2b256(utf8(`arkreen-testnet//${name}`));
}

function runtimeConfig(spec: ChainSpec, chain: string): RuntimeGenesisConfig {
  if (!("runtimeGenesis" in spec.genesis)) throw new TestnetError({ code: "RAW_SPEC", chain }, `${chain}: a raw chain spec does not name its authorities; use a runtimeGenesis spec`);
  return spec.genesis.runtimeGenesis.config;
}

/** The dev account whose key each Aura authority is: the testnet can only start validators whose keys it has. */
export function authorityNames(spec: ChainSpec, chain: string): DevAccountName[] {
  return runtimeConfig(spec, chain).aura.authorities.map((authority) => {
    let key: Uint8Array;
    try {
      key = authority.startsWith("0x") ? fromHex(authority) : decodeAddress(authority);
    } catch {
      throw new TestnetError({ code: "UNKNOWN_AUTHORITY", authority }, `authority ${authority} is not a valid address`);
    }
    const name = devAccountOf(key);
    if (name === undefined) throw new TestnetError({ code: "UNKNOWN_AUTHORITY", authority }, `authority ${authority} is not a dev account (//Alice…//Ferdie): the testnet has no key for it`);
    return name;
  });
}

/** The spec with `slotMs`, keeping the presets' rule that a third of the slot is for extrinsics' execution. */
function withSlot(spec: ChainSpec, chain: string, slotMs: number): ChainSpec {
  const copy = structuredClone(spec);
  const system = runtimeConfig(copy, chain).system;
  system.slotDurationMs = slotMs;
  system.maxBlockWeight = Math.floor(slotMs / 3) * 1_000_000;
  return copy;
}

/**
 * Writes `<basePath>/chain-spec.json` unless it is there, and returns it. An existing one is a
 * testnet started before: its databases hold that spec's genesis, so a different `--slot-ms` or
 * `--chain` would make every node refuse to start; that is reported instead.
 */
function prepareSpec(opts: TestnetPlanOpts, source: ChainSpec): { spec: ChainSpec; path: string } {
  const path = join(opts.basePath, TESTNET_SPEC_FILE);
  const wanted = opts.slotMs === undefined ? source : withSlot(source, opts.chain, opts.slotMs);
  if (existsSync(path)) {
    const existing = loadChainSpecFile(path);
    if (JSON.stringify(existing) !== JSON.stringify(wanted)) {
      throw new TestnetError(
        { code: "SPEC_CONFLICT", path, reason: "another chain or slot" },
        `${path} holds another chain spec (a testnet started with other --chain/--slot-ms): use another --base-path, or remove it`,
      );
    }
    return { spec: existing, path };
  }
  mkdirSync(opts.basePath, { recursive: true });
  writeFileSync(path, JSON.stringify(wanted, null, 2));
  return { spec: wanted, path };
}

/** Everything needed to start the testnet's nodes; writes the chain spec. */
export async function planTestnet(opts: TestnetPlanOpts): Promise<TestnetPlan> {
  const source = PRESETS[opts.chain]?.() ?? loadChainSpecFile(opts.chain);
  const names = authorityNames(source, opts.chain);
  if (opts.validators !== names.length) {
    throw new TestnetError(
      { code: "VALIDATOR_COUNT_MISMATCH", requested: opts.validators, authorities: names.length, chain: opts.chain },
      `--validators ${opts.validators} does not match chain ${opts.chain}, which has ${names.length} authorities (${names.join(", ")}); ` +
        `pass --validators ${names.length} or a chain spec with ${opts.validators} authorities`,
    );
  }
  const { spec, path: specPath } = prepareSpec(opts, source);
  const described = await Promise.all(
    names.map(async (name, index) => {
      const secret = testnetNodeKey(name);
      const peerId = await peerIdOfNodeKey(secret);
      const ports = opts.portsOf(index);
      return { name, nodeKey: nodeKeyHex(secret), peerId, ports, basePath: join(opts.basePath, name.toLowerCase()), multiaddr: `/ip4/127.0.0.1/tcp/${ports.p2p}/p2p/${peerId}` };
    }),
  );
  const nodes = described.map((node): TestnetNode => {
    // Every other validator as a bootnode: there is no peer discovery beyond bootnodes, and the
    // bootnode redial reconnects whichever node restarts, the first one included.
    const bootnodes = described.filter((other) => other !== node).map((other) => other.multiaddr);
    const peerArgs = [
      `--${node.name.toLowerCase()}`,
      "--name", node.name,
      "--port", String(node.ports.p2p),
      "--node-key", node.nodeKey,
      ...(opts.logLevel === undefined ? [] : ["--log", opts.logLevel]),
      ...(bootnodes.length > 0 ? ["--bootnodes", ...bootnodes] : []),
    ];
    const args = [
      "--chain", specPath,
      "--base-path", node.basePath,
      "--rpc-port", String(node.ports.rpc),
      ...(node.ports.prometheus === null ? ["--no-prometheus"] : ["--prometheus-port", String(node.ports.prometheus)]),
      ...peerArgs,
    ];
    return { ...node, peerArgs, args };
  });
  return { specPath, slotMs: runtimeConfig(spec, opts.chain).system.slotDurationMs, nodes };
}

/** The table printed on start: one line per node. */
export function formatTestnetTable(plan: TestnetPlan): string {
  const header = ["name", "p2p", "rpc", "prometheus", "peer id"];
  const rows = plan.nodes.map((n) => [n.name, String(n.ports.p2p), String(n.ports.rpc), n.ports.prometheus === null ? "-" : String(n.ports.prometheus), n.peerId]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  return [header, ...rows].map((r) => r.map((cell, i) => cell.padEnd(widths[i])).join("  ").trimEnd()).join("\n");
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

/** Fails before anything starts if a port is taken, rather than with one node dying among four. */
async function checkPorts(plan: TestnetPlan): Promise<void> {
  for (const node of plan.nodes) {
    const uses: Array<[string, number | null]> = [["p2p", node.ports.p2p], ["rpc", node.ports.rpc], ["prometheus", node.ports.prometheus]];
    for (const [use, port] of uses) {
      if (port !== null && !(await portIsFree(port))) {
        throw new TestnetError({ code: "PORT_IN_USE", port, node: node.name, use }, `port ${port} (${node.name}'s ${use}) is in use on 127.0.0.1; pick other ports`);
      }
    }
  }
}

export interface TestnetOutput {
  out(text: string): void;
}

/**
 * The running nodes: each one's output goes, line by line, to `output` prefixed with its name, or
 * to `<base>/<name>/node.log`. A node that exits is reported and the others keep running (a
 * developer may be testing exactly that); `stop()` ends them all.
 */
export class TestnetSupervisor {
  private readonly children = new Map<string, ChildProcess>();
  private readonly exits: Array<Promise<void>> = [];
  private readonly logFiles: WriteStream[] = [];
  private stopping = false;

  private readonly plan: TestnetPlan;
  private readonly logToFiles: boolean;
  private readonly output: TestnetOutput;

  constructor(opts: { plan: TestnetPlan; logToFiles: boolean }, deps: { output: TestnetOutput }) {
    this.plan = opts.plan;
    this.logToFiles = opts.logToFiles;
    this.output = deps.output;
  }

  start(): void {
    const width = Math.max(...this.plan.nodes.map((n) => n.name.length));
    for (const node of this.plan.nodes) {
      mkdirSync(node.basePath, { recursive: true });
      const child = spawn(process.execPath, [CLI_BIN, ...node.args], { stdio: ["ignore", "pipe", "pipe"] });
      this.children.set(node.name, child);
      if (this.logToFiles) {
        const file = createWriteStream(join(node.basePath, "node.log"), { flags: "a" });
        this.logFiles.push(file);
        child.stdout?.pipe(file, { end: false });
        child.stderr?.pipe(file, { end: false });
      } else {
        const prefix = `${node.name.toLowerCase().padEnd(width)} | `;
        for (const stream of [child.stdout, child.stderr]) forwardLines(stream, (line) => this.output.out(prefix + line + "\n"));
      }
      this.exits.push(
        new Promise((resolve) => {
          child.once("close", (code, signal) => {
            this.children.delete(node.name);
            if (!this.stopping) this.output.out(`${node.name} exited (${signal ?? `code ${code}`})\n`);
            resolve();
          });
        }),
      );
    }
  }

  /** Resolves once every node has exited, whether stopped or not. */
  async exited(): Promise<void> {
    await Promise.all(this.exits);
    for (const file of this.logFiles) file.end();
  }

  /** SIGTERM to every node, SIGKILL to those still running after the grace period. */
  async stop(graceMs = STOP_GRACE_MS): Promise<void> {
    this.stopping = true;
    for (const child of this.children.values()) child.kill("SIGTERM");
    const timer = setTimeout(() => {
      for (const child of this.children.values()) child.kill("SIGKILL");
    }, graceMs);
    await this.exited();
    clearTimeout(timer);
  }
}

function forwardLines(stream: NodeJS.ReadableStream | null, line: (text: string) => void): void {
  if (stream === null) return;
  let pending = "";
  stream.setEncoding("utf8");
  stream.on("data", (chunk: string) => {
    const parts = (pending + chunk).split("\n");
    pending = parts.pop() ?? "";
    for (const part of parts) line(part);
  });
  stream.on("end", () => {
    if (pending !== "") line(pending);
  });
}

interface TestnetFlags {
  validators: number;
  basePath?: string;
  chain: string;
  slotMs?: number;
  port: number;
  rpcPort: number;
  prometheusPort: number;
  prometheus: boolean;
  logToFiles?: boolean;
  log?: string;
}

function positiveInt(what: string, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > max) throw new Error(`invalid ${what}: ${value}`);
    return n;
  };
}

export async function runTestnet(flags: TestnetFlags, output: TestnetOutput): Promise<void> {
  const basePath = resolve(flags.basePath ?? join(defaultBasePath(), "testnet"));
  const plan = await planTestnet({
    validators: flags.validators,
    basePath,
    chain: flags.chain,
    slotMs: flags.slotMs,
    logLevel: flags.log,
    portsOf: (i) => ({ p2p: flags.port + i, rpc: flags.rpcPort + i, prometheus: flags.prometheus ? flags.prometheusPort + i : null }),
  });
  await checkPorts(plan);
  output.out(`Local testnet: ${plan.nodes.length} validators, slot ${plan.slotMs} ms, chain spec ${plan.specPath}\n`);
  output.out(formatTestnetTable(plan) + "\n");
  if (flags.logToFiles) output.out(`Logs: ${basePath}/<name>/node.log\n`);
  const supervisor = new TestnetSupervisor({ plan, logToFiles: flags.logToFiles === true }, { output });
  supervisor.start();
  const onSignal = (signal: string): void => {
    output.out(`Received ${signal}, stopping the testnet\n`);
    void supervisor.stop();
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  await supervisor.exited();
  process.off("SIGINT", onSignal);
  process.off("SIGTERM", onSignal);
  output.out("Testnet stopped\n");
}

export function testnetCommand(output: TestnetOutput = { out: (text) => process.stdout.write(text) }): Command {
  return new Command("testnet")
    .description("Start a local testnet on 127.0.0.1: one node process per validator of the chain spec")
    .addOption(new Option("--validators <n>", "validators to start; must equal the chain spec's authorities").default(4).argParser(positiveInt("validator count", DEV_ACCOUNT_NAMES.length)))
    .option("-d, --base-path <path>", "directory for the chain spec and each node's data (<path>/<name>); default <default base path>/testnet")
    .option("--chain <id-or-path>", "chain spec: local, or a chain spec JSON file whose authorities are dev accounts", "local")
    .addOption(new Option("--slot-ms <ms>", "slot duration written into the testnet's chain spec").argParser(positiveInt("slot duration", 600_000)))
    .addOption(new Option("--port <port>", "p2p port of the first node; the others take the next ones").default(30333).argParser(positiveInt("port", 65535)))
    .addOption(new Option("--rpc-port <port>", "RPC port of the first node; the others take the next ones").default(9944).argParser(positiveInt("port", 65535)))
    .addOption(new Option("--prometheus-port <port>", "Prometheus port of the first node; the others take the next ones").default(9615).argParser(positiveInt("port", 65535)))
    .option("--no-prometheus", "do not expose Prometheus metrics")
    .option("--log-to-files", "write each node's output to <base-path>/<name>/node.log instead of this terminal")
    .addOption(new Option("-l, --log <level>", "log level of every node").choices(["error", "warn", "info", "debug", "trace"]))
    .action((flags: TestnetFlags) => runTestnet(flags, output));
}
