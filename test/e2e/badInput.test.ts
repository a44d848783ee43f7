import assert from "node:assert/strict";
import { join } from "node:path";
import { WebSocket } from "ws";
import { fromHex, toHex } from "../../primitives/bytes.ts";
import { codecs } from "../../primitives/codec/index.ts";
import { DEV_ACCOUNT_NAMES } from "../../primitives/keys/devAccounts.ts";
import { ProcessScope, waitUntil, type NodeProcess } from "../../harness/process.ts";
import { AKRE, accountOf, blockEvents, feePaid, heads, signedTransfer, writeFastDevSpec, type BalanceView } from "../../harness/devChain.ts";

const SLOT_MS = 500;

interface RpcAnswer {
  id?: unknown;
  result?: unknown;
  error?: { code: number; message: string; data?: unknown };
}

/** POSTs `body` as it is (valid JSON-RPC or not) and returns the parsed answer. */
async function post(node: NodeProcess, body: string): Promise<RpcAnswer | RpcAnswer[]> {
  const res = await fetch(node.httpUrl, { method: "POST", headers: { "content-type": "application/json" }, body });
  assert.equal(res.status, 200);
  return (await res.json()) as RpcAnswer | RpcAnswer[];
}

async function postOne(node: NodeProcess, body: string): Promise<RpcAnswer> {
  return (await post(node, body)) as RpcAnswer;
}

function call(method: string, params: unknown[], id = 1): string {
  return JSON.stringify({ jsonrpc: "2.0", id, method, params });
}

async function allBalances(node: NodeProcess): Promise<Record<string, BalanceView>> {
  const entries = await Promise.all(DEV_ACCOUNT_NAMES.map(async (n) => [n, await accountOf(node, n)] as const));
  return Object.fromEntries(entries);
}

describe("e2e: bad input through the real RPC server changes nothing", function () {
  this.timeout(30_000);
  const scope = new ProcessScope();
  let node: NodeProcess;
  let genesis: string;

  before(async () => {
    const dir = scope.tempDir("bad-input");
    node = await scope.startNode({ chain: writeFastDevSpec(dir, SLOT_MS), basePath: join(dir, "base"), args: ["--alice"], prometheus: false });
    genesis = await node.rpc<string>("chain_getBlockHash", [0]);
  });
  after(() => scope.dispose());

  it("answers malformed JSON, invalid requests, unknown methods and bad params with their JSON-RPC codes", async () => {
    assert.equal((await postOne(node, '{"jsonrpc":"2.0","id":1,"method":')).error?.code, -32700);
    assert.equal((await postOne(node, '{"jsonrpc":"2.0","id":1}')).error?.code, -32600);
    assert.equal((await postOne(node, '{"jsonrpc":"1.0","id":1,"method":"system_name"}')).error?.code, -32600);
    assert.equal((await postOne(node, call("system_noSuchMethod", []))).error?.code, -32601);
    assert.equal((await postOne(node, call("system_account", [42]))).error?.code, -32602);
    assert.equal((await postOne(node, call("chain_getBlockHash", ["not a number"]))).error?.code, -32602);
    assert.equal((await postOne(node, call("author_submitExtrinsic", ["0xzz"]))).error?.code, -32602);
    // The node still serves after all that.
    assert.equal(typeof (await postOne(node, call("system_name", []))).result, "string");
  });

  it("answers malformed JSON over WebSocket with -32700 and keeps the connection", async () => {
    const ws = new WebSocket(node.wsUrl);
    await new Promise((resolve, reject) => ws.once("open", resolve).once("error", reject));
    try {
      const next = (): Promise<RpcAnswer> => new Promise((resolve) => ws.once("message", (data) => resolve(JSON.parse(String(data)) as RpcAnswer)));
      const parseError = next();
      ws.send("{not json");
      assert.equal((await parseError).error?.code, -32700);
      const name = next();
      ws.send(call("system_name", [], 7));
      assert.equal((await name).id, 7);
    } finally {
      ws.close();
    }
  });

  it("rejects a flipped signature (1010), a duplicate (1013) and a resubmission after inclusion (1010/1012); only the valid transfer moves funds", async () => {
    const before = await allBalances(node);
    const amount = AKRE;
    const xt = signedTransfer(genesis, "Eve", "Ferdie", amount, before.Eve.nonce);
    const decoded = codecs.signedExtrinsic.decode(fromHex(xt));
    const signature = Uint8Array.from(decoded.signature);
    signature[10] ^= 0x01;
    const forged = toHex(codecs.signedExtrinsic.encode({ ...decoded, signature }));

    assert.equal((await postOne(node, call("author_submitExtrinsic", [forged]))).error?.code, 1010, "flipped signature byte");

    // Both in one batch: the second arrives while the first is certainly still in the pool.
    const { best } = await heads(node);
    const twice = (await post(node, `[${call("author_submitExtrinsic", [xt], 1)},${call("author_submitExtrinsic", [xt], 2)}]`)) as RpcAnswer[];
    const byId = new Map(twice.map((a) => [a.id, a]));
    assert.match(String(byId.get(1)?.result), /^0x[0-9a-f]{64}$/, JSON.stringify(byId.get(1)));
    assert.equal(byId.get(2)?.error?.code, 1013, "duplicate while pooled");

    await waitUntil(async () => (await accountOf(node, "Eve")).nonce === before.Eve.nonce + 1, 10 * SLOT_MS, "the transfer to be included");
    const resubmitted = await postOne(node, call("author_submitExtrinsic", [xt]));
    assert.ok(resubmitted.error && [1010, 1012].includes(resubmitted.error.code), `resubmission after inclusion: ${JSON.stringify(resubmitted)}`);

    // Where it landed, and the fee it paid.
    let fee: bigint | null = null;
    const now = await heads(node);
    for (let n = best.number + 1; fee === null && n <= now.best.number; n++) {
      const hash = await node.rpc<string>("chain_getBlockHash", [n]);
      const block = await node.rpc<{ block: { extrinsics: string[] } }>("chain_getBlock", [hash]);
      const index = block.block.extrinsics.indexOf(xt);
      if (index >= 0) fee = feePaid(await blockEvents(node, hash), index).fee;
    }
    assert.ok(fee !== null, "the transfer is in no block");
    assert.ok(!(await node.rpc<string[]>("author_pendingExtrinsics")).includes(forged), "the forged extrinsic is pooled");

    const after = await allBalances(node);
    assert.deepEqual(after.Eve, { nonce: before.Eve.nonce + 1, free: before.Eve.free - amount - fee, reserved: before.Eve.reserved });
    assert.deepEqual(after.Ferdie, { ...before.Ferdie, free: before.Ferdie.free + amount });
    for (const name of ["Alice", "Bob", "Charlie", "Dave"] as const) assert.deepEqual(after[name], before[name], name);
  });
});
