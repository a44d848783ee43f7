import { Command } from "commander";
import { NODE_VERSION } from "../node/service.ts";
import { exportBlocksCommand, importBlocksCommand } from "./commands/blocks.ts";
import { deviceCommand } from "./commands/device.ts";
import { recCommand } from "./commands/rec.ts";
import { exportChainSpecCommand } from "./commands/exportChainSpec.ts";
import { keyCommand } from "./commands/key.ts";
import { generateNodeKeyCommand } from "./commands/nodeKey.ts";
import { purgeChainCommand } from "./commands/purgeChain.ts";
import { testnetCommand } from "./commands/testnet.ts";
import { addRunOptions, runNode } from "./commands/run.ts";
import { addSubstrateCompatFlags, refuseUnsupportedSubstrateFlags } from "./substrateFlags.ts";
import { txCommand } from "./commands/tx.ts";

/** The `arkreen-node` command: runs the node by default, with Substrate's subcommands. */
export function createProgram(): Command {
  const program = new Command("arkreen-node")
    .description("Arkreen node: a proof-of-stake chain for distributed renewable energy")
    .version(NODE_VERSION)
    .showHelpAfterError()
    // Subcommands own the flags after their name (`export-blocks --dev`), not the run command.
    .enablePositionalOptions();
  addSubstrateCompatFlags(addRunOptions(program)).action((flags: Record<string, unknown>) => {
    refuseUnsupportedSubstrateFlags(flags);
    return runNode(flags as Parameters<typeof runNode>[0]);
  });
  program.addCommand(keyCommand().addCommand(generateNodeKeyCommand()));
  program.addCommand(exportChainSpecCommand());
  program.addCommand(purgeChainCommand());
  program.addCommand(exportBlocksCommand());
  program.addCommand(importBlocksCommand());
  program.addCommand(txCommand());
  program.addCommand(deviceCommand());
  program.addCommand(recCommand());
  program.addCommand(testnetCommand());
  return program;
}
