import { strict as assert } from "node:assert";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateKeyPair } from "@libp2p/crypto/keys";
import { peerIdFromPrivateKey } from "@libp2p/peer-id";
import { nullLogger } from "../../primitives/logger.ts";
import { NodeService } from "../../cli/nodeService.ts";
import { TEST_FAULTS_ENV } from "../../rpc/namespaces/devFaults.ts";
import { fastDevSpec, httpRpc } from "../../harness/devNode.ts";

/** An in-process dev node with networking on a free port, started with `ARKREEN_TEST_FAULTS` as given. */
async function startNode(faults: string | undefined): Promise<{ url: string; stop(): Promise<void> }> {
  const basePath = mkdtempSync(join(tmpdir(), "arkreen-faults-rpc-"));
  const saved = process.env[TEST_FAULTS_ENV];
  if (faults === undefined) delete process.env[TEST_FAULTS_ENV];
  else process.env[TEST_FAULTS_ENV] = faults;
  try {
    const node = await NodeService.start(
      {
        spec: fastDevSpec(500),
        basePath,
        name: "faults-rpc",
        validatorSeed: null,
        finalitySecretKey: null,
        rpc: { host: "127.0.0.1", port: 0 },
        prometheus: null,
        network: { port: 0, listenHost: "127.0.0.1", bootnodes: [], nodeKey: null },
      },
      { logger: nullLogger() },
    );
    return {
      url: `http://127.0.0.1:${node.rpcAddress!.port}`,
      stop: async () => {
        await node.stop();
        rmSync(basePath, { recursive: true, force: true });
      },
    };
  } finally {
    if (saved === undefined) delete process.env[TEST_FAULTS_ENV];
    else process.env[TEST_FAULTS_ENV] = saved;
  }
}

describe("dev_denyPeers / dev_allowPeers (test-only fault controls)", function () {
  this.timeout(30_000);

  it("are unknown methods on a node started without ARKREEN_TEST_FAULTS=1", async () => {
    for (const value of [undefined, "0", "true"]) {
      const node = await startNode(value);
      try {
        for (const method of ["dev_denyPeers", "dev_allowPeers"]) {
          const { error } = await httpRpc(node.url, method, [[]]);
          assert.equal(error?.code, -32601, `${method} with ${TEST_FAULTS_ENV}=${value}`);
        }
      } finally {
        await node.stop();
      }
    }
  });

  it("deny and allow peers with it, and check their parameters", async () => {
    const node = await startNode("1");
    try {
      const peer = peerIdFromPrivateKey(await generateKeyPair("Ed25519")).toString();
      assert.deepEqual((await httpRpc(node.url, "dev_denyPeers", [[peer]])).result, [peer]);
      assert.deepEqual((await httpRpc(node.url, "dev_denyPeers", [[peer]])).result, [peer], "denying twice is harmless");
      assert.deepEqual((await httpRpc(node.url, "dev_allowPeers", [[peer]])).result, []);
      for (const bad of [["not-a-peer"], [42], "12D3KooW"]) {
        const { error } = await httpRpc(node.url, "dev_denyPeers", [bad]);
        assert.equal(error?.code, -32602, `refuses ${JSON.stringify(bad)}`);
      }
    } finally {
      await node.stop();
    }
  });
});
