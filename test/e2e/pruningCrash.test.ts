import assert from "node:assert/strict";
import { join } from "node:path";
import { toHex } from "../../primitives/bytes.ts";
import { devKeypair } from "../../primitives/keys/devAccounts.ts";
import { Account } from "../../runtime/modules/system/storage.ts";
import { buildGenesisBlock } from "../../genesis/build.ts";
import { fastDevSpec } from "../../harness/devNode.ts";
import { freePorts, ProcessScope, waitUntil, type NodeProcess } from "../../harness/process.ts";
import { heads, writeFastDevSpec } from "../../harness/devChain.ts";
import type { CrashPointName } from "../../node/crashPoints.ts";
import { databasePath } from "../../node/service.ts";
import { Database } from "../../node/db/database.ts";
import { ChainDatabase } from "../../node/db/repositories.ts";
import { checkPrunedDatabase, type PrunedDatabaseReport } from "../utils/prunedDatabase.ts";

const SLOT_MS = 500;
const KEEP = 8;
/** SIGTERM to exit. */
const STOP_MS = 5000;
/** From the armed start to the crash: a start (~1–2 s) and the third finalization (a dev node finalizes each block it authors). */
const CRASH_WITHIN_MS = 30 * SLOT_MS;
/** Which occurrence kills: the third finalization after the start, a pruning one (the window is full). */
const NTH = 3;
/** The points that bracket the finalization batch that prunes, and the one inside the pruner. */
const POINTS: CrashPointName[] = ["pruning.finalize-ops-built", "finality.before-finalize-batch", "finality.after-finalize-batch"];

const ALICE_KEY = toHex(Account.key(devKeypair("Alice").publicKey));
const spec = fastDevSpec(SLOT_MS);
const genesis = buildGenesisBlock(spec);

/**
 * A dev node (Alice; every block finalized as it is authored, so every block past #8 prunes) on one
 * base path, killed by SIGKILL at each crash point of the finalization that prunes and restarted:
 * after each restart it has every block it had, produces and finalizes on top, and once stopped its
 * database holds every kept state in full with exact reference counts (test/utils/prunedDatabase.ts).
 */
async function crashAtEachPoint(scope: ProcessScope, flags: string[]): Promise<{ report: PrunedDatabaseReport; basePath: string }> {
  const dir = scope.tempDir("pruning-crash");
  const chain = writeFastDevSpec(dir, SLOT_MS);
  const basePath = join(dir, "base");
  const args = ["--alice", ...flags];
  let node: NodeProcess = await scope.startNode({ chain, basePath, args });
  assert.equal(await node.rpc<string>("chain_getBlockHash", [0]), genesisHex(), "the spec file's genesis is the test's");
  await waitUntil(async () => (await heads(node)).finalized.number >= KEEP + 4, 40 * SLOT_MS, `#${KEEP + 4} finalized: the window is full`);
  for (const point of POINTS) {
    const before = await heads(node);
    assert.deepEqual((await node.stop(STOP_MS)).code, 0);
    // Armed run: spawned bare (it dies before or soon after its RPC is up).
    const [rpcPort, p2pPort] = await freePorts(2);
    const armed = scope.spawn(["--chain", chain, "--base-path", basePath, "--rpc-port", String(rpcPort), "--no-prometheus", "--port", String(p2pPort), "--listen-addr", "127.0.0.1", "--no-discover-local", ...args], {
      ARKREEN_CRASH_AT: `${point}:${NTH}`,
    });
    const status = await armed.waitForExit(CRASH_WITHIN_MS);
    assert.equal(status.signal, "SIGKILL", `${point}: died by SIGKILL\n${armed.tail()}`);
    assert.match(armed.output, new RegExp(`crash point ${point.replace(/\./g, "\\.")} reached \\(occurrence ${NTH}\\)`));

    node = await scope.startNode({ chain, basePath, args });
    const startup = await node.proc.waitForOutput(/Best block: #(\d+) \(\S+\), finalized #(\d+)/, 5000);
    const [best, finalized] = [Number(startup[1]), Number(startup[2])];
    assert.ok(finalized >= before.finalized.number && best >= finalized, `${point}: finalized #${before.finalized.number} before, #${finalized} after`);
    assert.equal(await node.rpc<string>("chain_getBlockHash", [before.finalized.number]), before.finalized.hash, `${point}: the finalized block is kept`);
    // It produces and finalizes on top, pruning as it goes.
    await waitUntil(async () => (await heads(node)).finalized.number >= best + 3, 20 * SLOT_MS, `${point}: three more finalized blocks`);
    // Recent states read over RPC; the one just below the window is pruned.
    const head = (await heads(node)).finalized;
    assert.ok(await node.rpc("state_getStorage", [ALICE_KEY, head.hash]));
    assert.ok(await node.rpc("state_getStorage", [ALICE_KEY, await node.rpc<string>("chain_getBlockHash", [head.number - KEEP + 1])]));
  }
  assert.equal((await node.stop(STOP_MS)).code, 0);
  const report = await checkPrunedDatabase(databasePath(basePath, spec), genesis, { state: KEEP });
  return { report, basePath };
}

function genesisHex(): string {
  return toHex(genesis.hash);
}

describe(`e2e: a dev node with --state-pruning ${KEEP} killed in the finalization that prunes, restarted on its base path`, function () {
  this.timeout(120_000);
  const scope = new ProcessScope();
  after(() => scope.dispose());

  it(`${POINTS.join(", ")}: every kept state reads in full, reference counts exact (nothing missing, nothing leaked), production and finality go on`, async () => {
    const { report } = await crashAtEachPoint(scope, ["--state-pruning", String(KEEP)]);
    assert.equal(report.best, report.finalized);
    assert.equal(report.statesRead, KEEP);
    assert.equal(report.pendingJournals, KEEP - 1);
    assert.ok(report.finalized >= KEEP + 4 + 3 * 3, JSON.stringify(report));
  });

  it(`the same with --blocks-pruning ${KEEP}: the bodies below the window are gone, headers stay @slow`, async () => {
    const { report, basePath } = await crashAtEachPoint(scope, ["--state-pruning", String(KEEP), "--blocks-pruning", String(KEEP)]);
    assert.equal(report.statesRead, KEEP);
    const db = await Database.open(databasePath(basePath, spec));
    try {
      const repos = new ChainDatabase(db);
      for (let n = 1; n <= report.finalized; n++) {
        const hash = repos.canonicalHash.getSync(n);
        assert.ok(hash && repos.header.getSync(hash), `header #${n}`);
        assert.equal(repos.blockBody.getSync(hash) !== undefined, n > report.finalized - KEEP, `body of #${n}`);
      }
    } finally {
      await db.close();
    }
  });
});
