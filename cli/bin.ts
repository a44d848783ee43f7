#!/usr/bin/env node
import { exitStatusFor } from "./commands/run.ts";
import { createProgram } from "./program.ts";

createProgram()
  .parseAsync(process.argv)
  .catch((e: unknown) => {
    process.stderr.write(`Error: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(exitStatusFor(e));
  });
