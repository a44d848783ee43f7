/**
 * The benchmark harness: what a scenario module exports, how it times things, and how its
 * results are printed and stored. `run.ts` discovers scenarios; see docs/benchmarks.md.
 */
import { spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { cpus } from "node:os";
import { fileURLToPath } from "node:url";

/** One line of a result table, and of `benchmarks/results/<scenario>.json`. */
export interface BenchRow {
  name: string;
  /** Operations per second over the best timed repeat. */
  opsPerSec: number;
  /** Microseconds per operation over the best timed repeat. */
  perOpUs: number;
  /** Operations in one timed repeat. */
  n: number;
  /** Anything else worth keeping: repeats, thread counts, ratios, notes. */
  [field: string]: unknown;
}

export interface ScenarioResult {
  rows: BenchRow[];
  /** Lines printed under the table (targets and how they were met). */
  notes?: string[];
}

export interface ScenarioContext {
  /** Progress output (stderr), so that stdout carries only the tables. */
  log(line: string): void;
  /**
   * Runs one of the scenario's `oneCpuTasks` in a child process confined to a single CPU
   * (`taskset`), for baselines that must not use a library's own thread pool. Where
   * `taskset` is missing the task runs unconfined and its rows say `oneCpu: false`.
   */
  runOnOneCpu(task: string): Promise<BenchRow[]>;
}

export interface Scenario {
  description: string;
  run(ctx: ScenarioContext): Promise<ScenarioResult>;
  oneCpuTasks?: Record<string, () => Promise<BenchRow[]>>;
}

export interface MeasureOpts {
  name: string;
  /** Operations done by one call of the measured function. */
  n: number;
  /** Timed repeats; the fastest counts (the others mostly measure interference). */
  repeats?: number;
  /** An untimed call first (JIT, caches, worker start-up). Default true. */
  warmup?: boolean;
}

/** Busy and total CPU time of the whole machine so far, in clock ticks (Linux); null elsewhere. */
function machineCpuTicks(): { busy: number; total: number } | null {
  try {
    // First line of /proc/stat: "cpu user nice system idle iowait irq softirq steal ...".
    const fields = readFileSync("/proc/stat", "latin1").split("\n", 1)[0].trim().split(/\s+/).slice(1).map(Number);
    const total = fields.reduce((a, b) => a + b, 0);
    return { busy: total - fields[3] - fields[4], total };
  } catch {
    return null;
  }
}

/** Times `fn` and returns its row; extra fields from `extra` are merged in. */
export async function measure(opts: MeasureOpts, fn: () => unknown, extra: Record<string, unknown> = {}): Promise<BenchRow> {
  if (opts.warmup ?? true) await fn();
  let best = Infinity;
  let bestCpuUs = 0;
  let otherCpus: number | undefined;
  for (let i = 0; i < (opts.repeats ?? 3); i++) {
    const machine = machineCpuTicks();
    const cpu = process.cpuUsage();
    const start = performance.now();
    await fn();
    const elapsed = performance.now() - start;
    if (elapsed < best) {
      best = elapsed;
      const used = process.cpuUsage(cpu);
      bestCpuUs = used.user + used.system;
      const after = machineCpuTicks();
      if (machine && after && after.total > machine.total) {
        const busyCpus = (cpus().length * (after.busy - machine.busy)) / (after.total - machine.total);
        otherCpus = Math.max(0, Number((busyCpus - bestCpuUs / 1000 / elapsed).toFixed(2)));
      }
    }
  }
  return {
    name: opts.name,
    opsPerSec: Math.round((opts.n / best) * 1000),
    perOpUs: Number(((best * 1000) / opts.n).toFixed(2)),
    n: opts.n,
    // CPU time of this process (all its threads) per operation: the cost, whatever the parallelism.
    cpuPerOpUs: Math.round(bestCpuUs / opts.n),
    // CPUs kept busy by other processes meanwhile: how much the machine was shared.
    ...(otherCpus === undefined ? {} : { otherCpus }),
    repeats: opts.repeats ?? 3,
    ...extra,
  };
}

const STANDARD_FIELDS = new Set(["name", "opsPerSec", "perOpUs", "n"]);

/** A fixed-width table: name, ops/s, µs/op, n, then the other fields as `key=value`. */
export function formatTable(rows: readonly BenchRow[]): string {
  const body = rows.map((r) => [
    r.name,
    r.opsPerSec.toLocaleString("en-US"),
    r.perOpUs.toFixed(2),
    String(r.n),
    Object.entries(r)
      .filter(([k]) => !STANDARD_FIELDS.has(k))
      .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
      .join(" "),
  ]);
  const header = ["name", "ops/s", "µs/op", "n", ""];
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (i === 0 || i === cells.length - 1 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join("  ")
      .trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...body.map(line)].join("\n");
}

const RESULTS_DIR = new URL("./results/", import.meta.url);

/** Writes `benchmarks/results/<scenario>.json` (an array of rows) and returns its path. */
export async function writeResults(scenario: string, rows: readonly BenchRow[]): Promise<string> {
  await mkdir(RESULTS_DIR, { recursive: true });
  const file = new URL(`${scenario}.json`, RESULTS_DIR);
  await writeFile(file, JSON.stringify(rows, null, 2) + "\n");
  return fileURLToPath(file);
}

/** Command-line flag with which `run.ts` runs one task of a scenario and prints its rows as JSON. */
export const ONE_CPU_TASK_FLAG = "--one-cpu-task";

function hasTaskset(): boolean {
  return spawnSync("taskset", ["--version"], { stdio: "ignore" }).status === 0;
}

/** Runs `task` of `scenario` through `run.ts` in a child process, pinned to CPU 0 when possible. */
export async function runTaskOnOneCpu(scenario: string, task: string, log: (line: string) => void): Promise<BenchRow[]> {
  const runScript = fileURLToPath(new URL("./run.ts", import.meta.url));
  const args = [runScript, ONE_CPU_TASK_FLAG, scenario, task];
  const pinned = hasTaskset();
  if (!pinned) log(`taskset not found: ${scenario}/${task} runs on all CPUs`);
  const [command, commandArgs] = pinned ? ["taskset", ["--cpu-list", "0", process.execPath, ...args]] : [process.execPath, args];
  const child = spawn(command, commandArgs, { stdio: ["ignore", "pipe", "inherit"] });
  let stdout = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", resolve);
  });
  if (code !== 0) throw new Error(`${scenario}/${task} exited with code ${code}`);
  const rows = JSON.parse(stdout) as BenchRow[];
  return rows.map((row) => ({ ...row, oneCpu: pinned }));
}
