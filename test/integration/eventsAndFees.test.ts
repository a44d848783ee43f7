import { strict as assert } from "node:assert";
import { bigintToBytes, fromHex, toHex } from "../../primitives/bytes.ts";
import { codecs } from "../../primitives/codec/index.ts";
import { devKeypair } from "../../primitives/keys/devAccounts.ts";
import { balances, signExtrinsic } from "../../runtime/api.ts";
import { httpRpc, startDevNode, waitFor, type TestNode } from "../../harness/devNode.ts";

const alice = devKeypair("Alice");
const bob = devKeypair("Bob");

interface EventJson {
  phase: string;
  extrinsicIndex: number | null;
  module: string;
  name: string;
  data: Record<string, unknown>;
}

describe("state_getEvents and payment_queryInfo (in-process dev node, real HTTP)", function () {
  this.timeout(30_000);
  let t: TestNode;
  const call = async <T>(method: string, params: unknown[]): Promise<T> => {
    const res = await httpRpc(t.httpUrl, method, params);
    if (res.error) throw new Error(`${method}: ${JSON.stringify(res.error)}`);
    return res.result as T;
  };

  before(async () => {
    t = await startDevNode({ slotDurationMs: 300 });
  });
  after(() => t.stop());

  it("estimates a transfer's fee before it is sent (a draft signed with zeros too), and the block's decoded events show exactly that fee paid", async () => {
    const genesisHash = fromHex(await call<string>("chain_getBlockHash", [0]));
    const nonce = await call<number>("system_accountNextIndex", [toHex(alice.publicKey)]);
    const transferCall = { module: "balances", method: "transfer", args: balances.transferArgs.encode({ dest: bob.publicKey, value: bigintToBytes(5n * 10n ** 18n) }) };
    const xt = signExtrinsic(genesisHash, alice.secretSeed, transferCall, { nonce });
    const info = await call<{ weight: { refTime: number; proofSize: number }; class: string; partialFee: string }>("payment_queryInfo", [toHex(xt)]);
    assert.equal(info.class, "normal");
    assert.ok(info.weight.refTime > 0 && BigInt(info.partialFee) > 0n, JSON.stringify(info));
    const draft = codecs.signedExtrinsic.encode({ ...codecs.signedExtrinsic.decode(xt), signature: new Uint8Array(64) });
    assert.deepEqual(await call("payment_queryInfo", [toHex(draft)]), info, "the signature is not part of the estimate");

    await call<string>("author_submitExtrinsic", [toHex(xt)]);
    let found: { hash: string; index: number } | null = null;
    await waitFor(async () => {
      const hash = await call<string>("chain_getBlockHash", []);
      const block = await call<{ block: { extrinsics: string[] } }>("chain_getBlock", [hash]);
      const index = block.block.extrinsics.indexOf(toHex(xt));
      if (index >= 0) found = { hash, index };
      return found !== null;
    }, 10_000, "the transfer in a block");
    const { hash, index } = found!;
    const { block, events } = await call<{ block: string; events: EventJson[] }>("state_getEvents", [hash]);
    assert.equal(block, hash);
    const mine = events.filter((e) => e.phase === "applyExtrinsic" && e.extrinsicIndex === index);
    assert.deepEqual(
      mine.map((e) => `${e.module}.${e.name}`),
      ["transactionPayment.TransactionFeePaid", "balances.Transfer", "system.ExtrinsicSuccess"],
    );
    assert.deepEqual(mine[0].data, { who: toHex(alice.publicKey), actualFee: info.partialFee, tip: "0" });
    assert.deepEqual(mine[1].data, { from: toHex(alice.publicKey), to: toHex(bob.publicKey), amount: (5n * 10n ** 18n).toString() });
    assert.ok(events.every((e) => (e.phase === "applyExtrinsic") === (e.extrinsicIndex !== null)), "extrinsicIndex only for applyExtrinsic events");
  });

  it("refuses a malformed extrinsic and an unknown block with clear errors", async () => {
    const bad = await httpRpc(t.httpUrl, "payment_queryInfo", ["0x1234"]);
    assert.equal(bad.error?.code, -32602);
    assert.match(String((bad.error as { data?: unknown } | undefined)?.data), /^extrinsic: MALFORMED/);
    const unknown = await httpRpc(t.httpUrl, "state_getEvents", [toHex(new Uint8Array(32).fill(7))]);
    assert.ok(unknown.error, JSON.stringify(unknown));
  });
});
