import { strict as assert } from "node:assert";
import { HttpProvider, WsProvider } from "@polkadot/rpc-provider";
import { bigintToBytes, fromHex, toHex } from "../../primitives/bytes.ts";
import { devKeypair } from "../../primitives/keys/devAccounts.ts";
import { encodeAddress } from "../../primitives/keys/ss58.ts";
import { verifyProofs } from "../../primitives/trie/proof.ts";
import { signExtrinsic } from "../../runtime/extrinsic.ts";
import { transferArgs } from "../../runtime/modules/balances/types.ts";
import { Account } from "../../runtime/modules/system/storage.ts";
import { WsRpcClient } from "../../cli/rpcClient.ts";
import { httpRpc, rpcError, startDevNode, waitFor, type TestNode } from "../../harness/devNode.ts";

const alice = devKeypair("Alice");
const bob = devKeypair("Bob");
const AKRE = 10n ** 18n;

function transfer(genesisHash: Uint8Array, nonce: number, amount: bigint, opts: { tip?: bigint; seed?: Uint8Array } = {}): Uint8Array {
  const call = { module: "balances", method: "transfer", args: transferArgs.encode({ dest: bob.publicKey, value: bigintToBytes(amount) }) };
  return signExtrinsic(genesisHash, opts.seed ?? alice.secretSeed, call, { nonce, tip: opts.tip ?? 0n });
}

describe("node JSON-RPC (in-process dev node, LevelDB, real HTTP/WS)", function () {
  this.timeout(30_000);
  let t: TestNode;
  let client: WsRpcClient;
  let genesisHash: Uint8Array;

  before(async () => {
    t = await startDevNode({ slotDurationMs: 300 });
    client = await WsRpcClient.connect(t.wsUrl);
    genesisHash = fromHex(await client.call<string>("chain_getBlockHash", [0]));
  });
  after(async () => {
    client.close();
    await t.stop();
  });

  it("serves Substrate clients: @polkadot/rpc-provider WsProvider calls and subscriptions, HttpProvider calls", async () => {
    const ws = new WsProvider(t.wsUrl, false);
    await ws.connect();
    await ws.isReady;
    try {
      assert.equal(await ws.send("system_chain", []), "Development");
      assert.deepEqual(await ws.send("system_properties", []), { ss58Format: 42, tokenDecimals: 18, tokenSymbol: "AKRE" });
      const heads: number[] = [];
      const subId = await ws.subscribe("chain_newHead", "chain_subscribeNewHeads", [], (err: Error | null, head: { number: string }) => {
        if (!err) heads.push(parseInt(head.number, 16));
      });
      await waitFor(() => heads.length >= 3, 5000, "three new heads");
      assert.ok(heads[2] > heads[0], `heads increase: ${heads}`);
      assert.equal(await ws.unsubscribe("chain_newHead", "chain_unsubscribeNewHeads", subId), true);
      const finalized: string[] = [];
      const finId = await ws.subscribe("chain_finalizedHead", "chain_subscribeFinalizedHeads", [], (_e: Error | null, h: { number: string }) => finalized.push(h.number));
      await waitFor(() => finalized.length >= 2, 5000, "finalized heads");
      await ws.unsubscribe("chain_finalizedHead", "chain_unsubscribeFinalizedHeads", finId);
    } finally {
      await ws.disconnect();
    }
    const http = new HttpProvider(t.httpUrl);
    assert.equal(await http.send("system_chainType", []), "Development");
    const methods = (await http.send("rpc_methods", [])) as { methods: string[] };
    for (const m of ["system_health", "chain_getBlock", "state_getReadProof", "author_submitAndWatchExtrinsic", "chain_unsubscribeNewHeads"]) {
      assert.ok(methods.methods.includes(m), m);
    }
  });

  it("answers system_* and chain_* in Substrate's shapes", async () => {
    assert.deepEqual(await client.call("system_health"), { peers: 0, isSyncing: false, shouldHavePeers: false });
    assert.equal(await client.call("system_name"), "test-node");
    assert.match(await client.call<string>("system_version"), /^\d+\.\d+\.\d+/);
    const account = await client.call<{ nonce: string; free: string; reserved: string }>("system_account", [encodeAddress(bob.publicKey)]);
    assert.match(account.free, /^\d+$/);
    assert.equal(account.reserved, "0");
    const header = await client.call<Record<string, unknown>>("chain_getHeader", []);
    assert.deepEqual(Object.keys(header).sort(), ["digest", "extrinsicsRoot", "number", "parentHash", "readingsRoot", "stateRoot"]);
    assert.match(header.number as string, /^0x[0-9a-f]+$/);
    const number = parseInt(header.number as string, 16);
    const hash = await client.call<string>("chain_getBlockHash", [number]);
    const block = await client.call<{ block: { header: { number: string } }; justifications: unknown[] }>("chain_getBlock", [hash]);
    assert.equal(block.block.header.number, header.number);
    assert.equal(await client.call("chain_getBlockHash", [number + 1000]), null);
    assert.equal(await client.call("chain_getHeader", ["0x" + "00".repeat(32)]), null);
    await waitFor(async () => (await client.call<string>("chain_getFinalizedHead")) !== toHex(genesisHash), 3000, "finality");
  });

  it("proves storage with state_getReadProof against the header's state root; a changed byte fails", async () => {
    const present = Account.key(alice.publicKey);
    const absent = Account.key(new Uint8Array(32).fill(7));
    const at = await client.call<string>("chain_getBlockHash", []);
    const header = await client.call<{ stateRoot: string }>("chain_getHeader", [at]);
    const { proof } = await client.call<{ at: string; proof: string[] }>("state_getReadProof", [[toHex(present), toHex(absent)], at]);
    const value = await client.call<string>("state_getStorage", [toHex(present), at]);
    const nodes = proof.map(fromHex);
    const root = fromHex(header.stateRoot);
    const [a, b] = verifyProofs(root, [present, absent], nodes);
    assert.ok(a.found && toHex(a.value) === value);
    assert.equal(b.found, false);
    for (let i = 0; i < nodes.length; i++) {
      const tampered = nodes.map((n) => Uint8Array.from(n));
      tampered[i][Math.floor(tampered[i].length / 2)] ^= 1;
      assert.throws(() => verifyProofs(root, [present, absent], tampered), `tampered node ${i} must not verify`);
    }
  });

  it("watches an extrinsic through ready → inBlock → finalized and applies it exactly once", async () => {
    const bobBefore = BigInt((await client.call<{ free: string }>("system_account", [toHex(bob.publicKey)])).free);
    const nonce = await client.call<number>("system_accountNextIndex", [encodeAddress(alice.publicKey)]);
    const statuses: unknown[] = [];
    await client.subscribe("author_submitAndWatchExtrinsic", [toHex(transfer(genesisHash, nonce, 3n * AKRE))], (s) => statuses.push(s));
    await waitFor(() => statuses.some((s) => typeof s === "object" && s !== null && "finalized" in s), 5000, "finalized status");
    assert.equal(statuses[0], "ready");
    assert.ok(statuses.some((s) => typeof s === "object" && s !== null && "inBlock" in s));
    const bobAfter = BigInt((await client.call<{ free: string }>("system_account", [toHex(bob.publicKey)])).free);
    assert.equal(bobAfter - bobBefore, 3n * AKRE);
  });

  it("rejects bad extrinsics with Substrate's author error codes and changes nothing", async () => {
    const aliceAddr = toHex(alice.publicKey);
    const before = await client.call<{ nonce: string; free: string }>("system_account", [aliceAddr]);
    const nonce = await client.call<number>("system_accountNextIndex", [aliceAddr]);

    const badSig = transfer(genesisHash, nonce, AKRE);
    badSig[badSig.length - 70] ^= 0xff;
    const e1 = await rpcError(client.call("author_submitExtrinsic", [toHex(badSig)]));
    assert.equal(e1.code, 1010);

    const otherChain = transfer(new Uint8Array(32).fill(1), nonce, AKRE);
    assert.equal((await rpcError(client.call("author_submitExtrinsic", [toHex(otherChain)]))).code, 1010);

    const ferdieTx = transfer(genesisHash, 0, 1n * AKRE, { seed: devKeypair("Ferdie").secretSeed });
    const poor = signExtrinsic(genesisHash, new Uint8Array(32).fill(9), { module: "balances", method: "transfer", args: transferArgs.encode({ dest: bob.publicKey, value: bigintToBytes(1n) }) }, { nonce: 0 });
    const e3 = await rpcError(client.call("author_submitExtrinsic", [toHex(poor)]));
    assert.equal(e3.code, 1010);
    assert.match(e3.message, /pay/i);

    // Ferdie's transaction enters the pool; submitting the same bytes again is 1013.
    assert.match(await client.call<string>("author_submitExtrinsic", [toHex(ferdieTx)]), /^0x[0-9a-f]{64}$/);
    assert.equal((await rpcError(client.call("author_submitExtrinsic", [toHex(ferdieTx)]))).code, 1013);

    // Once included, a replay is stale (1010) or banned (1012), never applied twice.
    await waitFor(async () => (await client.call<number>("system_accountNextIndex", [toHex(devKeypair("Ferdie").publicKey)])) === 1, 5000, "inclusion");
    await waitFor(async () => (await client.call<unknown[]>("author_pendingExtrinsics")).length === 0, 5000, "pool drained");
    const replay = await rpcError(client.call("author_submitExtrinsic", [toHex(ferdieTx)]));
    assert.ok([1010, 1012].includes(replay.code), `replay code ${replay.code}`);
    const ferdie = await client.call<{ nonce: string }>("system_account", [toHex(devKeypair("Ferdie").publicKey)]);
    assert.equal(ferdie.nonce, "1");

    const after = await client.call<{ nonce: string; free: string }>("system_account", [aliceAddr]);
    assert.deepEqual(after, before);
  });

  it("maps malformed requests to JSON-RPC errors", async () => {
    const raw = async (body: string): Promise<{ error?: { code: number } }> =>
      (await (await fetch(t.httpUrl, { method: "POST", headers: { "content-type": "application/json" }, body })).json()) as { error?: { code: number } };
    assert.equal((await raw("{not json")).error?.code, -32700);
    assert.equal((await raw(JSON.stringify({ jsonrpc: "2.0", id: 1 }))).error?.code, -32600);
    assert.equal((await httpRpc(t.httpUrl, "no_suchMethod")).error?.code, -32601);
    assert.equal((await httpRpc(t.httpUrl, "chain_getBlockHash", ["nope"])).error?.code, -32602);
    assert.equal((await httpRpc(t.httpUrl, "system_account", [42])).error?.code, -32602);
    assert.equal((await httpRpc(t.httpUrl, "author_submitExtrinsic", ["0xzz"])).error?.code, -32602);
    assert.equal((await httpRpc(t.httpUrl, "author_submitExtrinsic", ["0x0102"])).error?.code, 1010);
    assert.equal((await httpRpc(t.httpUrl, "state_getStorage", ["0x00", "0x" + "11".repeat(32)])).error?.code, 4003);
    const health = await fetch(`${t.httpUrl}/health`);
    assert.deepEqual(await health.json(), { peers: 0, isSyncing: false, shouldHavePeers: false });
  });
});
