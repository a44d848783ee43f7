import { Command } from "commander";
import { toRawChainSpec } from "../../genesis/build.ts";
import { selectChainSpec } from "../chainSelection.ts";

/** `export-chain-spec --chain dev [--raw]`: prints the chain spec JSON (Substrate's command). */
export function exportChainSpecCommand(): Command {
  return new Command("export-chain-spec")
    .alias("build-spec")
    .description("print the chain spec as JSON")
    .option("--chain <id-or-path>", "dev, local, or a chain spec file", "local")
    .option("--dev", "shortcut for --chain dev")
    .option("--raw", "replace the genesis config by the raw genesis storage")
    .action((flags: { chain: string; dev?: boolean; raw?: boolean }) => {
      const spec = selectChainSpec({ chain: flags.dev ? "dev" : flags.chain });
      process.stdout.write(JSON.stringify(flags.raw ? toRawChainSpec(spec) : spec, null, 2) + "\n");
    });
}
