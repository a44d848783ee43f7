import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { ProcessScope } from "../../harness/process.ts";
import { devAddress } from "../../harness/devChain.ts";

describe("e2e: export-chain-spec", function () {
  this.timeout(30_000);
  const scope = new ProcessScope();
  after(() => scope.dispose());

  /** Runs `export-chain-spec` with `args`, checks it succeeded, and returns the parsed spec and its saved copy. */
  async function exportSpec(args: string[], file: string): Promise<{ spec: Record<string, unknown>; path: string }> {
    const run = await scope.run(["export-chain-spec", ...args]);
    assert.equal(run.code, 0, run.stderr);
    const path = join(scope.tempDir("spec"), file);
    writeFileSync(path, run.stdout);
    return { spec: JSON.parse(run.stdout) as Record<string, unknown>, path };
  }

  it("--chain dev prints the development chain: Alice the sole authority, 2 s slots", async () => {
    const { spec } = await exportSpec(["--chain", "dev"], "dev.json");
    assert.equal(spec.id, "dev");
    assert.equal(spec.name, "Development");
    assert.equal(spec.chainType, "Development");
    const config = (spec.genesis as { runtimeGenesis: { config: { aura: { authorities: string[] }; system: { slotDurationMs: number } } } }).runtimeGenesis.config;
    assert.deepEqual(config.aura.authorities, [devAddress("Alice")]);
    assert.equal(config.system.slotDurationMs, 2000);
  });

  it("the plain and --raw dev specs start nodes with the genesis hash of --dev", async () => {
    const plain = await exportSpec(["--chain", "dev"], "dev.json");
    const raw = await exportSpec(["--chain", "dev", "--raw"], "dev-raw.json");
    assert.ok("raw" in (raw.spec.genesis as object), "--raw spec has no raw genesis");
    const [dev, fromPlain, fromRaw] = await Promise.all([
      scope.startNode({ args: ["--dev"], prometheus: false }),
      scope.startNode({ chain: plain.path, basePath: scope.tempDir("plain"), prometheus: false }),
      scope.startNode({ chain: raw.path, basePath: scope.tempDir("raw"), prometheus: false }),
    ]);
    const genesis = await dev.rpc<string>("chain_getBlockHash", [0]);
    assert.equal(await fromPlain.rpc<string>("chain_getBlockHash", [0]), genesis, "plain spec genesis");
    assert.equal(await fromRaw.rpc<string>("chain_getBlockHash", [0]), genesis, "raw spec genesis");
    for (const node of [fromPlain, fromRaw]) assert.equal(await node.rpc<string>("system_chain"), "Development");
  });
});
