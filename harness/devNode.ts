import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { devChainSpec } from "../genesis/presets.ts";
import type { ChainSpec } from "../genesis/chainSpec.ts";
import { devKeypair } from "../primitives/keys/devAccounts.ts";
import { nullLogger } from "../primitives/logger.ts";
import type { ArkreenNode } from "../node/service.ts";
import { NodeService } from "../cli/nodeService.ts";
import { RpcClientError } from "../cli/rpcClient.ts";

/**
 * The dev chain spec with a shorter slot, so that tests see blocks quickly. Without `mint`, the
 * rewards schedule emits nothing: tests that account for every base unit of a transfer are not
 * disturbed by an epoch's rewards landing on the author or the treasury mid-test.
 */
export function fastDevSpec(slotDurationMs: number, opts: { mint?: boolean } = {}): ChainSpec {
  const spec = devChainSpec();
  if (!("runtimeGenesis" in spec.genesis)) throw new Error("dev spec is not a runtime genesis spec");
  const config = spec.genesis.runtimeGenesis.config;
  config.system.slotDurationMs = slotDurationMs;
  if (!opts.mint) config.rewards = { ...(config.rewards as Record<string, unknown>), schedule: [[1, "0"]] };
  return spec;
}

export interface TestNode {
  node: ArkreenNode;
  basePath: string;
  httpUrl: string;
  wsUrl: string;
  stop(opts?: { keepData?: boolean }): Promise<void>;
}

/** An in-process dev node (Alice authoring) on a fresh LevelDB and an ephemeral RPC port. */
export async function startDevNode(opts: { slotDurationMs?: number; basePath?: string; validator?: boolean; mint?: boolean; spec?: ChainSpec } = {}): Promise<TestNode> {
  const basePath = opts.basePath ?? mkdtempSync(join(tmpdir(), "arkreen-test-"));
  const service = await NodeService.start(
    {
      spec: opts.spec ?? fastDevSpec(opts.slotDurationMs ?? 500, { mint: opts.mint }),
      basePath,
      name: "test-node",
      validatorSeed: opts.validator === false ? null : devKeypair("Alice").secretSeed,
      finalitySecretKey: null,
      rpc: { host: "127.0.0.1", port: 0 },
      prometheus: { host: "127.0.0.1", port: 0 },
      network: null,
    },
    { logger: nullLogger() },
  );
  const { port } = service.rpcAddress!;
  return {
    node: service.node,
    basePath,
    httpUrl: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}`,
    stop: async (stopOpts) => {
      await service.stop();
      if (!stopOpts?.keepData) rmSync(basePath, { recursive: true, force: true });
    },
  };
}

/** Resolves once `predicate` holds, polling every 20 ms; rejects after `timeoutMs`. */
export async function waitFor(predicate: () => boolean | Promise<boolean>, timeoutMs: number, what = "condition"): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** One JSON-RPC call over HTTP; returns the whole response object. */
export async function httpRpc(url: string, method: string, params: unknown[] = []): Promise<{ result?: unknown; error?: { code: number; message: string; data?: unknown } }> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) });
  return (await res.json()) as { result?: unknown; error?: { code: number; message: string } };
}

/** The JSON-RPC error a call is expected to fail with; fails the test if the call succeeds. */
export async function rpcError(p: Promise<unknown>): Promise<RpcClientError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof RpcClientError) return e;
    throw e;
  }
  throw new Error("expected an RPC error");
}
