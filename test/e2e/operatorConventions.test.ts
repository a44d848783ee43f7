import assert from "node:assert/strict";
import { chmodSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { freePorts, ProcessScope } from "../../harness/process.ts";

/** Holds `port` on `host` as another program would. */
function hold(port: number, host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(port, host, () => resolve(server));
  });
}

describe("e2e: operator conventions — a port in use, Substrate flags without an equivalent", function () {
  this.timeout(60_000);
  const scope = new ProcessScope();
  after(() => scope.dispose());

  const cases: Array<[string, (p: { p2p: number; rpc: number; prom: number }) => [number, string], RegExp]> = [
    ["p2p", (p) => [p.p2p, "0.0.0.0"], /^Error: p2p port (\d+) is in use: choose another with --port$/],
    ["RPC", (p) => [p.rpc, "127.0.0.1"], /^Error: RPC port (\d+) is in use: choose another with --rpc-port$/],
    ["Prometheus", (p) => [p.prom, "127.0.0.1"], /^Error: Prometheus port (\d+) is in use: choose another with --prometheus-port, or --no-prometheus$/],
  ];
  for (const [name, pick, line] of cases) {
    it(`${name} port held by another program: exit status 1 and one error line naming the flag, no stack trace`, async () => {
      const [p2p, rpc, prom] = await freePorts(3);
      const [port, host] = pick({ p2p, rpc, prom });
      const server = await hold(port, host);
      try {
        const run = await scope.run(["--dev", "--port", String(p2p), "--rpc-port", String(rpc), "--prometheus-port", String(prom)]);
        assert.equal(run.code, 1);
        const errors = run.stderr.split("\n").filter((l) => l.startsWith("Error") || /^\s+at /.test(l));
        assert.equal(errors.length, 1, run.stderr);
        const m = line.exec(errors[0]);
        assert.ok(m, errors[0]);
        assert.equal(Number(m[1]), port);
      } finally {
        server.close();
      }
    });
  }

  it("refuses Substrate flags it has no equivalent for with a pointer to what to use, and accepts --no-telemetry", async () => {
    const refused: Array<[string[], RegExp]> = [
      [["--ws-port", "9945"], /^Error: --ws-port is not supported by arkreen-node: HTTP and WebSocket RPC share one port: use --rpc-port$/m],
      [["--unsafe-rpc-external"], /^Error: --unsafe-rpc-external is not supported by arkreen-node: use --rpc-external --rpc-methods unsafe$/m],
    ];
    for (const [flags, line] of refused) {
      const run = await scope.run(["--dev", ...flags]);
      assert.equal(run.code, 1, run.stderr);
      assert.match(run.stderr, line);
    }
    const node = await scope.startNode({ args: ["--dev", "--no-telemetry", "--no-hardware-benchmarks"] });
    assert.equal(typeof (await node.rpc<string>("system_name", [])), "string");
  });

  it("--node-key-file: the identity `key generate-node-key --file` wrote (hex or --bin raw), refused when others may read the file", async () => {
    const dir = scope.tempDir("node-key");
    for (const bin of [false, true]) {
      const file = join(dir, bin ? "node-key.bin" : "node-key.hex");
      const generated = await scope.run(["key", "generate-node-key", "--file", file, ...(bin ? ["--bin"] : [])]);
      assert.equal(generated.code, 0, generated.stderr);
      const peerId = generated.stderr.trim();
      const node = await scope.startNode({ args: ["--dev", "--node-key-file", file] });
      assert.equal(await node.rpc<string>("system_localPeerId", []), peerId);
      await node.stop(5000);
    }
    const open = join(dir, "node-key.hex");
    chmodSync(open, 0o644);
    const refused = await scope.run(["--dev", "--node-key-file", open]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /permissions 0644 for the node key file .* are too open: it must be readable by its owner only \(chmod 600 /);
  });

  it("the CLI's RPC subcommands find the node through $ARKREEN_RPC_URL when --rpc is not given", async () => {
    const node = await scope.startNode({ args: ["--dev"] });
    const bob = "5GoNkf6WdbxCFnPdAnYYQyCjAKPJgLNxXwPjwTh6DGg6gN3E";
    const viaEnv = await scope.run(["tx", "transfer", "--from", "//Alice", "--to", bob, "--amount", "1"], 30_000, { ARKREEN_RPC_URL: node.wsUrl });
    assert.equal(viaEnv.code, 0, viaEnv.stderr);
    assert.match(viaEnv.stdout + viaEnv.stderr, /Included in block #\d+/);
    const nowhere = await scope.run(["tx", "transfer", "--from", "//Alice", "--to", bob, "--amount", "1"], 30_000, { ARKREEN_RPC_URL: "ws://127.0.0.1:9" });
    assert.notEqual(nowhere.code, 0, "the variable is what the command used");
    await node.stop(5000);
  });

  it("--listen-addr takes several TCP multiaddrs (and a bare IP at --port); anything else is refused naming the value", async () => {
    const [a, b, port] = await freePorts(3);
    const node = await scope.startNode({ args: ["--dev", "--port", String(port), "--listen-addr", `/ip4/127.0.0.1/tcp/${a}`, `/ip4/127.0.0.1/tcp/${b}`] });
    const state = await node.rpc<{ listenedAddresses: string[] }>("system_networkState", []);
    const ports = state.listenedAddresses.map((addr) => Number(/\/tcp\/(\d+)/.exec(addr)?.[1]));
    assert.deepEqual([...new Set(ports)].sort(), [a, b].sort(), JSON.stringify(state.listenedAddresses));
    await node.stop(5000);
    const bad = await scope.run(["--dev", "--listen-addr", "/ip4/127.0.0.1/udp/30333"]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /invalid --listen-addr "\/ip4\/127\.0\.0\.1\/udp\/30333": the node listens on TCP/);
  });
});
