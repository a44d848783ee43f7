import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, mkdirSync, type WriteStream } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { TestnetOutput } from "./output.ts";
import type { TestnetPlan } from "./plan.ts";

/** The CLI entry point every node process runs. */
const CLI_BIN = fileURLToPath(new URL("../bin.ts", import.meta.url));

/**
 * SIGTERM to exit before SIGKILL: a node stops authoring, networking, RPC and closes LevelDB in
 * well under a second; 10 s leaves room for a loaded machine without leaving a hung node behind.
 */
const STOP_GRACE_MS = 10_000;

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
