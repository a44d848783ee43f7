import { strict as assert } from "node:assert";
import { bigintToBytes, fromHex, toHex } from "../../primitives/bytes.ts";
import { devKeypair } from "../../primitives/keys/devAccounts.ts";
import { signExtrinsic } from "../../runtime/extrinsic.ts";
import { transferArgs } from "../../runtime/modules/balances/types.ts";
import { WsRpcClient } from "../../cli/rpcClient.ts";
import { fastDevSpec, startDevNode, waitFor, type TestNode } from "../../harness/devNode.ts";

describe("a full block leaves the rest of the pool for the next blocks (in-process node)", function () {
  this.timeout(30_000);
  let t: TestNode;
  let client: WsRpcClient;

  before(async () => {
    const spec = fastDevSpec(300);
    if (!("runtimeGenesis" in spec.genesis)) throw new Error("expected a runtime genesis");
    // Room for exactly two transfers (50,000 weight each) per block.
    spec.genesis.runtimeGenesis.config.system.maxBlockWeight = 100_000;
    t = await startDevNode({ spec });
    client = await WsRpcClient.connect(t.wsUrl);
  });
  after(async () => {
    client.close();
    await t.stop();
  });

  it("includes every one of 7 transfers, two per block, none dropped", async () => {
    const genesisHash = fromHex(await client.call<string>("chain_getBlockHash", [0]));
    const alice = devKeypair("Alice");
    const bob = devKeypair("Bob").publicKey;
    for (let nonce = 0; nonce < 7; nonce++) {
      const call = { module: "balances", method: "transfer", args: transferArgs.encode({ dest: bob, value: bigintToBytes(10n ** 18n) }) };
      await client.call("author_submitExtrinsic", [toHex(signExtrinsic(genesisHash, alice.secretSeed, call, { nonce }))]);
    }
    await waitFor(async () => (await client.call<{ nonce: string }>("system_account", [toHex(alice.publicKey)])).nonce === "7", 15_000, "all seven included");
    assert.deepEqual(await client.call("author_pendingExtrinsics"), []);
  });
});
