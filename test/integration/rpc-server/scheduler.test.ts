import assert from "node:assert/strict";
import { FairScheduler } from "../../../rpc/server/scheduler.ts";
import { rpc, startServer, WsClient } from "./helpers.ts";
import type { RpcMessage } from "./helpers.ts";

function spin(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

describe("rpc server fair scheduling", function () {
  it("answers a single call on another connection while a large batch is still running", async () => {
    const s = await startServer({ rateLimitPerMinute: null }, (server) => {
      server.addMethod("test_spin", { handler: () => spin(0.2) });
      server.addMethod("test_ping", { handler: () => "pong" });
    });
    const flooder = await WsClient.connect(s.wsUrl);
    const client = await WsClient.connect(s.wsUrl);
    try {
      // ~200 ms of synchronous work in one message
      flooder.send(JSON.stringify(Array.from({ length: 1000 }, (_, i) => ({ jsonrpc: "2.0", id: i, method: "test_spin", params: [] }))));
      await new Promise((r) => setTimeout(r, 20));
      const sent = performance.now();
      client.send(rpc("test_ping", []));
      const reply = await client.next<RpcMessage>(5000);
      const waited = performance.now() - sent;
      assert.equal(reply.result, "pong");
      assert.equal(flooder.pending(), 0, "the single call was answered before the batch");
      assert.ok(waited < 150, `the single call waited ${waited.toFixed(0)} ms`);
      assert.equal((await flooder.next<RpcMessage[]>(5000)).length, 1000);
    } finally {
      await flooder.close();
      await client.close();
      await s.server.close();
    }
  });
});

describe("FairScheduler", () => {
  const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

  it("queues work beyond the per-tick budget and serves the connection that used least first", async () => {
    const scheduler = new FairScheduler({ unitsPerTick: 1, lightUnits: 0, maxBulk: 1 });
    const heavy = {};
    const light = {};
    const order: string[] = [];
    assert.equal(scheduler.turn(heavy, 10), null, "the first turn of a tick is given at once");
    const waits = [
      scheduler.turn(heavy, 10)?.then(() => order.push("heavy 2")),
      scheduler.turn(heavy, 10)?.then(() => order.push("heavy 3")),
      scheduler.turn(light, 1)?.then(() => order.push("light")),
    ];
    assert.ok(waits.every((w) => w !== undefined), "past the budget, turns queue");
    await Promise.all(waits);
    assert.deepEqual(order, ["light", "heavy 2", "heavy 3"]);
  });

  it("lets a connection within lightUnits of the clock skip the queue", async () => {
    const scheduler = new FairScheduler({ unitsPerTick: 100, lightUnits: 4, maxBulk: 1 });
    const heavy = {};
    const light = {};
    assert.equal(scheduler.turn(heavy, 200), null);
    const queued = scheduler.turn(heavy, 32);
    assert.notEqual(queued, null, "over the tick budget");
    await tick();
    await queued;
    assert.equal(scheduler.turn(light, 2), null, "a light connection goes ahead of the queue");
  });

  it("runs at most maxBulk bulk jobs at once, the others in arrival order", async () => {
    const scheduler = new FairScheduler({ unitsPerTick: 100, lightUnits: 8, maxBulk: 2 });
    const started: number[] = [];
    const releases: (() => void)[] = [];
    const job = (n: number) => () =>
      new Promise<number>((resolve) => {
        started.push(n);
        releases[n] = () => resolve(n);
      });
    const results = [1, 2, 3, 4].map((n) => scheduler.bulk(job(n)));
    await tick();
    assert.deepEqual(started, [1, 2]);
    releases[2]();
    await tick();
    assert.deepEqual(started, [1, 2, 3]);
    releases[1]();
    releases[3]();
    await tick();
    assert.deepEqual(started, [1, 2, 3, 4]);
    releases[4]();
    assert.deepEqual(await Promise.all(results), [1, 2, 3, 4]);
  });

  it("lets a bulk job give its place back early (a dispatched single call awaiting its handler), once", async () => {
    const scheduler = new FairScheduler({ unitsPerTick: 100, lightUnits: 8, maxBulk: 1 });
    const started: number[] = [];
    let finishFirst: () => void = () => {};
    const first = scheduler.bulk(async (release) => {
      started.push(1);
      release();
      release(); // a second release gives back nothing more
      await new Promise<void>((resolve) => (finishFirst = resolve));
    });
    const second = scheduler.bulk(async () => {
      started.push(2);
      await new Promise<void>(() => {}); // holds its place
    });
    const third = scheduler.bulk(async () => {
      started.push(3);
    });
    await tick();
    assert.deepEqual(started, [1, 2], "the second runs while the first still awaits; the third waits for a place");
    finishFirst();
    await first;
    await tick();
    assert.deepEqual(started, [1, 2], "the first's end frees no second place");
    void second;
    void third;
  });
});
