import assert from "node:assert/strict";
import { Agent, request } from "node:http";
import { ProcessScope, type NodeProcess } from "../../../harness/process.ts";

interface Answer {
  id?: unknown;
  result?: unknown;
  error?: { code: number; message: string; data?: unknown };
}

/** POST over `agent` (maxSockets 1: one keep-alive connection), returning status and parsed body. */
function post(agent: Agent, node: NodeProcess, body: string | Buffer): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request(node.httpUrl, { method: "POST", agent, headers: { "content-type": "application/json" } }, (res) => {
      let text = "";
      res.setEncoding("utf8").on("data", (chunk: string) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : undefined }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

const call = (id: number): { jsonrpc: string; id: number; method: string; params: unknown[] } => ({ jsonrpc: "2.0", id, method: "system_name", params: [] });

describe("run command: RPC limit flags", function () {
  this.timeout(30_000);
  const scope = new ProcessScope();
  after(() => scope.dispose());

  it("refuses bad values with a clear message before starting anything", async () => {
    const cases: [string[], RegExp][] = [
      [["--rpc-max-request-size", "0"], /--rpc-max-request-size must be a whole number of MiB from 1 to 511, got "0"/],
      [["--rpc-rate-limit", "fast"], /--rpc-rate-limit must be calls per minute \(an integer from 1\) or off, got "fast"/],
      [["--rpc-rate-limit-whitelisted-ips", "10.0.0.0/33"], /10\.0\.0\.0\/33 is not an IP address or CIDR block/],
      [["--rpc-headers-timeout", "20", "--rpc-request-timeout", "10"], /the headers timeout cannot exceed the request timeout/],
    ];
    const runs = await Promise.all(cases.map(([flags]) => scope.run(["--dev", "--tmp", "--no-prometheus", "--rpc-port", "0", "--port", "0", ...flags])));
    runs.forEach((run, i) => {
      assert.equal(run.code, 1, `${cases[i][0].join(" ")}: exit code\n${run.stderr}`);
      assert.match(run.stderr, cases[i][1]);
    });
  });

  it("applies the limits set on the command line", async () => {
    const node = await scope.startNode({
      args: ["--dev", "--tmp", "--rpc-max-batch-request-len", "4", "--rpc-rate-limit", "6", "--rpc-max-request-size", "1"],
      prometheus: false,
    });
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const tooLong = await post(agent, node, JSON.stringify([call(1), call(2), call(3), call(4), call(5)]));
      assert.equal((tooLong.json as Answer).error?.code, -32010);
      const batch = (await post(agent, node, JSON.stringify([call(1), call(2), call(3), call(4)]))).json as Answer[];
      assert.ok(batch.every((a) => typeof a.result === "string"));
      const over = (await post(agent, node, JSON.stringify([call(5), call(6), call(7)]))).json as Answer[];
      assert.deepEqual(
        over.map((a) => a.error?.code ?? "ok").sort(),
        [-32999, "ok", "ok"].sort(),
        "6 calls a minute on this connection: the 7th is refused",
      );
      const big = await post(new Agent(), node, Buffer.alloc(1024 * 1024 + 1, " "));
      assert.equal(big.status, 413);
      assert.equal((big.json as Answer).error?.code, -32007);
    } finally {
      agent.destroy();
    }
  });
});
