/**
 * What one RPC client can make a real dev node do (docs/security.md, "RPC clients"): a huge list
 * is refused before it is parsed or looked up, and a flood of bad-signature readings is throttled
 * on its own connection while another gateway's readings are taken and blocks go on.
 */
import assert from "node:assert/strict";
import { fromHex, toHex } from "../../../primitives/bytes.ts";
import { devKeypair } from "../../../primitives/keys/devAccounts.ts";
import { signExtrinsic } from "../../../runtime/extrinsic.ts";
import { httpRpc, startDevNode, waitFor, type TestNode } from "../../../harness/devNode.ts";
import { registerCall, TestDevice, type ReadingJson } from "../../../harness/energy.ts";
import { WsClient, type RpcMessage } from "./helpers.ts";

const INTERVAL_MS = 60_000;
const DEVICES = 25;

async function headNumber(t: TestNode, method: "chain_getHeader" | "chain_getFinalizedHead"): Promise<number> {
  if (method === "chain_getHeader") return parseInt(((await httpRpc(t.httpUrl, method)).result as { number: string }).number, 16);
  const hash = (await httpRpc(t.httpUrl, method)).result as string;
  return parseInt(((await httpRpc(t.httpUrl, "chain_getHeader", [hash])).result as { number: string }).number, 16);
}

describe("rpc call cost on a dev node", function () {
  this.timeout(60_000);
  let t: TestNode;
  let genesisHash: Uint8Array;
  const devices = Array.from({ length: DEVICES }, (_, i) => new TestDevice(101 + i, i));

  before(async () => {
    t = await startDevNode({ slotDurationMs: 500 });
    genesisHash = fromHex((await httpRpc(t.httpUrl, "chain_getBlockHash", [0])).result as string);
    const alice = devKeypair("Alice");
    const bob = devKeypair("Bob");
    const batch = devices.map((d, nonce) => ({
      jsonrpc: "2.0",
      id: nonce,
      method: "author_submitExtrinsic",
      params: [toHex(signExtrinsic(genesisHash, bob.secretSeed, registerCall(genesisHash, bob, d.key, alice), { nonce }))],
    }));
    await (await fetch(t.httpUrl, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(batch) })).text();
    await waitFor(async () => (await httpRpc(t.httpUrl, "device_get", [DEVICES - 1])).result !== null, 20_000, "registered devices");
  });
  after(async () => {
    await t?.stop();
  });

  it("refuses chain_getBlockHash with 3,000,000 numbers at once, before parsing or looking any up; 1,025 are refused as invalid params", async () => {
    const chain = t.node.chain;
    const hashAt = chain.hashAt.bind(chain);
    let lookups = 0;
    // Only block 0's lookups, the number the requests ask for: the node itself looks up the blocks
    // it finalizes meanwhile (the set-change recorder, finality), never the genesis.
    chain.hashAt = (n) => (n === 0 && lookups++, hashAt(n));
    try {
      const body = Buffer.from(`{"jsonrpc":"2.0","id":1,"method":"chain_getBlockHash","params":[[${Array(3_000_000).fill("0").join(",")}]]}`);
      let best = Infinity;
      for (let i = 0; i < 3; i++) {
        const start = performance.now();
        const res = await fetch(t.httpUrl, { method: "POST", headers: { "content-type": "application/json" }, body });
        const answer = (await res.json()) as RpcMessage;
        best = Math.min(best, performance.now() - start);
        assert.equal(answer.error?.code, -32007, JSON.stringify(answer));
      }
      // The old node held for 13.2 s; refused at the size gate (the 6 MB body is read, not parsed)
      // it took 20–57 ms on the 2-core machine, more under load. A timing is not this test's to
      // pin: 1 s separates the two on a loaded CI machine as well.
      assert.ok(best < 1000, `refused in ${best.toFixed(1)} ms at best`);
      const tooMany = await httpRpc(t.httpUrl, "chain_getBlockHash", [Array(1025).fill(0)]);
      assert.deepEqual(tooMany.error, { code: -32602, message: "Invalid params", data: "block numbers: expected at most 1024, got 1025" });
      assert.equal(lookups, 0, "no block number was looked up");
      const most = await httpRpc(t.httpUrl, "chain_getBlockHash", [Array(1024).fill(0)]);
      assert.equal((most.result as string[]).length, 1024);
    } finally {
      chain.hashAt = hashAt;
    }
  });

  it("throttles a connection flooding bad-signature readings while another gateway's readings are accepted and blocks are produced and finalized", async () => {
    const now = Math.floor(Date.now() / INTERVAL_MS);
    const wrongGenesis = new Uint8Array(32).fill(9);
    // 1,000 readings (25 devices × 40 intervals) whose signatures are valid points over the wrong message.
    const bad: ReadingJson[] = [];
    for (const d of devices) for (let interval = now - 45; interval < now - 5; interval++) bad.push(new TestDevice(101 + d.deviceId, d.deviceId).json(wrongGenesis, { deviceId: d.deviceId, interval, cumulativeWh: 1, energyWh: 1, peakW: 1 }));
    const bestBefore = await headNumber(t, "chain_getHeader");
    const finalizedBefore = await headNumber(t, "chain_getFinalizedHead");

    const attacker = await WsClient.connect(t.wsUrl);
    const answers: RpcMessage[] = [];
    let flooding = true;
    let id = 0;
    const send = (): void => attacker.send(JSON.stringify({ jsonrpc: "2.0", id: id++, method: "pog_submitReadings", params: [bad] }));
    // Four calls always in flight, each sent again as soon as it is answered.
    const flood = (async () => {
      for (let i = 0; i < 4; i++) send();
      while (flooding) {
        answers.push(await attacker.next(20_000));
        if (flooding) send();
      }
    })();

    try {
      await new Promise((r) => setTimeout(r, 300));
      // Another gateway, on its own connection, reports 5 devices for 2 intervals while the flood runs.
      for (let round = 0; round < 2; round++) {
        const good = devices.slice(0, 5).map((d) => d.json(genesisHash, d.next(now - 3 + round, 10)));
        const res = await httpRpc(t.httpUrl, "pog_submitReadings", [good]);
        assert.deepEqual(res.result, good.map(() => ({ accepted: true })), `round ${round}: ${JSON.stringify(res)}`);
        await new Promise((r) => setTimeout(r, 300));
      }
      await waitFor(async () => (await headNumber(t, "chain_getFinalizedHead")) >= finalizedBefore + 4, 10_000, "finality during the flood");
      assert.ok((await headNumber(t, "chain_getHeader")) >= bestBefore + 4, "blocks produced during the flood");
    } finally {
      flooding = false;
      await flood;
      await attacker.close();
    }
    const reasons = (a: RpcMessage): Set<string | undefined> => new Set((a.result as Array<{ reason?: string }>).map((r) => r.reason));
    const checked = answers.filter((a) => Array.isArray(a.result) && !reasons(a).has("Busy"));
    const throttled = answers.filter((a) => a.error?.code === -32999);
    assert.equal(checked.length, 1, "one call's worth of bad signatures is verified; the others are refused or answered Busy before any check");
    assert.deepEqual([...reasons(checked[0])].filter((r) => r !== "Duplicate"), ["BadSignature"]);
    assert.ok(answers.every((a) => a.error?.code === -32999 || Array.isArray(a.result)), "only -32999 and per-reading answers");
    assert.ok(throttled.length >= 3, `${throttled.length} calls refused -32999`);
    assert.ok(throttled.some((a) => typeof a.error?.data === "string" && a.error.data.startsWith("too many bad signatures from this connection")));
  });
});
