import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ChainSpec, RuntimeGenesisConfig } from "../../../genesis/chainSpec.ts";
import { localChainSpec } from "../../../genesis/presets.ts";
import { encodeAddress } from "../../../primitives/keys/ss58.ts";
import { freePorts, sleep, waitUntil, ProcessScope, type CliProcess } from "../../../harness/process.ts";

/**
 * `--discover-local`'s default follows the chain type, as Substrate's does (cli/commands/run.ts,
 * node/network/networkService.ts): mDNS is on for Development and Local chains and off for Live
 * ones. Real node processes on this host, two per chain type, started with no discovery flag and
 * no bootnodes: only mDNS can make them peers. Each chain has a genesis of its own (one random
 * endowed account), so no other test's node answers its mDNS service name. The Live nodes are
 * given `--allow-private-ip`, so what keeps them apart is mDNS's default alone, not the private
 * address filter that Live chains also default to.
 */

const AKRE = 10n ** 18n;
/** Long enough for the first mDNS query and one more round (the host queries every 10 s). */
const FIND_TIMEOUT_MS = 30_000;
/** After the Development and Local pairs found each other: one more mDNS interval for the Live pair to have done so, were mDNS on. */
const LIVE_GRACE_MS = 12_000;

function writeSpec(dir: string, chainType: ChainSpec["chainType"]): string {
  const spec = { ...localChainSpec(), id: `mdns_${chainType.toLowerCase()}`, chainType };
  const config = (spec.genesis as { runtimeGenesis: { config: RuntimeGenesisConfig } }).runtimeGenesis.config;
  config.balances.balances.push([encodeAddress(randomBytes(32)), AKRE.toString()]);
  const path = join(dir, `${chainType}.json`);
  writeFileSync(path, JSON.stringify(spec, null, 2));
  return path;
}

interface Started {
  proc: CliProcess;
  rpcPort: number;
}

/** A non-validator node with no discovery flag and no bootnodes (not through `startNode`, which adds `--no-discover-local`). */
async function start(scope: ProcessScope, chain: string, extra: string[]): Promise<Started> {
  const [p2p, rpcPort] = await freePorts(2);
  const proc = scope.spawn(["--chain", chain, "--base-path", scope.tempDir("mdns"), "--port", String(p2p), "--listen-addr", "127.0.0.1", "--rpc-port", String(rpcPort), "--no-prometheus", ...extra]);
  await proc.waitForOutput(/Running JSON-RPC server/, 30_000);
  return { proc, rpcPort };
}

async function peers(node: Started): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${node.rpcPort}/`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "system_health", params: [] }),
  });
  return ((await res.json()) as { result: { peers: number } }).result.peers;
}

describe("e2e: --discover-local defaults by chain type (mDNS on for Development and Local, off for Live)", function () {
  this.timeout(120_000);
  const scope = new ProcessScope();
  after(() => scope.dispose());

  it("two Development nodes and two Local nodes find each other by mDNS without any flag; two Live nodes do not", async () => {
    const dir = scope.tempDir("mdns-specs");
    const chains = { Development: writeSpec(dir, "Development"), Local: writeSpec(dir, "Local"), Live: writeSpec(dir, "Live") };
    const pairs = {
      Development: await Promise.all([start(scope, chains.Development, []), start(scope, chains.Development, [])]),
      Local: await Promise.all([start(scope, chains.Local, []), start(scope, chains.Local, [])]),
      Live: await Promise.all([start(scope, chains.Live, ["--allow-private-ip"]), start(scope, chains.Live, ["--allow-private-ip"])]),
    };
    for (const type of ["Development", "Local"] as const) {
      await waitUntil(async () => (await Promise.all(pairs[type].map(peers))).every((n) => n === 1), FIND_TIMEOUT_MS, `the two ${type} nodes peers by mDNS`, 250);
    }
    await sleep(LIVE_GRACE_MS);
    assert.deepEqual(await Promise.all(pairs.Live.map(peers)), [0, 0], "Live nodes without --discover-local found a peer: mDNS is on");

    // The same Live chain with the flag: the default, not the chain, kept them apart.
    const flagged = await Promise.all([start(scope, chains.Live, ["--allow-private-ip", "--discover-local"]), start(scope, chains.Live, ["--allow-private-ip", "--discover-local"])]);
    await waitUntil(async () => (await Promise.all(flagged.map(peers))).every((n) => n >= 1), FIND_TIMEOUT_MS, "two Live nodes with --discover-local peers by mDNS", 250);
  });
});
