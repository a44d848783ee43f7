/**
 * Crash-point runs on the local testnet (test/e2e/crashPoints.test.ts): a validator restarted
 * with `ARKREEN_CRASH_AT` (node/crashPoints.ts) and watched until it kills itself, and what the
 * checks after its normal restart read from the network.
 */
import { CliProcess, freePorts, sleep, describeExit, type ExitStatus, type ProcessScope } from "../../../harness/process.ts";
import type { CrashPointName } from "../../../node/crashPoints.ts";
import type { Heads } from "../../../harness/devChain.ts";
import type { LocalNet } from "../../../harness/localNet.ts";

/** How often the armed node's heads are read while it runs: the last answer bounds what it had stored. */
const POLL_MS = 100;

export interface CrashRun {
  point: CrashPointName;
  status: ExitStatus;
  /** The armed process's whole output. */
  output: string;
  /** The last heads its RPC answered before it died; null when it died before its RPC answered. */
  lastSeen: Heads | null;
}

/**
 * Starts validator `index` on its base path with `ARKREEN_CRASH_AT=<point>:<nth>` and waits for it
 * to exit, reading its heads meanwhile. It is spawned directly, not as a `NodeProcess`: it may
 * crash before its RPC is up (an import while it syncs). A process still running after
 * `timeoutMs` is killed and reported as such.
 */
export async function runUntilCrash(scope: ProcessScope, net: LocalNet, index: number, point: CrashPointName, nth: number, timeoutMs: number): Promise<CrashRun> {
  const node = net.plan.nodes[index];
  const [rpcPort] = await freePorts(1);
  const args = ["--chain", net.plan.specPath, "--base-path", node.basePath, "--rpc-port", String(rpcPort), "--no-prometheus", ...node.peerArgs];
  const proc = new CliProcess(args, { ...process.env, XDG_DATA_HOME: scope.tempDir("xdg"), ARKREEN_CRASH_AT: `${point}:${nth}` });
  let lastSeen: Heads | null = null;
  try {
    const deadline = Date.now() + timeoutMs;
    while (!proc.hasExited && Date.now() < deadline) {
      lastSeen = (await headsAt(rpcPort)) ?? lastSeen;
      await sleep(POLL_MS);
    }
    if (!proc.hasExited) throw new Error(`validator ${node.name} did not reach crash point ${point}:${nth} within ${timeoutMs} ms\n${proc.tail()}`);
    return { point, status: await proc.exited, output: proc.output, lastSeen };
  } finally {
    if (!proc.hasExited) await proc.kill();
  }
}

/** A one-line summary of a crash run for assertion messages. */
export function describeRun(run: CrashRun): string {
  const seen = run.lastSeen ? `last seen best #${run.lastSeen.best.number}, finalized #${run.lastSeen.finalized.number}` : "its RPC never answered";
  return `${run.point}: ${describeExit(run.status)}, ${seen}`;
}

/**
 * The best and finalized heads over JSON-RPC on `port`, finalized first (as devChain's `heads`,
 * which needs a `NodeProcess`); null while the RPC does not answer or the node goes down mid-read.
 */
export async function headsAt(port: number): Promise<Heads | null> {
  try {
    const finalizedHash = await rpcAt<string>(port, "chain_getFinalizedHead");
    const bestHash = await rpcAt<string>(port, "chain_getBlockHash");
    const [best, finalized] = await Promise.all([bestHash, finalizedHash].map((h) => rpcAt<{ number: string }>(port, "chain_getHeader", [h])));
    return { best: { number: parseInt(best.number, 16), hash: bestHash }, finalized: { number: parseInt(finalized.number, 16), hash: finalizedHash } };
  } catch {
    return null;
  }
}

async function rpcAt<T>(port: number, method: string, params: unknown[] = []): Promise<T> {
  const res = await fetch(`http://127.0.0.1:${port}/`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const body = (await res.json()) as { result?: T; error?: { message: string } };
  if (body.error || body.result === undefined || body.result === null) throw new Error(`${method}: ${body.error?.message ?? "no result"}`);
  return body.result;
}

