import assert from "node:assert/strict";
import { createServer, connect, type Server, type Socket } from "node:net";
import { toHex } from "../../../primitives/bytes.ts";
import { devKeypair } from "../../../primitives/keys/devAccounts.ts";
import { startDevNode, waitFor, type TestNode } from "../../../harness/devNode.ts";
import {
  accountFromSeed,
  ArkreenClient,
  blsSigner,
  buildCall,
  ClientError,
  DeviceKind,
  estimateFee,
  registrationArgs,
  RpcCallError,
  signAndSend,
  signCall,
  signReading,
  submitReadings,
  transferCall,
  type Header,
} from "../../../client/index.ts";

const AKRE = 10n ** 18n;

/** A TCP proxy in front of the node whose connections the test can cut, as a network drop does. */
function dropProxy(target: URL): Promise<{ url: string; dropAll(): void; close(): void }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((inbound) => {
    const outbound = connect(Number(target.port), target.hostname);
    for (const s of [inbound, outbound]) {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
      s.on("error", () => undefined);
    }
    inbound.pipe(outbound).pipe(inbound);
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      resolve({
        url: `ws://127.0.0.1:${port}`,
        dropAll: () => sockets.forEach((s) => s.destroy()),
        close: () => {
          sockets.forEach((s) => s.destroy());
          server.close();
        },
      });
    }),
  );
}

describe("client library against a dev node (HTTP and WebSocket)", function () {
  this.timeout(120_000);
  let t: TestNode;
  let ws: ArkreenClient;
  let http: ArkreenClient;
  const alice = accountFromSeed(devKeypair("Alice").secretSeed);
  const bob = accountFromSeed(devKeypair("Bob").secretSeed);

  before(async () => {
    t = await startDevNode({ slotDurationMs: 500 });
    ws = await ArkreenClient.connect(t.wsUrl);
    http = await ArkreenClient.connect(t.httpUrl);
  });
  after(async () => {
    ws?.close();
    http?.close();
    await t?.stop();
  });

  it("reads the chain, accounts and energy modules typed, the same over HTTP and WebSocket", async () => {
    await waitFor(async () => (await ws.bestNumber()) >= 2, 30_000, "block 2");
    const genesis = await ws.genesisHash();
    assert.equal(toHex(genesis), await http.call<string>("chain_getBlockHash", [0]));
    assert.deepEqual(await http.properties(), await ws.properties());
    const balance = await http.balance(alice.address);
    assert.equal(typeof balance.free, "bigint");
    assert.ok(balance.free > 0n);
    const header = (await ws.header()) as Header;
    const block = await http.block(await http.blockHash(parseInt(header.number, 16)) as string);
    assert.equal(block?.block.header.stateRoot, header.stateRoot);
    assert.ok((await ws.registrars()).some((r) => r.account === alice.address), "the dev registrar is //Alice");
    assert.deepEqual(await ws.devicesOf(bob.address), []);
    assert.equal(await ws.device(999_999), null);
    assert.equal(await ws.rec(999_999), null);
    assert.equal(typeof (await http.currentEpoch()).epoch, "number");
    const events = await http.events();
    assert.ok(events.events.every((e) => typeof e.module === "string" && typeof e.name === "string"));
  });

  it("signs a transfer, prices it, and follows it to a finalized block with its events", async () => {
    const before = await ws.balance(bob.publicKey);
    const nonceBefore = (await ws.balance(alice.publicKey)).nonce;
    assert.equal(typeof nonceBefore, "number");
    const call = transferCall(bob.address, 3n * AKRE / 2n);
    const estimate = await estimateFee(ws, alice, call);
    assert.ok(estimate > 0n);
    const statuses: unknown[] = [];
    const outcome = await signAndSend(ws, alice, call, { until: "finalized", onStatus: (s) => statuses.push(s) });
    assert.equal(outcome.finalized, true);
    assert.ok(statuses.some((s) => typeof s === "object" && s !== null && "inBlock" in s), "saw inBlock before finalized");
    assert.equal(outcome.fee, estimate);
    const transfer = outcome.events.find((e) => e.module === "balances" && e.name === "Transfer");
    assert.ok(transfer, JSON.stringify(outcome.events));
    assert.equal((transfer.data as { amount: string }).amount, (3n * AKRE / 2n).toString());
    assert.equal(outcome.events.at(-1)?.name, "ExtrinsicSuccess");
    assert.equal((await ws.balance(bob.publicKey)).free, before.free + 3n * AKRE / 2n);
    // The nonce is a decimal string on the wire; the client hands back a number that compares equal.
    assert.equal((await ws.balance(alice.publicKey)).nonce, nonceBefore + 1);
    const finalized = await ws.header(await ws.finalizedHead());
    assert.ok(parseInt((finalized as Header).number, 16) >= outcome.blockNumber);
  });

  it("refuses bad input and reports the node's refusals with typed errors", async () => {
    assert.throws(() => buildCall("balances.nope" as "balances.transfer", { dest: new Uint8Array(32), value: new Uint8Array() }), (e) => e instanceof ClientError && e.code === "BAD_INPUT");
    assert.throws(() => transferCall("not-an-address", 1n), (e) => e instanceof ClientError && e.code === "BAD_INPUT");
    assert.throws(() => accountFromSeed("0x12"), (e) => e instanceof ClientError && e.code === "BAD_INPUT");
    await assert.rejects(ArkreenClient.connect("ftp://x"), (e) => e instanceof ClientError && e.code === "BAD_INPUT");
    // A fresh account cannot pay the fee: the node answers 1010.
    const pauper = accountFromSeed(new Uint8Array(32).fill(9));
    const tx = await signCall(ws, pauper, transferCall(bob.address, 1n));
    await assert.rejects(ws.call("author_submitExtrinsic", [tx.hex]), (e) => e instanceof RpcCallError && e.code === "RPC_ERROR" && e.rpcCode === 1010);
    await assert.rejects(http.subscribeNewHeads(() => undefined), (e) => e instanceof ClientError && e.code === "NOT_SUPPORTED");
  });

  it("reconnects after the connection drops and keeps its subscriptions", async () => {
    const proxy = await dropProxy(new URL(t.wsUrl));
    let reconnected = 0;
    const client = await ArkreenClient.connect(proxy.url, { reconnectDelayMs: 50, onReconnect: () => reconnected++ });
    try {
      const heads: number[] = [];
      const sub = await client.subscribeNewHeads((h) => heads.push(parseInt(h.number, 16)));
      await waitFor(() => heads.length >= 1, 20_000, "a head");
      const firstId = sub.id;
      proxy.dropAll();
      await waitFor(() => reconnected >= 1, 20_000, "the reconnect");
      const seen = heads.length;
      await waitFor(() => heads.length >= seen + 2, 20_000, "heads after the reconnect");
      assert.ok(heads.at(-1)! > heads[seen - 1], "heads keep advancing");
      assert.notEqual(sub.id, "");
      assert.equal(typeof firstId, "string");
      // Calls work on the new connection too.
      assert.ok((await client.bestNumber()) >= heads[0]);
      await sub.unsubscribe();
    } finally {
      client.close();
      proxy.close();
    }
  });

  it("registers a device, has its BLS-signed readings credited, and follows a REC over them to certification — through the library alone", async () => {
    const genesisHash = await ws.genesisHash();
    const device = blsSigner(new Uint8Array(32).fill(0x42));
    const args = registrationArgs({ genesisHash, owner: bob.publicKey, device, kind: DeviceKind.SolarPv, capacityW: 5000, location: "u4pruyd", registrar: alice });
    const registered = await signAndSend(ws, bob, buildCall("devices.register", args));
    const event = registered.events.find((e) => e.module === "devices" && e.name === "Registered");
    assert.ok(event, JSON.stringify(registered.events));
    const deviceId = Number((event.data as { deviceId: number | string }).deviceId);
    assert.equal((await ws.device(deviceId))?.status, "Active");
    assert.deepEqual((await http.devicesOf(bob.address)).map((d) => d.id), [deviceId]);

    const now = Math.floor(Date.now() / 1000 / 60);
    const readings = [now - 3, now - 2].map((interval, i) => signReading(genesisHash, { deviceId, interval, cumulativeWh: 40 * (i + 1), energyWh: 40, peakW: 2000 }, device));
    const answers = await submitReadings(http, readings);
    assert.deepEqual(answers, [{ accepted: true }, { accepted: true }]);
    // A reading signed by another key is refused with the node's reason.
    const forged = signReading(genesisHash, { deviceId, interval: now - 1, cumulativeWh: 120, energyWh: 40, peakW: 2000 }, blsSigner(new Uint8Array(32).fill(0x43)));
    assert.deepEqual(await submitReadings(ws, [forged]), [{ accepted: false, reason: "BadSignature" }]);
    await waitFor(async () => (await ws.generation(deviceId, now - 3, now - 2)).totalWh === 80, 30_000, "readings credited");

    // The owner asks for a certificate over that energy; the dev issuer (Alice) certifies it.
    const requested = await signAndSend(ws, bob, buildCall("recs.request", { deviceIds: [deviceId], fromInterval: now - 3, toInterval: now - 2 }));
    const request = requested.events.find((e) => e.module === "recs" && e.name === "Requested");
    assert.ok(request, JSON.stringify(requested.events));
    const recId = Number((request.data as { recId: number | string }).recId);
    assert.equal((await ws.rec(recId))?.status, "Pending");
    const certified = await signAndSend(ws, alice, buildCall("recs.certify", { recId, serial: `CLIENT-TEST-${recId}` }));
    assert.ok(certified.events.some((e) => e.module === "recs" && e.name === "Certified"), JSON.stringify(certified.events));
    const rec = await http.rec(recId);
    assert.equal(rec?.status, "Certified");
    assert.equal(rec?.energyWh, 80);
    assert.equal(rec?.serial, `CLIENT-TEST-${recId}`);
    assert.deepEqual(
      rec?.slots.map((slot) => [slot.deviceId, slot.interval]),
      [[deviceId, now - 3], [deviceId, now - 2]],
    );
  });
});
