import assert from "node:assert/strict";
import { join } from "node:path";
import { buildGenesisBlock } from "../../genesis/build.ts";
import { fastDevSpec } from "../../harness/devNode.ts";
import { freePorts, ProcessScope, waitUntil, type NodeProcess } from "../../harness/process.ts";
import { heads, writeFastDevSpec } from "../../harness/devChain.ts";
import type { CrashPointName } from "../../node/crashPoints.ts";
import { databasePath } from "../../node/service.ts";
import { checkPrunedDatabase } from "../utils/prunedDatabase.ts";

const SLOT_MS = 100;
/** Blocks the author has before the fresh node starts: two sync ranges (128 blocks each) and a bit. */
const BLOCKS = 300;
const RANGE = 128;
const KEEP = 8;
const STOP_MS = 5000;

const spec = fastDevSpec(SLOT_MS);
const genesis = buildGenesisBlock(spec);

/**
 * A fresh node syncing from a dev author imports each 128-block range with one batch
 * (`Chain.importBlocks`, docs/scale.md#sync). Killed by SIGKILL at the second range's commit —
 * before its batch, or right after it — it restarts at a range boundary (#128 or #256), never
 * inside a range, syncs the rest, and its stopped database passes the offline pruning check
 * (every kept state in full, exact reference counts).
 */
describe("e2e: a fresh node killed inside a synced range's commit restarts at a range boundary", function () {
  this.timeout(120_000);
  const scope = new ProcessScope();
  let author: NodeProcess;
  let chain: string;
  let bootnode: string;
  let dir: string;

  before(async () => {
    dir = scope.tempDir("sync-crash");
    chain = writeFastDevSpec(dir, SLOT_MS);
    const [p2p] = await freePorts(1);
    author = await scope.startNode({ chain, basePath: join(dir, "author"), args: ["--alice", "--port", String(p2p), "--listen-addr", "127.0.0.1"] });
    bootnode = `/ip4/127.0.0.1/tcp/${p2p}/p2p/${await author.rpc<string>("system_localPeerId")}`;
    await waitUntil(async () => (await heads(author)).finalized.number >= BLOCKS, BLOCKS * SLOT_MS * 4, `the author at #${BLOCKS}`, 200);
    // Serving only from here (no --alice): the chain stops growing, so each sync has a fixed end.
    assert.equal((await author.stop(STOP_MS)).code, 0);
    author = await scope.startNode({ chain, basePath: join(dir, "author"), args: ["--port", String(p2p), "--listen-addr", "127.0.0.1"] });
  });

  after(() => scope.dispose());

  const cases: Array<{ point: CrashPointName; restartsAt: number }> = [
    { point: "import.before-batch", restartsAt: RANGE },
    { point: "import.after-batch", restartsAt: 2 * RANGE },
  ];
  for (const { point, restartsAt } of cases) {
    it(`${point}:2 → restarts at #${restartsAt}, syncs the rest, database consistent`, async () => {
      const basePath = join(dir, `fresh-${point}`);
      const args = ["--state-pruning", String(KEEP), "--bootnodes", bootnode];
      const [rpcPort, p2pPort] = await freePorts(2);
      const armed = scope.spawn(["--chain", chain, "--base-path", basePath, "--rpc-port", String(rpcPort), "--no-prometheus", "--port", String(p2pPort), "--listen-addr", "127.0.0.1", "--no-discover-local", ...args], {
        ARKREEN_CRASH_AT: `${point}:2`,
      });
      const status = await armed.waitForExit(60_000);
      assert.equal(status.signal, "SIGKILL", `died by SIGKILL\n${armed.tail()}`);
      assert.match(armed.output, new RegExp(`crash point ${point.replace(/\./g, "\\.")} reached \\(occurrence 2\\)`));

      const node = await scope.startNode({ chain, basePath, args });
      const startup = await node.proc.waitForOutput(/Best block: #(\d+) \(\S+\), finalized #(\d+)/, 10_000);
      assert.equal(Number(startup[1]), restartsAt, "the best block is a range boundary: the range's batch was written whole or not at all");
      const target = (await heads(author)).finalized.number;
      await waitUntil(async () => (await heads(node)).finalized.number >= target, 60_000, `the restarted node finalizes the author's #${target}`, 200);
      assert.equal(await node.rpc<string>("chain_getBlockHash", [target]), await author.rpc<string>("chain_getBlockHash", [target]));
      assert.equal((await node.stop(STOP_MS)).code, 0);
      const report = await checkPrunedDatabase(databasePath(basePath, spec), genesis, { state: KEEP });
      assert.ok(report.finalized >= target);
    });
  }
});
