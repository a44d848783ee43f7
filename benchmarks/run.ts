/**
 * `npm run bench [-- <scenario>...]`: runs every module in benchmarks/scenarios/ (or the
 * named ones), prints each one's table and writes benchmarks/results/<scenario>.json.
 */
import { readdir } from "node:fs/promises";
import { formatTable, ONE_CPU_TASK_FLAG, runTaskOnOneCpu, writeResults, type Scenario } from "./harness.ts";

const SCENARIOS_DIR = new URL("./scenarios/", import.meta.url);

async function scenarioNames(): Promise<string[]> {
  const files = await readdir(SCENARIOS_DIR);
  return files
    .filter((f) => f.endsWith(".ts"))
    .map((f) => f.slice(0, -".ts".length))
    .sort();
}

async function loadScenario(name: string): Promise<Scenario> {
  const module = (await import(new URL(`${name}.ts`, SCENARIOS_DIR).href)) as { scenario?: Scenario };
  const scenario = module.scenario;
  if (scenario === undefined || typeof scenario.run !== "function") {
    throw new Error(`benchmarks/scenarios/${name}.ts must export \`scenario: Scenario\``);
  }
  return scenario;
}

const log = (line: string): void => {
  process.stderr.write(line + "\n");
};

async function runOneCpuTask(name: string, task: string): Promise<void> {
  const scenario = await loadScenario(name);
  const fn = scenario.oneCpuTasks?.[task];
  if (fn === undefined) throw new Error(`scenario ${name} has no one-CPU task ${task}`);
  process.stdout.write(JSON.stringify(await fn()));
}

async function main(argv: string[]): Promise<number> {
  if (argv[0] === ONE_CPU_TASK_FLAG) {
    await runOneCpuTask(argv[1], argv[2]);
    return 0;
  }
  const available = await scenarioNames();
  const requested = argv.length > 0 ? argv : available;
  const unknown = requested.filter((n) => !available.includes(n));
  if (unknown.length > 0) {
    log(`unknown scenario: ${unknown.join(", ")} (available: ${available.join(", ")})`);
    return 2;
  }
  for (const name of requested) {
    const scenario = await loadScenario(name);
    log(`# ${name}: ${scenario.description}`);
    const result = await scenario.run({ log, runOnOneCpu: (task) => runTaskOnOneCpu(name, task, log) });
    process.stdout.write(`\n## ${name}\n\n${formatTable(result.rows)}\n`);
    if (result.notes?.length) process.stdout.write("\n" + result.notes.join("\n") + "\n");
    log(`wrote ${await writeResults(name, result.rows)}`);
  }
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
