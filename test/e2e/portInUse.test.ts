import assert from "node:assert/strict";
import { createServer, type Server } from "node:net";
import { freePorts, ProcessScope } from "../../harness/process.ts";

/** Holds `port` on `host` as another program would. */
function hold(port: number, host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(port, host, () => resolve(server));
  });
}

describe("e2e: a port already in use is one clear line naming the flag", function () {
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
});
