import assert from "node:assert/strict";
import { Command } from "commander";
import { addRunOptions, rpcOpts, type RunFlags } from "../../../../cli/commands/run.ts";

function parse(args: string[]): RunFlags {
  const program = addRunOptions(new Command().exitOverride());
  program.parse(["node", "arkreen-node", ...args]);
  return program.opts<RunFlags>();
}

describe("--rpc-rate-limit", () => {
  it("off lifts the per-connection budget (rateLimitPerMinute null), as its help offers", () => {
    assert.equal(rpcOpts(parse(["--rpc-rate-limit", "off"])).rateLimitPerMinute, null);
  });

  it("a number sets the budget, and without the flag the server's default stays", () => {
    assert.equal(rpcOpts(parse(["--rpc-rate-limit", "600"])).rateLimitPerMinute, 600);
    assert.equal("rateLimitPerMinute" in rpcOpts(parse([])), false);
  });
});
