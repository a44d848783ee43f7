import { existsSync, rmSync } from "node:fs";
import { createInterface } from "node:readline/promises";
import { Command } from "commander";
import { databasePath } from "../../node/service.ts";
import { defaultBasePath, selectChainSpec } from "../chainSelection.ts";

/** `purge-chain [-y]`: removes the chain's database (Substrate's command). */
export function purgeChainCommand(): Command {
  return new Command("purge-chain")
    .description("remove the whole chain database")
    .option("--chain <id-or-path>", "dev, local, or a chain spec file")
    .option("--dev", "shortcut for --chain dev")
    .option("-d, --base-path <path>", "the node's base path")
    .option("-y", "do not ask for confirmation")
    .action(async (flags: { chain?: string; dev?: boolean; basePath?: string; y?: boolean }) => {
      const spec = selectChainSpec(flags);
      const path = databasePath(flags.basePath ?? defaultBasePath(), spec);
      if (!existsSync(path)) {
        process.stdout.write(`${path} did not exist.\n`);
        return;
      }
      if (!flags.y) {
        const rl = createInterface({ input: process.stdin, output: process.stdout });
        const answer = await rl.question(`Are you sure to remove "${path}"? [y/N]: `);
        rl.close();
        if (!/^y(es)?$/i.test(answer.trim())) {
          process.stdout.write("Aborted\n");
          return;
        }
      }
      rmSync(path, { recursive: true, force: true });
      process.stdout.write(`"${path}" removed.\n`);
    });
}
