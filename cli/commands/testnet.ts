import { join, resolve } from "node:path";
import { Command, Option } from "commander";
import { DEV_ACCOUNT_NAMES } from "../../primitives/keys/devAccounts.ts";
import { parseLogFilter } from "../../primitives/logger.ts";
import { defaultBasePath } from "../chainSelection.ts";
import { formatTestnetTable, type TestnetOutput } from "../testnet/output.ts";
import { planTestnet } from "../testnet/plan.ts";
import { checkPorts } from "../testnet/ports.ts";
import { TestnetSupervisor } from "../testnet/supervisor.ts";

/**
 * `arkreen-node testnet --validators 4 --base-path <dir>`: a local network in one step, one
 * `arkreen-node` process per validator of the chain spec, all on 127.0.0.1 (the plan is
 * cli/testnet/plan.ts, the processes cli/testnet/supervisor.ts). See docs/testnet.md.
 */

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
    .addOption(new Option("-l, --log <filter>", "log filter of every node, as the node's -l (e.g. info,sync=debug)").argParser((v: string) => (parseLogFilter(v), v)))
    .action((flags: TestnetFlags) => runTestnet(flags, output));
}
