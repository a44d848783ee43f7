import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { testnetCommand } from "../../../cli/commands/testnet.ts";
import { TestnetError } from "../../../cli/testnet/errors.ts";
import { formatTestnetTable } from "../../../cli/testnet/output.ts";
import { planTestnet, testnetNodeKey, type TestnetPlanOpts } from "../../../cli/testnet/plan.ts";
import { TestnetSupervisor } from "../../../cli/testnet/supervisor.ts";
import { localChainSpec } from "../../../genesis/presets.ts";
import { peerIdOfNodeKey } from "../../../p2p/nodeKey.ts";
import { freePorts, ProcessScope, waitUntil } from "../../../harness/process.ts";

function opts(basePath: string, extra: Partial<TestnetPlanOpts> = {}): TestnetPlanOpts {
  return { validators: 4, basePath, chain: "local", portsOf: (i) => ({ p2p: 40000 + i, rpc: 41000 + i, prometheus: 42000 + i }), ...extra };
}

describe("testnet command: plan", function () {
  const scope = new ProcessScope();
  after(() => scope.dispose());

  it("plans Alice…Dave with deterministic peer ids, consecutive ports, the slot in a written spec and every other node as bootnode", async () => {
    const dir = scope.tempDir("testnet-plan");
    const plan = await planTestnet(opts(dir, { slotMs: 1000 }));
    assert.deepEqual(plan.nodes.map((n) => n.name), ["Alice", "Bob", "Charlie", "Dave"]);
    assert.equal(plan.slotMs, 1000);
    const spec = JSON.parse(readFileSync(plan.specPath, "utf8")) as ReturnType<typeof localChainSpec>;
    assert.ok("runtimeGenesis" in spec.genesis);
    assert.equal(spec.genesis.runtimeGenesis.config.system.slotDurationMs, 1000);
    assert.equal(await peerIdOfNodeKey(testnetNodeKey("Bob")), plan.nodes[1].peerId);
    assert.equal((await planTestnet(opts(scope.tempDir("testnet-plan-again"), { slotMs: 1000 }))).nodes[1].peerId, plan.nodes[1].peerId, "same peer id in another base path");
    assert.equal(new Set(plan.nodes.map((n) => n.peerId)).size, 4);

    const bob = plan.nodes[1];
    const flag = (name: string): string => bob.args[bob.args.indexOf(name) + 1];
    assert.equal(flag("--chain"), plan.specPath);
    assert.equal(flag("--base-path"), join(dir, "bob"));
    assert.deepEqual([flag("--port"), flag("--rpc-port"), flag("--prometheus-port")], ["40001", "41001", "42001"]);
    assert.equal(flag("--node-key"), bob.nodeKey);
    assert.ok(bob.args.includes("--bob"));
    assert.deepEqual(bob.args.slice(bob.args.indexOf("--bootnodes") + 1), [0, 2, 3].map((i) => `/ip4/127.0.0.1/tcp/${40000 + i}/p2p/${plan.nodes[i].peerId}`));

    const table = formatTestnetTable(plan).split("\n");
    assert.equal(table.length, 5);
    assert.match(table[2], new RegExp(`^Bob\\s+40001\\s+41001\\s+42001\\s+${bob.peerId}$`));
  });

  it("reuses the spec a testnet wrote before, and refuses another slot on that base path", async () => {
    const dir = scope.tempDir("testnet-reuse");
    const first = await planTestnet(opts(dir, { slotMs: 2000 }));
    const again = await planTestnet(opts(dir, { slotMs: 2000 }));
    assert.equal(again.specPath, first.specPath);
    await assert.rejects(planTestnet(opts(dir, { slotMs: 1000 })), (e: unknown) => e instanceof TestnetError && e.code === "SPEC_CONFLICT");
  });

  it("refuses a validator count other than the spec's authorities, naming both", async () => {
    const dir = scope.tempDir("testnet-count");
    await assert.rejects(
      planTestnet(opts(dir, { validators: 3 })),
      (e: unknown) => e instanceof TestnetError && e.code === "VALIDATOR_COUNT_MISMATCH" && /--validators 3 .* 4 authorities \(Alice, Bob, Charlie, Dave\)/.test(e.message),
    );
    const lines: string[] = [];
    await assert.rejects(testnetCommand({ out: (t) => lines.push(t) }).parseAsync(["--validators", "5", "--base-path", dir], { from: "user" }), /--validators 5 does not match chain local/);
    assert.deepEqual(lines, [], "nothing started");
  });

  it("refuses a spec whose authorities are not dev accounts", async () => {
    const dir = scope.tempDir("testnet-foreign");
    const spec = localChainSpec();
    assert.ok("runtimeGenesis" in spec.genesis);
    spec.genesis.runtimeGenesis.config.aura.authorities[0] = "0x" + "11".repeat(32);
    const path = join(dir, "foreign.json");
    writeFileSync(path, JSON.stringify(spec));
    await assert.rejects(planTestnet(opts(join(dir, "net"), { chain: path })), (e: unknown) => e instanceof TestnetError && e.code === "UNKNOWN_AUTHORITY");
  });
});

describe("testnet command: supervisor @slow", function () {
  this.timeout(60_000);
  const scope = new ProcessScope();
  after(() => scope.dispose());

  it("starts one process per validator, forwards their logs prefixed with the name, and stops them all", async () => {
    const ports = await freePorts(12);
    const plan = await planTestnet(opts(scope.tempDir("testnet-run"), { slotMs: 1000, portsOf: (i) => ({ p2p: ports[3 * i], rpc: ports[3 * i + 1], prometheus: ports[3 * i + 2] }) }));
    let output = "";
    const supervisor = new TestnetSupervisor({ plan, logToFiles: false }, { output: { out: (t) => (output += t) } });
    supervisor.start();
    try {
      await waitUntil(
        async () => {
          const answers = await Promise.all(plan.nodes.map((n) => fetch(`http://127.0.0.1:${n.ports.rpc}/`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "system_health", params: [] }) }).then((r) => r.json() as Promise<{ result: { peers: number } }>, () => null)));
          return answers.every((a) => a !== null && a.result.peers === 3);
        },
        30_000,
        "every node's RPC up with 3 peers",
        250,
      );
      for (const name of ["alice  ", "bob    ", "charlie", "dave   "]) assert.match(output, new RegExp(`^${name} \\| .*Chain specification: Local Testnet`, "m"));
    } finally {
      await supervisor.stop();
    }
    assert.match(output, /^dave {4}\| .*Node stopped/m, "each node shut down cleanly on SIGTERM");
    assert.doesNotMatch(output, /exited \(/, "no node exit is reported as unexpected");
    for (const node of plan.nodes) assert.equal(await fetch(`http://127.0.0.1:${node.ports.rpc}/health`).then(() => "up", () => "down"), "down", `${node.name} is gone`);
  });
});
