import { existsSync, rmSync } from "node:fs";
import { createInterface } from "node:readline/promises";
import { Command } from "commander";
import { Database, DatabaseError } from "../../node/db/database.ts";
import { databasePath } from "../../node/service.ts";
import { defaultBasePath, selectChainSpec } from "../chainSelection.ts";

/**
 * `purge-chain --chain <id>|--dev [-y]`: removes the chain's database (Substrate's command). The
 * chain must be named, the database must not be open in a running node, and it asks first.
 */
export function purgeChainCommand(): Command {
  return new Command("purge-chain")
    .description("remove the whole chain database")
    .option("--chain <id-or-path>", "dev, local, or a chain spec file")
    .option("--dev", "shortcut for --chain dev")
    .option("-d, --base-path <path>", "the node's base path")
    .option("-y", "do not ask for confirmation")
    .action(async (flags: { chain?: string; dev?: boolean; basePath?: string; y?: boolean }) => {
      if (flags.chain === undefined && !flags.dev) throw new Error("purge-chain needs --chain <id-or-path> or --dev: the chain whose database to remove");
      const spec = selectChainSpec(flags);
      const path = databasePath(flags.basePath ?? defaultBasePath(), spec);
      if (!existsSync(path)) {
        process.stdout.write(`${path} did not exist.\n`);
        return;
      }
      await ensureNotInUse(path);
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

/**
 * Refuses a database that a running node holds (LevelDB's lock), so its files are not removed
 * under it. A database that fails to open for another reason (corrupted) is still purged: that is
 * what purging is for.
 */
async function ensureNotInUse(path: string): Promise<void> {
  try {
    await (await Database.open(path)).close();
  } catch (e) {
    if (e instanceof DatabaseError && e.type.code === "LOCKED") throw new Error(`${e.message}; nothing was removed`);
  }
}
