import assert from "node:assert/strict";
import { join } from "node:path";
import { ProcessScope, sleep, type NodeProcess } from "../../harness/process.ts";
import { heads, writeFastDevSpec } from "../../harness/devChain.ts";

const SLOT_MS = 500;

/** The value of one sample (`name{labels} value`) in Prometheus text format; throws if it is absent. */
function sample(text: string, series: string): number {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  if (line === undefined) throw new Error(`no ${series} in the metrics`);
  return Number(line.slice(series.length + 1));
}

async function scrape(node: NodeProcess): Promise<string> {
  const res = await fetch(node.metricsUrl);
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type") ?? "", /^text\/plain/);
  return res.text();
}

describe("e2e: Prometheus exporter and GET /health", function () {
  this.timeout(30_000);
  const scope = new ProcessScope();
  let node: NodeProcess;

  before(async () => {
    const dir = scope.tempDir("metrics");
    node = await scope.startNode({ chain: writeFastDevSpec(dir, SLOT_MS), basePath: join(dir, "base"), args: ["--alice"] });
  });
  after(() => scope.dispose());

  it("exports best and finalized heights that follow the chain, and the ready transactions gauge", async () => {
    const first = await scrape(node);
    const best0 = sample(first, 'substrate_block_height{status="best"}');
    const finalized0 = sample(first, 'substrate_block_height{status="finalized"}');
    assert.ok(Number.isInteger(sample(first, "substrate_ready_transactions_number")));
    await sleep(4 * SLOT_MS);
    const second = await scrape(node);
    const best1 = sample(second, 'substrate_block_height{status="best"}');
    const finalized1 = sample(second, 'substrate_block_height{status="finalized"}');
    assert.ok(best1 >= best0 + 2, `best height ${best0} → ${best1} in four slots`);
    assert.ok(finalized1 >= finalized0 + 2, `finalized height ${finalized0} → ${finalized1} in four slots`);
    // The exporter agrees with RPC (the chain may move by a block between the two reads).
    const rpc = await heads(node);
    assert.ok(rpc.best.number - best1 >= 0 && rpc.best.number - best1 <= 1, `metrics #${best1}, RPC #${rpc.best.number}`);
  });

  it("answers GET /health on the RPC port with JSON", async () => {
    const res = await fetch(`http://127.0.0.1:${node.rpcPort}/health`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /^application\/json/);
    assert.deepEqual(await res.json(), { peers: 0, isSyncing: false, shouldHavePeers: false });
  });
});
