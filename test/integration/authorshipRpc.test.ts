import { strict as assert } from "node:assert";
import { fromHex, toHex } from "../../primitives/bytes.ts";
import { devKeypair } from "../../primitives/keys/devAccounts.ts";
import { sealedSlot } from "../../primitives/seal.ts";
import { httpRpc, startDevNode, waitFor, type TestNode } from "../../harness/devNode.ts";
import type { BlockAuthorshipJson } from "../../rpc/namespaces/authorship.ts";

/**
 * `chain_getAuthorship` on an in-process dev node (Alice authors and finalizes every block alone
 * with instant-finality justifications): each block's slot as its header names it, Alice as author
 * and only signer, justifications exactly where `chain_getBlock` shows them; bad params refused.
 */
describe("chain_getAuthorship on a dev node", function () {
  this.timeout(30_000);
  const alice = toHex(devKeypair("Alice").publicKey);
  let node: TestNode;

  before(async () => {
    node = await startDevNode({ slotDurationMs: 100 });
    await waitFor(() => node.node.chain.finalized.number >= 6, 20_000, "the dev chain finalizes #6");
  });
  after(async () => {
    await node.stop();
  });

  async function call<T>(method: string, params: unknown[]): Promise<T> {
    const res = await httpRpc(node.httpUrl, method, params);
    if (res.error) throw new Error(`${method}: ${res.error.message}`);
    return res.result as T;
  }

  it("answers each block's slot, Alice as author and signer, and the justifications chain_getBlock shows", async () => {
    const blocks = await call<BlockAuthorshipJson[]>("chain_getAuthorship", [0, 5]);
    assert.deepEqual(blocks.map((b) => b.number), [1, 2, 3, 4], "genesis skipped; the window ends at fromNumber + count - 1");
    for (const b of blocks) {
      const signed = await call<{ justifications: Array<[string, string]> | null }>("chain_getBlock", [b.hash]);
      assert.equal(b.hash, await call<string>("chain_getBlockHash", [b.number]));
      assert.equal(b.author, alice);
      assert.equal(b.authoringKey, alice);
      assert.equal(b.authorIndex, 0);
      assert.equal(b.justification !== null, signed.justifications !== null, `#${b.number}: a justification where chain_getBlock has one`);
      assert.deepEqual(b.justification, { engine: "inst", setId: null, round: null, signers: [alice] });
    }
    const head = node.node.chain.best.number;
    const tail = await call<BlockAuthorshipJson[]>("chain_getAuthorship", [head - 1, 256]);
    assert.ok(tail.length >= 2 && tail[0].number === head - 1, "stops at the head");
    const slot = sealedSlot(node.node.chain.header(fromHex(tail[0].hash))!);
    assert.equal(tail[0].slot, slot.toString());
  });

  it("refuses a missing count, more than 256 blocks and a negative start", async () => {
    for (const params of [[1], [1, 257], [-1, 4], [1, 0], ["1", 4]]) {
      const res = await httpRpc(node.httpUrl, "chain_getAuthorship", params);
      assert.equal(res.error?.code, -32602, JSON.stringify(params));
    }
  });
});
