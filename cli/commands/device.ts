import { randomBytes } from "node:crypto";
import { Command } from "commander";
import { fromHex, toHex } from "../../primitives/bytes.ts";
import { blsKeypairFromSeed } from "../../primitives/blsKeys.ts";
import { keypairFromSuri } from "../../primitives/keys/suri.ts";
import { WsRpcClient } from "../rpcClient.ts";
import { FLEX_MODES, type FlexMode } from "../simulator/flexBehaviour.ts";
import { Simulation } from "../simulator/simulation.ts";

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`expected a non-negative integer, got ${value}`);
  return n;
}

function flexMode(value: string): FlexMode {
  if (!(FLEX_MODES as readonly string[]).includes(value)) throw new Error(`expected one of ${FLEX_MODES.join(", ")}, got ${value}`);
  return value as FlexMode;
}

interface SimulateFlags {
  devices: number;
  batteries: number;
  flex: FlexMode;
  owner: string;
  registrar: string;
  capacity: number;
  seed: number;
  backfill: number;
  duration: number;
  rpc: string;
}

async function simulate(flags: SimulateFlags): Promise<void> {
  const client = await WsRpcClient.connect(flags.rpc);
  const log = (line: string): void => {
    process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
  };
  const sim = new Simulation(
    { devices: flags.devices, batteries: flags.batteries, flex: flags.flex, capacityW: flags.capacity, seed: flags.seed, backfill: flags.backfill },
    { client, owner: keypairFromSuri(flags.owner), registrar: keypairFromSuri(flags.registrar), log, now: Date.now },
  );
  let stopped = false;
  const stop = (): void => {
    stopped = true;
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  try {
    await sim.register();
    await sim.watchCommands();
    const started = Date.now();
    let lastReport = started;
    let windowAccepted = 0;
    let windowRejected = 0;
    while (!stopped && (flags.duration === 0 || Date.now() - started < flags.duration * 1000)) {
      const due = sim.due();
      if (due.length > 0) {
        const { accepted, rejected } = await sim.submit(due);
        windowAccepted += accepted;
        windowRejected += rejected;
      }
      await sim.acknowledgeDue();
      const now = Date.now();
      if (now - lastReport >= 5000 || due.length > 0) {
        const secs = (now - lastReport) / 1000;
        const reasons = [...sim.totals.reasons].map(([r, n]) => `${r}=${n}`).join(" ");
        log(
          `interval ${sim.currentInterval() - 1}: readings accepted ${(windowAccepted / secs).toFixed(1)}/s, rejected ${(windowRejected / secs).toFixed(1)}/s | total accepted ${sim.totals.accepted}, rejected ${sim.totals.rejected}${reasons ? ` (${reasons})` : ""} | commands acknowledged ${sim.totals.acknowledged}`,
        );
        lastReport = now;
        windowAccepted = 0;
        windowRejected = 0;
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
  } finally {
    sim.close();
    client.close();
  }
}

/** `device keygen` and `device simulate`. */
export function deviceCommand(): Command {
  const device = new Command("device").description("energy devices: keys and a simulator").enablePositionalOptions();
  device
    .command("keygen")
    .description("generate a device BLS12-381 key pair (for firmware or a registrar)")
    .option("--seed <hex>", "32-byte hex input key material (default: random)")
    .option("--output-type <type>", "text or json", "text")
    .action((flags: { seed?: string; outputType: string }) => {
      const keys = blsKeypairFromSeed(flags.seed ? fromHex(flags.seed) : new Uint8Array(randomBytes(32)));
      const out = { secretKey: toHex(keys.secretKey), publicKey: toHex(keys.publicKey), scheme: "BLS12-381 (G1 public key, G2 signatures, Ethereum PoP ciphersuite)" };
      if (flags.outputType === "json") process.stdout.write(JSON.stringify(out, null, 2) + "\n");
      else process.stdout.write(`Device key (${out.scheme})\n  Secret key:      ${out.secretKey}\n  Public key:      ${out.publicKey}\n`);
    });
  device
    .command("simulate")
    .description("register N simulated solar meters (and batteries) and stream their signed readings to a node")
    .option("--devices <n>", "number of simulated solar meters", positiveInt, 10)
    .option("--batteries <n>", "number of simulated batteries (state of charge; discharge, charge or hold back on flex events)", positiveInt, 0)
    .option("--flex <mode>", "how devices answer flex events: follow, half, ignore, or mixed (by device index)", flexMode, "follow")
    .requiredOption("--owner <suri>", "secret URI of the devices' owner, e.g. //Bob")
    .option("--registrar <suri>", "secret URI of a registrar known to the chain (the dev chain's is //Alice)", "//Alice")
    .option("--capacity <W>", "nameplate capacity of each device in W", positiveInt, 5000)
    .option("--seed <n>", "simulation seed (keys, locations, clouds)", positiveInt, 1)
    .option("--backfill <intervals>", "past intervals to report at start", positiveInt, 5)
    .option("--duration <s>", "stop after this many seconds (0: run until interrupted)", positiveInt, 0)
    .option("--rpc <url>", "node WebSocket RPC endpoint", "ws://127.0.0.1:9944")
    .action(simulate);
  return device;
}
