import { Option, type Command } from "commander";

/**
 * Flags a Substrate operator types out of habit that this node has no equivalent for, each with a
 * pointer to what to use instead; and the two it accepts as no-ops because there is nothing to turn
 * off. Refusing with a pointer beats commander's bare "unknown option": a copied command line from
 * a Substrate guide then says what to change.
 */
const REFUSED: ReadonlyArray<{ flag: string; value?: string; pointer: string }> = [
  { flag: "--ws-port", value: "port", pointer: "HTTP and WebSocket RPC share one port: use --rpc-port" },
  { flag: "--ws-external", pointer: "use --rpc-external (HTTP and WebSocket share one listener)" },
  { flag: "--unsafe-ws-external", pointer: "use --rpc-external --rpc-methods unsafe" },
  { flag: "--unsafe-rpc-external", pointer: "use --rpc-external --rpc-methods unsafe" },
  { flag: "--ws-max-connections", value: "n", pointer: "use --rpc-max-connections" },
  { flag: "--rpc-max-payload", value: "MiB", pointer: "use --rpc-max-request-size and --rpc-max-response-size" },
  { flag: "--database", value: "backend", pointer: "the node stores its chain in LevelDB only" },
  { flag: "--db-cache", value: "MiB", pointer: "LevelDB's cache is not configurable from the command line" },
  { flag: "--sync", value: "mode", pointer: "the node syncs in full (every block imported and executed); warp sync is not available" },
  { flag: "--execution", value: "strategy", pointer: "the runtime is native TypeScript: there is no Wasm execution to choose" },
  { flag: "--wasm-execution", value: "method", pointer: "the runtime is native TypeScript: there is no Wasm execution to choose" },
  { flag: "--max-runtime-instances", value: "n", pointer: "the runtime is native TypeScript: there are no runtime instances" },
  { flag: "--offchain-worker", value: "when", pointer: "the runtime has no offchain workers" },
  { flag: "--telemetry-url", value: "url", pointer: "the node has no telemetry client: use --prometheus-port for metrics" },
  { flag: "--force-authoring", pointer: "a validator authors in its own slots whether or not it has peers" },
];
const NO_OPS: readonly string[] = ["--no-telemetry", "--no-hardware-benchmarks"];

function attributeOf(flag: string): string {
  return flag.slice(2).replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
}

/** Adds the refused and the accepted-but-inert Substrate flags, hidden from --help. */
export function addSubstrateCompatFlags(program: Command): Command {
  for (const { flag, value } of REFUSED) program.addOption(new Option(value ? `${flag} <${value}>` : flag).hideHelp());
  for (const flag of NO_OPS) program.addOption(new Option(flag, "accepted for Substrate compatibility; has no effect").hideHelp());
  return program;
}

/** Throws, naming the flag and what to use instead, when one of the refused flags was given. */
export function refuseUnsupportedSubstrateFlags(flags: Record<string, unknown>): void {
  for (const { flag, pointer } of REFUSED) {
    if (flags[attributeOf(flag)] !== undefined) throw new Error(`${flag} is not supported by arkreen-node: ${pointer}`);
  }
}
