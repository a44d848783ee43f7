import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { toHex } from "../../../primitives/bytes.ts";
import { devKeypair } from "../../../primitives/keys/devAccounts.ts";
import { buildGenesisBlock } from "../../../genesis/build.ts";
import { loadChainSpecFile } from "../../../genesis/chainSpec.ts";
import { Bucket } from "../../../node/db/buckets.ts";
import { Database } from "../../../node/db/database.ts";
import { databasePath } from "../../../node/service.ts";
import { signExtrinsic } from "../../../runtime/extrinsic.ts";
import { STATE_PRUNED_CODE } from "../../../rpc/namespaces/state.ts";
import { registerCall, TestDevice } from "../../../harness/energy.ts";
import { headerAt, heads } from "../../../harness/devChain.ts";
import { RpcCallError, ProcessScope, sleep, waitUntil, type NodeProcess } from "../../../harness/process.ts";
import { allHeads, hashDifferences, startLocalNet, waitFinalized, type LocalNet } from "../../../harness/localNet.ts";
import { checkPrunedDatabase } from "../../utils/prunedDatabase.ts";

const SLOT_MS = 1000;
const STOP_MS = 5000;
/** Finalized blocks the validators reach before the late node starts (well past the window of 8). */
const FINALIZED_BEFORE_JOIN = 30;
/** The long form: past the default window of 256 states. */
const LONG_FINALIZED_BEFORE_JOIN = 280;
const DEVICES = 3;

interface Feed {
  submitted: number;
  accepted: number;
  stop(): Promise<void>;
}

/**
 * Readings of `devices` every second to `node`: each device reports the next interval (energy in
 * steps its meter adds up), from inside the acceptance window towards the current interval.
 */
function feedReadings(node: NodeProcess, genesisHash: Uint8Array, devices: TestDevice[], intervalSecs: number, window: number): Feed {
  let running = true;
  const feed: Feed = { submitted: 0, accepted: 0, stop: async () => ((running = false), await loop) };
  let next = Math.floor(Date.now() / 1000 / intervalSecs) - window + 5;
  const loop = (async () => {
    while (running) {
      if (next < Math.floor(Date.now() / 1000 / intervalSecs)) {
        const readings = devices.map((d) => d.json(genesisHash, d.next(next, 40, 3_000)));
        const answers = await node.rpc<Array<{ accepted: boolean }>>("pog_submitReadings", [readings]);
        feed.submitted += readings.length;
        feed.accepted += answers.filter((a) => a.accepted).length;
        next++;
      }
      await sleep(SLOT_MS);
    }
  })();
  return feed;
}

/** Stored trie nodes of a stopped node's database. */
async function trieNodes(path: string): Promise<number> {
  const db = await Database.open(path);
  try {
    let n = 0;
    for await (const _ of db.keys(Uint8Array.of(Bucket.trieNode))) n++;
    return n;
  } finally {
    await db.close();
  }
}

async function duKiB(path: string): Promise<number> {
  return Number(execFileSync("du", ["-sk", path], { encoding: "utf8" }).split("\t")[0]);
}

/**
 * Four validators with `--state-pruning <keep>` (absent: the default, 256) and default blocks
 * pruning (archive-canonical), readings flowing, `finalizedBeforeJoin` blocks finalized; then a
 * fresh non-validator (an archive, so that its state of #1 shows it executed every block itself)
 * syncs from the pruned peers, reaches the finalized head, follows, and agrees on state roots and
 * credited readings. Stopped: DB sizes, and the validator's database checked offline.
 */
async function lateNodeScenario(scope: ProcessScope, keep: number | null, finalizedBeforeJoin: number): Promise<void> {
  const KEEP = keep ?? 256;
  const net: LocalNet = await startLocalNet(scope, { slotMs: SLOT_MS, args: keep === null ? [] : ["--state-pruning", String(keep)] });
  for (const node of net.nodes) assert.match(node.proc.output, new RegExp(`State pruning: the last ${KEEP} finalized states; blocks pruning: archive-canonical`));
  const spec = loadChainSpecFile(net.plan.specPath);
  const genesis = buildGenesisBlock(spec);
  assert.equal(toHex(genesis.hash), await net.nodes[0].rpc<string>("chain_getBlockHash", [0]));
  if (!("runtimeGenesis" in spec.genesis)) throw new Error("a runtime genesis spec");
  const pog = spec.genesis.runtimeGenesis.config.pog as { readingIntervalSecs: number; acceptanceWindowIntervals: number };

  // Devices for Eve, countersigned by the registrar Alice; readings once they are registered.
  const eve = devKeypair("Eve");
  const devices = Array.from({ length: DEVICES }, (_, i) => new TestDevice(70 + i, i));
  for (const [i, d] of devices.entries()) {
    await net.nodes[0].rpc("author_submitExtrinsic", [toHex(signExtrinsic(genesis.hash, eve.secretSeed, registerCall(genesis.hash, eve, d.key, devKeypair("Alice")), { nonce: i }))]);
  }
  await waitUntil(async () => (await net.nodes[0].rpc("device_get", [DEVICES - 1])) !== null, 30 * SLOT_MS, "the devices registered", 250);
  const feeds = [feedReadings(net.nodes[0], genesis.hash, devices, pog.readingIntervalSecs, pog.acceptanceWindowIntervals)];
  await waitFinalized(net.nodes, finalizedBeforeJoin, (finalizedBeforeJoin + 50) * SLOT_MS, `#${finalizedBeforeJoin} finalized on every validator`);
  // The validators pruned: the state of #1 is gone.
  const first = await net.nodes[0].rpc<string>("chain_getBlockHash", [1]);
  await assert.rejects(net.nodes[0].rpc("state_getStorage", ["0x00", first]), (e: unknown) => e instanceof RpcCallError && e.code === STATE_PRUNED_CODE);

  // The late node: an archive, so that its state of #1 shows it executed every block itself.
  const late = await net.startFollower("late", ["--state-pruning", "archive"]);
  const joinedAt = await heads(net.nodes[0]);
  await waitFinalized([late], joinedAt.finalized.number, 60 * SLOT_MS, `the late node to reach the finalized #${joinedAt.finalized.number}`);
  await waitFinalized([late], joinedAt.finalized.number + 3, 20 * SLOT_MS, "the late node to follow finality");
  for (const feed of feeds) await feed.stop();
  assert.ok(feeds[0].accepted >= DEVICES * 10, `readings flowed: ${feeds[0].accepted} of ${feeds[0].submitted} accepted`);

  const finalized = Math.min(...(await allHeads([...net.nodes, late])).map((h) => h.finalized.number));
  assert.deepEqual(await hashDifferences([...net.nodes, late], 1, finalized), [], "one finalized chain on every node");
  const at = await late.rpc<string>("chain_getBlockHash", [finalized]);
  const roots = await Promise.all([...net.nodes, late].map(async (n) => (await headerAt(n, at)).stateRoot));
  assert.equal(new Set(roots).size, 1, `state root of #${finalized}`);
  // The same credited readings at that block on a validator and on the late node.
  const now = Math.floor(Date.now() / 1000 / pog.readingIntervalSecs);
  const generation = (n: NodeProcess) => n.rpc<{ totalWh: number; intervals: unknown[] }>("pog_generation", [0, now - pog.acceptanceWindowIntervals, now, at]);
  const [validatorGen, lateGen] = await Promise.all([generation(net.nodes[1]), generation(late)]);
  assert.deepEqual(lateGen, validatorGen);
  assert.ok(lateGen.intervals.length >= 10, `credited intervals of device 0: ${lateGen.intervals.length}`);
  const lateStateAt1 = await late.rpc("state_getEvents", [first]);
  assert.ok(lateStateAt1, "the late archive node holds the state of #1: it executed it");

  // Stopped: database sizes (pruned validator vs the archive late node, same chain), and the
  // validator's database holds every kept state with exact reference counts.
  const best = (await heads(net.nodes[0])).best.number;
  await Promise.all([...net.nodes, late].map((n) => n.stop(STOP_MS)));
  const validatorDb = databasePath(net.plan.nodes[0].basePath, spec);
  const lateDb = databasePath(`${net.dir}/late`, spec);
  const [validatorKiB, lateKiB] = [await duKiB(validatorDb), await duKiB(lateDb)];
  const report = await checkPrunedDatabase(validatorDb, genesis, { state: KEEP });
  const lateNodes = await trieNodes(lateDb);
  console.log(
    `      after #${best}, ${feeds[0].accepted} readings: validator (--state-pruning ${KEEP}) ${report.storedNodes} trie nodes, ${validatorKiB} KiB; ` +
      `late node (archive) ${lateNodes} trie nodes, ${lateKiB} KiB; validator: ${report.statesRead} kept states read in full (${report.keysRead} keys), counts exact`,
  );
  assert.ok(report.statesRead >= KEEP);
  assert.ok(lateNodes > report.storedNodes, "the archive holds more trie nodes than the pruned validator");
}

describe("e2e: 4 validators with pruning and readings flowing; a late node syncs from the pruned peers", function () {
  const scope = new ProcessScope();
  afterEach(() => scope.dispose());

  it(`--state-pruning 8, ${FINALIZED_BEFORE_JOIN} blocks finalized: a fresh non-validator imports every block from genesis, reaches the finalized head and follows with the validators' state roots @slow`, async function () {
    this.timeout(240_000);
    await lateNodeScenario(scope, 8, FINALIZED_BEFORE_JOIN);
  });

  it(`default pruning (256 states), ${LONG_FINALIZED_BEFORE_JOIN} blocks finalized: the same past the default window @slow`, async function () {
    this.timeout((LONG_FINALIZED_BEFORE_JOIN + 180) * SLOT_MS);
    await lateNodeScenario(scope, null, LONG_FINALIZED_BEFORE_JOIN);
  });
});
