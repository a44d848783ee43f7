/**
 * Real processes for end-to-end tests: the `arkreen-node` CLI spawned with the Node that runs
 * the tests, free loopback ports, RPC readiness, and a scope that kills every process it
 * started and removes every directory it made.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const REPO_ROOT = fileURLToPath(new URL("..", import.meta.url));
const CLI_BIN = join(REPO_ROOT, "cli", "bin.ts");

/**
 * How long a node may take from spawn to answering `GET /health`: ~0.5 s on a quiet machine, but
 * tests start four or six nodes at once, each loading the TypeScript loader and BLS workers, and
 * on a 2-core machine under a load average of 8 one of them took over 15 s (CI, 2026-12-08).
 */
const NODE_READY_TIMEOUT_MS = 30_000;
/** How long a process may take to exit after SIGKILL before the test gives up on it. */
const SIGKILL_EXIT_TIMEOUT_MS = 5_000;

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * `count` distinct ports that were free on 127.0.0.1 a moment ago (the OS's picks for port 0,
 * all held open together so that it cannot hand out the same one twice).
 */
export async function freePorts(count: number): Promise<number[]> {
  const servers = Array.from({ length: count }, () => createServer());
  try {
    return await Promise.all(
      servers.map(
        (server) =>
          new Promise<number>((resolve, reject) => {
            server.once("error", reject);
            server.listen(0, "127.0.0.1", () => {
              const address = server.address();
              if (address === null || typeof address === "string") reject(new Error("no TCP address for port 0"));
              else resolve(address.port);
            });
          }),
      ),
    );
  } finally {
    await Promise.all(servers.map((server) => new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()))));
  }
}

/** Resolves once `predicate` holds, polling every `intervalMs`; rejects after `timeoutMs` naming `what`. */
export async function waitUntil(predicate: () => boolean | Promise<boolean>, timeoutMs: number, what: string, intervalMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A spawned `arkreen-node` process with its output captured (stdout and stderr, interleaved as they arrive). */
export class CliProcess {
  readonly child: ChildProcess;
  readonly args: string[];
  readonly exited: Promise<ExitStatus>;
  private stdoutText = "";
  private stderrText = "";
  private combined = "";
  private exitStatus: ExitStatus | null = null;
  private readonly listeners = new Set<() => void>();

  constructor(args: string[], env: NodeJS.ProcessEnv) {
    this.args = args;
    this.child = spawn(process.execPath, [CLI_BIN, ...args], { cwd: REPO_ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    this.child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
      this.stdoutText += chunk;
      this.append(chunk);
    });
    this.child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
      this.stderrText += chunk;
      this.append(chunk);
    });
    this.exited = new Promise((resolve) => {
      // "close" comes after both pipes are drained, so the captured output is complete.
      this.child.once("close", (code, signal) => {
        this.exitStatus = { code, signal };
        this.notify();
        resolve(this.exitStatus);
      });
      this.child.once("error", (e) => {
        this.append(`spawn failed: ${e.message}\n`);
        this.exitStatus = { code: null, signal: null };
        this.notify();
        resolve(this.exitStatus);
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get stdout(): string {
    return this.stdoutText;
  }

  get stderr(): string {
    return this.stderrText;
  }

  /** Everything printed so far, stdout and stderr interleaved. */
  get output(): string {
    return this.combined;
  }

  get hasExited(): boolean {
    return this.exitStatus !== null;
  }

  /**
   * The first match of `pattern` in the output after character `from`, waiting for it up to
   * `timeoutMs`; rejects (with the output's tail) if the process exits or time runs out first.
   */
  async waitForOutput(pattern: RegExp, timeoutMs: number, from = 0): Promise<RegExpExecArray> {
    const find = (): RegExpExecArray | null => new RegExp(pattern.source, pattern.flags.replace("g", "")).exec(this.combined.slice(from));
    const found = find();
    if (found) return found;
    return new Promise((resolve, reject) => {
      const done = (): void => {
        clearTimeout(timer);
        this.listeners.delete(check);
      };
      const check = (): void => {
        const match = find();
        if (match) {
          done();
          resolve(match);
        } else if (this.exitStatus) {
          done();
          reject(new Error(`process exited (${describeExit(this.exitStatus)}) before printing ${pattern}\n${this.tail()}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${pattern}\n${this.tail()}`));
      }, timeoutMs);
      this.listeners.add(check);
    });
  }

  /** The exit status, waiting up to `timeoutMs` for it. */
  async waitForExit(timeoutMs: number): Promise<ExitStatus> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`process did not exit within ${timeoutMs} ms: ${this.args.join(" ")}\n${this.tail()}`)), timeoutMs);
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  signal(signal: NodeJS.Signals): void {
    if (!this.hasExited) this.child.kill(signal);
  }

  /** SIGKILL (a crash, or cleanup): resolves once the process is gone. */
  async kill(): Promise<ExitStatus> {
    this.signal("SIGKILL");
    return this.waitForExit(SIGKILL_EXIT_TIMEOUT_MS);
  }

  /** The last lines of output, for failure messages. */
  tail(lines = 30): string {
    return this.combined.split("\n").slice(-lines).join("\n");
  }

  private append(chunk: string): void {
    this.combined += chunk;
    this.notify();
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }
}

export function describeExit(status: ExitStatus): string {
  return status.signal ? `signal ${status.signal}` : `code ${status.code}`;
}

/** A JSON-RPC error answered by the node: `code` is the JSON-RPC error code. */
export class RpcCallError extends Error {
  readonly code: number;
  readonly data: unknown;

  constructor(method: string, error: { code: number; message: string; data?: unknown }) {
    super(`${method}: ${error.code} ${error.message}${error.data !== undefined ? ` (${JSON.stringify(error.data)})` : ""}`);
    this.code = error.code;
    this.data = error.data;
  }
}

export interface NodeStartOpts {
  /** `--chain`: dev, local, or a chain spec file. */
  chain?: string;
  /** `--base-path`; without it the node uses `--dev`'s temporary storage or its default path. */
  basePath?: string;
  /** More flags, e.g. `["--alice"]`. */
  args?: string[];
  /** Whether to expose Prometheus (on a free port); default true. */
  prometheus?: boolean;
  /** Environment variables for this process only, over the scope's (e.g. `ARKREEN_CLOCK_OFFSET_MS`). */
  env?: Record<string, string>;
  /**
   * RPC and Prometheus ports chosen by the caller (a testnet plan; null: a free one), instead of
   * free ones picked here: nodes started side by side could otherwise be handed a port another
   * one is about to bind.
   */
  ports?: { rpc: number; prometheus: number | null };
}

/** A node process with its RPC (HTTP + WS) and Prometheus on free ports. */
export class NodeProcess {
  readonly proc: CliProcess;
  readonly rpcPort: number;
  readonly prometheusPort: number | null;

  private constructor(proc: CliProcess, rpcPort: number, prometheusPort: number | null) {
    this.proc = proc;
    this.rpcPort = rpcPort;
    this.prometheusPort = prometheusPort;
  }

  /** Spawns the node and resolves once its RPC answers `GET /health`; rejects with the output if it exits first. */
  static async start(opts: NodeStartOpts, env: NodeJS.ProcessEnv): Promise<NodeProcess> {
    const [freeRpc, freeMetrics, p2pPort] = await freePorts(3);
    const rpcPort = opts.ports?.rpc ?? freeRpc;
    const prometheusPort = opts.prometheus === false ? null : (opts.ports?.prometheus ?? freeMetrics);
    const args = [
      ...(opts.chain === undefined ? [] : ["--chain", opts.chain]),
      ...(opts.basePath === undefined ? [] : ["--base-path", opts.basePath]),
      "--rpc-port",
      String(rpcPort),
      ...(opts.args?.includes("--port") ? [] : ["--port", String(p2pPort), "--listen-addr", "127.0.0.1"]),
      ...(prometheusPort === null ? ["--no-prometheus"] : ["--prometheus-port", String(prometheusPort)]),
      // No mDNS unless a test asks for it: nodes of other tests on this machine (same chain spec,
      // same genesis) would otherwise find each other on the loopback network.
      ...(opts.args?.includes("--discover-local") ? [] : ["--no-discover-local"]),
      ...(opts.args ?? []),
    ];
    const node = new NodeProcess(new CliProcess(args, env), rpcPort, prometheusPort);
    await node.waitReady(NODE_READY_TIMEOUT_MS);
    return node;
  }

  get httpUrl(): string {
    return `http://127.0.0.1:${this.rpcPort}/`;
  }

  get wsUrl(): string {
    return `ws://127.0.0.1:${this.rpcPort}`;
  }

  get metricsUrl(): string {
    if (this.prometheusPort === null) throw new Error("node was started without Prometheus");
    return `http://127.0.0.1:${this.prometheusPort}/metrics`;
  }

  /** One JSON-RPC call over HTTP; throws `RpcCallError` for an error answer. */
  async rpc<T = unknown>(method: string, params: unknown[] = []): Promise<T> {
    const res = await fetch(this.httpUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
    });
    const body = (await res.json()) as { result?: T; error?: { code: number; message: string; data?: unknown } };
    if (body.error) throw new RpcCallError(method, body.error);
    return body.result as T;
  }

  /** SIGTERM, then the exit status (rejects if the node takes longer than `timeoutMs`). */
  async stop(timeoutMs: number): Promise<ExitStatus> {
    this.proc.signal("SIGTERM");
    return this.proc.waitForExit(timeoutMs);
  }

  /** kill -9. */
  kill(): Promise<ExitStatus> {
    return this.proc.kill();
  }

  private async waitReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.proc.hasExited) {
        throw new Error(`node exited (${describeExit(await this.proc.exited)}) before its RPC was up: ${this.proc.args.join(" ")}\n${this.proc.tail()}`);
      }
      try {
        const res = await fetch(`http://127.0.0.1:${this.rpcPort}/health`);
        if (res.ok) return;
      } catch {
        // Not listening yet.
      }
      await sleep(50);
    }
    await this.proc.kill();
    throw new Error(`node RPC not up within ${timeoutMs} ms\n${this.proc.tail()}`);
  }
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Owns the processes and directories of one test suite: `dispose()` (in `after`/`afterEach`)
 * stops what still runs and removes what was made. Every process gets `XDG_DATA_HOME` inside
 * the scope, so a command that falls back to the default base path never touches the real one.
 */
export class ProcessScope {
  private readonly processes = new Set<CliProcess>();
  private readonly dirs: string[] = [];
  // Made on first use: mocha never runs the `after` hooks of a suite that --grep leaves out.
  private envCache: NodeJS.ProcessEnv | null = null;

  /** A fresh empty directory, removed by `dispose()`. */
  tempDir(name: string): string {
    const dir = mkdtempSync(join(tmpdir(), `arkreen-e2e-${name}-`));
    this.dirs.push(dir);
    return dir;
  }

  spawn(args: string[], env: Record<string, string> = {}): CliProcess {
    const proc = new CliProcess(args, { ...this.env(), ...env });
    this.processes.add(proc);
    return proc;
  }

  /** Runs a CLI command to completion (with `env` over the scope's); kills it and rejects if it runs longer than `timeoutMs`. */
  async run(args: string[], timeoutMs = 15_000, env: Record<string, string> = {}): Promise<CliResult> {
    const proc = this.spawn(args, env);
    try {
      const status = await proc.waitForExit(timeoutMs);
      return { ...status, stdout: proc.stdout, stderr: proc.stderr };
    } finally {
      if (!proc.hasExited) await proc.kill();
    }
  }

  async startNode(opts: NodeStartOpts): Promise<NodeProcess> {
    const node = await NodeProcess.start(opts, { ...this.env(), ...opts.env });
    this.processes.add(node.proc);
    return node;
  }

  /**
   * SIGTERM to whatever still runs (so that a `--dev` node removes its temporary storage),
   * SIGKILL to what has not exited after `graceMs`, then removes the scope's directories.
   */
  async dispose(graceMs = 3000): Promise<void> {
    await Promise.all(
      [...this.processes].map(async (p) => {
        p.signal("SIGTERM");
        await p.waitForExit(graceMs).catch(() => p.kill());
      }),
    );
    this.processes.clear();
    for (const dir of this.dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
    this.envCache = null;
  }

  private env(): NodeJS.ProcessEnv {
    this.envCache ??= { ...process.env, XDG_DATA_HOME: this.tempDir("xdg") };
    return this.envCache;
  }
}
