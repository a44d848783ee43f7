/**
 * `network`: the `local` chain's 4 validators as separate processes on loopback (the same plan as
 * `arkreen-node testnet`), with a client submitting transfers to the first node over JSON-RPC.
 * Reports blocks finalized per minute and the finality lag (best − finalized on every node,
 * sampled each slot) under that load, then keeps the network producing until it holds at least
 * `SYNC_BLOCKS` blocks and measures how fast a fresh non-validator node syncs them (blocks/s,
 * from its RPC being up to its best reaching the validators' best at its start).
 *
 * Then, on a fresh network (`discovery` rows): 4 validators and 12 non-validators (16 nodes by
 * default), every one told only of the first validator's address: the time until every node has
 * its target peer count (`min(--out-peers, nodes − 1)`, found through the DHT), and how long each
 * block takes to reach all of them by gossip (p50/p99 over blocks, from the first node's new-head
 * notification to the last one's). `ARKREEN_BENCH_NETWORK_ONLY=discovery` runs that part alone.
 *
 * The slot is short (`SLOT_MS`) so that the 1,000+ blocks for the sync figure are produced in
 * minutes; both figures are per block, so they carry over to longer slots (where finality lag in
 * blocks is, if anything, smaller).
 */
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { ProcessScope, sleep, waitUntil } from "../../harness/process.ts";
import { accountOf, heads, signedTransfer, AKRE } from "../../harness/devChain.ts";
import { allHeads, percentile, startLocalNet } from "../../harness/localNet.ts";
import type { DevAccountName } from "../../primitives/keys/devAccounts.ts";
import type { BenchRow, Scenario, ScenarioContext } from "../harness.ts";
import type { NodeProcess } from "../../harness/process.ts";

/**
 * 500 ms: short enough to produce 1,000 blocks in about 8.5 minutes, long enough that four node
 * processes, their BLS votes and the load client share a 2-core machine without missing slots
 * (at 250 ms, authoring and vote rounds start to overlap on such a machine).
 */
const SLOT_MS = Number(process.env.ARKREEN_BENCH_NETWORK_SLOT_MS ?? 500);
/** How long the finality figures are measured under load. */
const LOAD_MS = Number(process.env.ARKREEN_BENCH_NETWORK_LOAD_MS ?? 60_000);
const SYNC_BLOCKS = Number(process.env.ARKREEN_BENCH_NETWORK_SYNC_BLOCKS ?? 1000);
/** Transfers submitted per second: a steady load, far below what a block holds. */
const TRANSFERS_PER_SEC = 20;
/** Senders that are not validators, so that no bond or author reward touches their nonces. */
const SENDERS: DevAccountName[] = ["Eve", "Ferdie"];
/** Nodes of the discovery run: 4 validators and the rest followers. */
const DISCOVERY_NODES = Number(process.env.ARKREEN_BENCH_NETWORK_DISCOVERY_NODES ?? 16);
/** Blocks whose propagation is timed. */
const PROPAGATION_BLOCKS = Number(process.env.ARKREEN_BENCH_NETWORK_PROPAGATION_BLOCKS ?? 40);
/**
 * Slot of the 16-node run: 16 node processes share the machine's cores, and at the 500 ms slot
 * of the 4-validator run a 2-core machine fell behind (no node reached 40 blocks in 70 s).
 */
const DISCOVERY_SLOT_MS = Number(process.env.ARKREEN_BENCH_NETWORK_DISCOVERY_SLOT_MS ?? 1000);
/** Substrate's `--out-peers` default, which discovery fills. */
const OUT_PEERS = 8;

/** User + system CPU milliseconds of a process so far, all its threads (/proc/<pid>/stat, 100 ticks a second); 0 when unreadable. */
function processCpuMs(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}

/** When each block number's new head reached each node (`chain_subscribeNewHeads` over WebSocket). */
function watchHeads(nodes: readonly NodeProcess[], arrivals: Map<number, number[]>): WebSocket[] {
  return nodes.map((node) => {
    const ws = new WebSocket(node.wsUrl);
    ws.onopen = () => ws.send(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "chain_subscribeNewHeads", params: [] }));
    ws.onmessage = (event) => {
      const at = performance.now();
      const message = JSON.parse(String(event.data)) as { params?: { result?: { number?: string } } };
      const number = message.params?.result?.number;
      if (number === undefined) return;
      const n = Number.parseInt(number, 16);
      const list = arrivals.get(n) ?? [];
      list.push(at);
      arrivals.set(n, list);
    };
    return ws;
  });
}

/** 4 validators + followers told only of the first: time to the target peer count, block propagation p50/p99. */
async function discoveryRun(ctx: ScenarioContext): Promise<{ rows: BenchRow[]; notes: string[] }> {
  const scope = new ProcessScope();
  try {
    ctx.log(`discovery: 4 validators + ${DISCOVERY_NODES - 4} followers, each told only of the first (slot ${DISCOVERY_SLOT_MS} ms)…`);
    const started = performance.now();
    const net = await startLocalNet(scope, { slotMs: DISCOVERY_SLOT_MS, bootnodes: "first" });
    const followers: NodeProcess[] = [];
    for (let i = 0; i < DISCOVERY_NODES - 4; i++) followers.push(await net.startFollower(`follower${i + 1}`));
    const nodes = [...net.nodes, ...followers];
    const target = Math.min(OUT_PEERS, nodes.length - 1);
    const startedAll = performance.now();
    await waitUntil(
      async () => (await Promise.all(nodes.map((n) => n.rpc<unknown[]>("system_peers")))).every((p) => p.length >= target),
      180_000,
      `≥ ${target} peers on all ${nodes.length} nodes`,
      250,
    );
    const connectedMs = performance.now() - startedAll;
    const sinceFirstMs = performance.now() - started;
    ctx.log(`every node has ≥ ${target} peers ${(connectedMs / 1000).toFixed(1)} s after the last one started; timing ${PROPAGATION_BLOCKS} blocks' propagation…`);
    const arrivals = new Map<number, number[]>();
    const sockets = watchHeads(nodes, arrivals);
    const from = (await heads(nodes[0])).best.number + 2;
    // A node that falls behind imports several blocks at once and announces only its new best, so
    // some heights never reach every node's new-head stream: wait for every node to pass the last
    // height, then time the heights that did reach all of them (and say how many).
    const last = from + PROPAGATION_BLOCKS - 1;
    await waitUntil(async () => (await Promise.all(nodes.map(heads))).every((h) => h.best.number >= last), (PROPAGATION_BLOCKS + 30) * DISCOVERY_SLOT_MS * 2, "every node past the timed blocks", 250);
    await sleep(500);
    for (const ws of sockets) ws.close();
    const spreads = [...Array(PROPAGATION_BLOCKS).keys()]
      .map((i) => arrivals.get(from + i) ?? [])
      .filter((times) => times.length >= nodes.length)
      .map((times) => Math.max(...times) - Math.min(...times))
      .sort((a, b) => a - b);
    if (spreads.length === 0) throw new Error(`none of the ${PROPAGATION_BLOCKS} blocks reached every node's new-head stream`);
    const p50 = Number(percentile(spreads, 50).toFixed(1));
    const p99 = Number(percentile(spreads, 99).toFixed(1));
    return {
      rows: [
        row("discovery-target-peers", nodes.length, connectedMs, { ms: Math.round(connectedMs), sinceFirstStartMs: Math.round(sinceFirstMs), targetPeers: target }),
        row("block-propagation", spreads.length, spreads.reduce((a, b) => a + b, 0), { p50Ms: p50, p99Ms: p99, maxMs: Number(spreads[spreads.length - 1].toFixed(1)), nodes: nodes.length, slotMs: DISCOVERY_SLOT_MS }),
      ],
      notes: [
        `${nodes.length} nodes (4 validators) told only of one bootnode reached ≥ ${target} peers each ${(connectedMs / 1000).toFixed(1)} s after the last one started ` +
          `(${(sinceFirstMs / 1000).toFixed(1)} s after the first); a block reached all of them in p50 ${p50} ms, p99 ${p99} ms (${spreads.length} of ${PROPAGATION_BLOCKS} blocks seen by every node, first to last new-head notification).`,
      ],
    };
  } finally {
    await scope.dispose();
  }
}

function row(name: string, count: number, ms: number, extra: Record<string, unknown>): BenchRow {
  return { name, opsPerSec: Number(((count / ms) * 1000).toFixed(2)), perOpUs: Number(((ms * 1000) / Math.max(count, 1)).toFixed(0)), n: count, ...extra };
}

export const scenario: Scenario = {
  description:
    "4 validators on loopback with transfer load: blocks finalized per minute, finality lag p50/p99, a fresh node's sync speed; 16 nodes told of one bootnode: time to the target peer count, block propagation p50/p99",

  async run(ctx) {
    const discovery = await discoveryRun(ctx);
    if (process.env.ARKREEN_BENCH_NETWORK_ONLY === "discovery") return discovery;
    const scope = new ProcessScope();
    try {
      ctx.log(`starting 4 validators (chain local, slot ${SLOT_MS} ms)…`);
      const net = await startLocalNet(scope, { slotMs: SLOT_MS });
      const [first] = net.nodes;
      await waitUntil(async () => (await heads(first)).finalized.number >= 2, 60 * SLOT_MS, "first finalized blocks", 100);
      const genesis = await first.rpc<string>("chain_getBlockHash", [0]);

      const nonces = new Map<DevAccountName, number>(SENDERS.map((s) => [s, 0]));
      let submitted = 0;
      let refused = 0;
      let loading = true;
      const load = (async () => {
        while (loading) {
          const tick = Date.now();
          await Promise.all(
            Array.from({ length: TRANSFERS_PER_SEC }, (_, i) => {
              const from = SENDERS[i % SENDERS.length];
              const nonce = nonces.get(from) as number;
              nonces.set(from, nonce + 1);
              submitted++;
              return first.rpc("author_submitExtrinsic", [signedTransfer(genesis, from, "Bob", AKRE / 1000n, nonce)]).catch(() => refused++);
            }),
          );
          await sleep(Math.max(0, 1000 - (Date.now() - tick)));
        }
      })();

      ctx.log(`measuring finality for ${LOAD_MS / 1000} s under ${TRANSFERS_PER_SEC} transfers/s…`);
      const startHeads = await heads(first);
      const startedAt = performance.now();
      const lags: number[] = [];
      while (performance.now() - startedAt < LOAD_MS) {
        await sleep(SLOT_MS);
        for (const h of await allHeads(net.nodes)) lags.push(h.best.number - h.finalized.number);
      }
      const endHeads = await heads(first);
      const loadMs = performance.now() - startedAt;
      loading = false;
      await load;
      // Nonces count the transfers included (each one bumps its sender's nonce, fee charged or not).
      const included = (await Promise.all(SENDERS.map((s) => accountOf(first, s)))).reduce((sum, a) => sum + a.nonce, 0);
      const finalized = endHeads.finalized.number - startHeads.finalized.number;
      const produced = endHeads.best.number - startHeads.best.number;
      lags.sort((a, b) => a - b);
      const lagP50 = percentile(lags, 50);
      const lagP99 = percentile(lags, 99);
      const perMinute = Number(((finalized / loadMs) * 60_000).toFixed(1));

      ctx.log(`producing up to #${SYNC_BLOCKS} for the sync measurement…`);
      await waitUntil(async () => (await heads(first)).best.number >= SYNC_BLOCKS, (SYNC_BLOCKS + 120) * SLOT_MS * 1.5, `block #${SYNC_BLOCKS}`, 1000);
      const target = (await heads(first)).best.number;
      ctx.log(`a fresh node syncs #1…#${target}…`);
      const follower = await net.startFollower("sync-bench");
      const syncStart = performance.now();
      const cpuStart = processCpuMs(follower.proc.pid);
      await waitUntil(async () => (await heads(follower)).best.number >= target, 600_000, `the fresh node to reach #${target}`, 100);
      const syncMs = performance.now() - syncStart;
      // CPU time of the syncing process as well as the wall clock: on a shared machine the wall
      // clock moves with the load from one run to the next, the CPU per block much less.
      const syncCpuMs = processCpuMs(follower.proc.pid) - cpuStart;
      const blocksPerCpuSecond = Number(((target / Math.max(syncCpuMs, 1)) * 1000).toFixed(1));

      const rows = [
        row("finalized-blocks", finalized, loadMs, { perMinute, produced, lagP50, lagP99, lagMax: lags[lags.length - 1], lagSamples: lags.length, slotMs: SLOT_MS, transfersSubmitted: submitted, transfersRefused: refused, transfersIncluded: included }),
        row("fresh-node-sync", target, syncMs, { slotMs: SLOT_MS, cpuMs: syncCpuMs, blocksPerCpuSecond, loadAverage: Number(loadavg()[0].toFixed(2)) }),
      ];
      return {
        rows: [...rows, ...discovery.rows],
        notes: [
          ...discovery.notes,
          `Finality under ${TRANSFERS_PER_SEC} transfers/s to node 1, slot ${SLOT_MS} ms: ${perMinute} blocks finalized per minute ` +
            `(${finalized} of ${produced} produced in ${(loadMs / 1000).toFixed(0)} s), best − finalized p50 ${lagP50}, p99 ${lagP99} (${lags.length} samples over 4 nodes); ${included} of ${submitted} transfers included.`,
          `A fresh non-validator node synced ${target} blocks in ${(syncMs / 1000).toFixed(1)} s: ${rows[1].opsPerSec} blocks/s (target ≥ 500 for empty blocks; ` +
            `${blocksPerCpuSecond} blocks per CPU-second of the syncing process, load average ${loadavg()[0].toFixed(2)}).`,
        ],
      };
    } finally {
      await scope.dispose();
    }
  },
};
