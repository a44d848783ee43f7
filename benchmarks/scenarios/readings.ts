/**
 * `readings`: one dev node process on this machine; simulated devices' readings are submitted
 * over JSON-RPC (`pog_submitReadings`, several calls in flight) and followed until the chain has
 * credited them. Reports readings/s verified (accepted into the pool), included + credited end to
 * end (first submission → last credit) and sustained (between the first and the last crediting
 * block). Baseline in the same run: the BLS core alone verifying the same signatures in this
 * process, before the node starts.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fromHex, toHex } from "../../primitives/bytes.ts";
import { createBlsVerifier } from "../../primitives/bls/index.ts";
import { codecs } from "../../primitives/codec/index.ts";
import { devKeypair } from "../../primitives/keys/devAccounts.ts";
import { nullLogger } from "../../primitives/logger.ts";
import { devChainSpec } from "../../genesis/presets.ts";
import { Events } from "../../runtime/modules/system/storage.ts";
import { readingSigningRoot, signedReadingCodec, type SignedReading } from "../../runtime/modules/pog/types.ts";
import { WsRpcClient } from "../../cli/rpcClient.ts";
import { Simulation } from "../../cli/simulator/simulation.ts";
import { ProcessScope } from "../../harness/process.ts";
import type { BenchRow, Scenario } from "../harness.ts";

const DEVICES = 2000;
/** Intervals each device reports (inside the dev chain's 60-interval acceptance window). */
const INTERVALS = 30;
const CHUNK = 500;
/** Submissions in flight, as several gateways would keep. */
const CONCURRENCY = 4;
const TARGET_READINGS_PER_SEC = 2500;
const TIMEOUT_MS = 180_000;

type Submission = { accepted: true } | { accepted: false; reason: string };

function row(name: string, count: number, ms: number, extra: Record<string, unknown> = {}): BenchRow {
  return { name, opsPerSec: Math.round((count / ms) * 1000), perOpUs: Number(((ms * 1000) / count).toFixed(2)), n: count, ...extra };
}

export const scenario: Scenario = {
  description: "readings over JSON-RPC into one dev node: verified, included and credited per second",

  async run(ctx) {
    const scope = new ProcessScope();
    const rows: BenchRow[] = [];
    try {
      const spec = devChainSpec();
      const specPath = join(scope.tempDir("readings-spec"), "spec.json");
      writeFileSync(specPath, JSON.stringify(spec));
      ctx.log("starting a dev node…");
      const node = await scope.startNode({ chain: specPath, args: ["--alice", "--tmp"], prometheus: false });
      const client = await WsRpcClient.connect(`ws://127.0.0.1:${node.rpcPort}`);
      try {
        const sim = new Simulation(
          { devices: DEVICES, capacityW: 10_000, seed: 7, backfill: INTERVALS },
          { client, owner: devKeypair("Bob"), registrar: devKeypair("Alice"), log: ctx.log, now: Date.now },
        );
        await sim.register();
        ctx.log(`signing ${DEVICES} × ${INTERVALS} readings…`);
        const readings: SignedReading[] = sim.due();
        const genesisHash = fromHex(await client.call<string>("chain_getBlockHash", [0]));

        ctx.log("baseline: the BLS core alone on the same signatures…");
        const verifier = await createBlsVerifier({}, { logger: nullLogger(), metrics: null });
        const keys = new Map(sim.devices.map((d) => [d.deviceId, d.keys.publicKey]));
        const sets = readings.map((r) => ({ publicKey: keys.get(r.reading.deviceId) as Uint8Array, message: readingSigningRoot(genesisHash, r.reading), signature: r.signature }));
        const t0 = performance.now();
        const valid = await verifier.verifySignatureSets(sets);
        rows.push(row("bls-core-verify", sets.length, performance.now() - t0, { baseline: true, allValid: valid.every(Boolean) }));
        await verifier.close();

        let credited = 0;
        let rejectedInBlocks = 0;
        let blocks = 0;
        let lastCredit = 0;
        /** When each crediting block was seen, and how many readings it credited. */
        const creditingBlocks: Array<{ at: number; count: number }> = [];
        await client.subscribe("chain_subscribeNewHeads", [], (head) => {
          const number = parseInt((head as { number: string }).number, 16);
          void client.call<string>("chain_getBlockHash", [number]).then(async (hash) => {
            const raw = await client.call<string | null>("state_getStorage", [toHex(Events.key), hash]);
            const events = raw ? codecs.eventList.decode(fromHex(raw)).events : [];
            for (const e of events) {
              if (e.module === "pog" && e.name === "ReadingsCredited") {
                const count = (JSON.parse(e.data) as { count: number }).count;
                credited += count;
                blocks++;
                lastCredit = performance.now();
                creditingBlocks.push({ at: lastCredit, count });
              }
              if (e.module === "pog" && e.name === "ReadingRejected") rejectedInBlocks++;
            }
          });
        });

        ctx.log(`submitting ${readings.length} readings, ${CONCURRENCY} calls of ${CHUNK} in flight…`);
        const encoded = readings.map((r) => toHex(signedReadingCodec.encode(r)));
        const start = performance.now();
        let accepted = 0;
        const reasons = new Map<string, number>();
        let next = 0;
        await Promise.all(
          Array.from({ length: CONCURRENCY }, async () => {
            while (next < encoded.length) {
              const chunk = encoded.slice(next, next + CHUNK);
              next += CHUNK;
              for (const r of await client.call<Submission[]>("pog_submitReadings", [chunk])) {
                if (r.accepted) accepted++;
                else reasons.set(r.reason, (reasons.get(r.reason) ?? 0) + 1);
              }
            }
          }),
        );
        const submitMs = performance.now() - start;
        rows.push(row("verified (accepted into pool)", accepted, submitMs, { rejected: Object.fromEntries(reasons) }));
        const deadline = Date.now() + TIMEOUT_MS;
        while (credited + rejectedInBlocks < accepted && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
        rows.push(row("included + credited (end to end)", credited, lastCredit - start, { blocks, rejectedInBlocks, readingsPerBlock: Math.round(credited / Math.max(blocks, 1)) }));
        // Steady state: what the blocks after the first credited per second between the first and
        // the last crediting block — without the pipeline's fill (the first block waits for the
        // first verified readings) that the end-to-end figure includes.
        creditingBlocks.sort((a, b) => a.at - b.at);
        if (creditingBlocks.length >= 3) {
          const steady = creditingBlocks.slice(1).reduce((sum, b) => sum + b.count, 0);
          rows.push(row("included + credited (sustained)", steady, creditingBlocks[creditingBlocks.length - 1].at - creditingBlocks[0].at, { blocks: creditingBlocks.length - 1 }));
        }
      } finally {
        client.close();
      }
    } finally {
      await scope.dispose();
    }
    const credited = (rows.find((r) => r.name === "included + credited (sustained)") ?? rows.find((r) => r.name === "included + credited (end to end)")) as BenchRow;
    const baseline = rows.find((r) => r.name === "bls-core-verify") as BenchRow;
    return {
      rows,
      notes: [
        `${credited.name}: ${credited.opsPerSec} readings/s (target >= ${TARGET_READINGS_PER_SEC}/s: ${credited.opsPerSec >= TARGET_READINGS_PER_SEC ? "met" : "NOT met"})`,
        `included + credited / bls-core-verify = ${(credited.opsPerSec / baseline.opsPerSec).toFixed(2)}  (end-to-end vs signature verification alone)`,
        `${DEVICES} devices × ${INTERVALS} intervals; node and this client share the machine's cores`,
      ],
    };
  },
};
