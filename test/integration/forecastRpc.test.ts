import { strict as assert } from "node:assert";
import { fromHex, toHex } from "../../primitives/bytes.ts";
import { devKeypair } from "../../primitives/keys/devAccounts.ts";
import { decodeGeohash } from "../../primitives/geohash.ts";
import { clearSkyFraction } from "../../forecast/clearSky.ts";
import { SunTable } from "../../forecast/solarPosition.ts";
import { signExtrinsic } from "../../runtime/extrinsic.ts";
import { signRegistration } from "../../runtime/modules/devices/signing.ts";
import { DeviceKind, registerArgsCodec } from "../../runtime/modules/devices/types.ts";
import { fastDevSpec, httpRpc, startDevNode, waitFor, type TestNode } from "../../harness/devNode.ts";
import { TestDevice } from "../../harness/energy.ts";

const alice = devKeypair("Alice"); // registrar and validator
const bob = devKeypair("Bob"); // owner
const HOUR = 3600;
const CAPACITY_W = 5000;
const LOCATION = "u4pruyd";
/** Hourly readings submitted per device: the last 70 hours (the test chain's window is 72 intervals). */
const HOURS = 70;

interface Point {
  interval: number;
  expectedWh: number;
  p10Wh: number;
  p90Wh: number;
}

describe("forecast_device / forecast_accuracy (in-process dev node, hourly intervals)", function () {
  this.timeout(60_000);
  let t: TestNode;
  let genesisHash: Uint8Array;
  const solar = new TestDevice(41, 0);
  const wind = new TestDevice(42, 1);
  const sun = new SunTable(decodeGeohash(LOCATION).lat, decodeGeohash(LOCATION).lon);
  const solarWh = new Map<number, number>();
  const windWh = new Map<number, number>();
  let lastInterval = 0;

  async function call<T>(method: string, params: unknown[] = []): Promise<T> {
    const res = await httpRpc(t.httpUrl, method, params);
    if (res.error) throw new Error(`${method}: ${res.error.message} ${JSON.stringify(res.error.data)}`);
    return res.result as T;
  }
  async function errorOf(method: string, params: unknown[]): Promise<{ code: number; message: string; data?: unknown }> {
    const res = await httpRpc(t.httpUrl, method, params);
    assert.ok(res.error, `${method}(${JSON.stringify(params)}) should fail`);
    return res.error;
  }

  before(async () => {
    // The dev chain with hourly intervals and a three-day window, so that readings of the last days can be credited now.
    const spec = fastDevSpec(500);
    if (!("runtimeGenesis" in spec.genesis)) throw new Error("runtime genesis expected");
    const config = spec.genesis.runtimeGenesis.config;
    config.pog = { ...(config.pog as Record<string, unknown>), readingIntervalSecs: HOUR, acceptanceWindowIntervals: 72 };
    t = await startDevNode({ spec });
    genesisHash = fromHex(await call<string>("chain_getBlockHash", [0]));
    let nonce = 0;
    for (const [d, kind] of [[solar, DeviceKind.SolarPv], [wind, DeviceKind.Wind]] as const) {
      const args = signRegistration({ genesisHash, owner: bob.publicKey, device: d.key, kind, capacityW: CAPACITY_W, location: LOCATION, registrarSeed: alice.secretSeed });
      const xt = signExtrinsic(genesisHash, bob.secretSeed, { module: "devices", method: "register", args: registerArgsCodec.encode(args) }, { nonce: nonce++ });
      await call("author_submitExtrinsic", [toHex(xt)]);
    }
    await waitFor(async () => (await call("device_get", [1])) !== null, 10_000, "two devices");

    // 70 hours of readings: the solar meter at 70 % of clear sky, the wind meter a deterministic pattern.
    const now = Math.floor(Date.now() / 1000 / HOUR);
    lastInterval = now - 1;
    const readings: unknown[] = [];
    for (let i = now - HOURS; i < now; i++) {
      const s = Math.round(0.7 * CAPACITY_W * clearSkyFraction(sun, i, HOUR));
      const w = (i * 397) % 4000;
      solarWh.set(i, s);
      windWh.set(i, w);
      readings.push(solar.json(genesisHash, solar.next(i, s, s)), wind.json(genesisHash, wind.next(i, w, w)));
    }
    const answers = await call<Array<{ accepted: boolean; reason?: string }>>("pog_submitReadings", [readings]);
    assert.deepEqual(answers.filter((a) => !a.accepted), []);
    // Forecasts read the finalized head: wait until it holds every reading.
    await waitFor(
      async () => {
        const head = await call<string>("chain_getFinalizedHead");
        const g = await call<{ intervals: unknown[] }>("pog_generation", [0, now - HOURS, now - 1, head]);
        const w = await call<{ intervals: unknown[] }>("pog_generation", [1, now - HOURS, now - 1, head]);
        return g.intervals.length === HOURS && w.intervals.length === HOURS;
      },
      30_000,
      "readings credited and finalized",
    );
  });
  after(async () => {
    await t?.stop();
  });

  it("forecast_device: one entry per hour from the finalized head's interval; night 0, P10 ≤ expected ≤ P90 ≤ capacity; near 70 % of clear sky", async () => {
    const points = await call<Point[]>("forecast_device", [0, 24]);
    assert.equal(points.length, 24);
    assert.ok(points[0].interval > lastInterval - 2 && points[0].interval <= lastInterval + 2, `${points[0].interval} vs ${lastInterval}`);
    points.forEach((p, i) => assert.equal(p.interval, points[0].interval + i));
    let daylight = 0;
    for (const p of points) {
      assert.ok(p.p10Wh <= p.expectedWh && p.expectedWh <= p.p90Wh && p.p90Wh <= CAPACITY_W && p.p10Wh >= 0, JSON.stringify(p));
      const cs = clearSkyFraction(sun, p.interval, HOUR);
      if (cs === 0) assert.deepEqual([p.expectedWh, p.p10Wh, p.p90Wh], [0, 0, 0]);
      else if (cs > 0.1) {
        daylight++;
        assert.ok(Math.abs(p.expectedWh - 0.7 * CAPACITY_W * cs) <= 0.05 * CAPACITY_W, `${JSON.stringify(p)} vs ${0.7 * CAPACITY_W * cs}`);
      }
    }
    assert.ok(daylight > 0, "some daylight in a day");
    assert.equal((await call<Point[]>("forecast_device", [0, 168])).length, 168);
  });

  it("forecast_accuracy: the rolling backtest over the finalized history", async () => {
    const a = await call<{ nMae: number; nRmse: number; skillVsPersistence: number | null; samples: number; coverage: number; model: string }>("forecast_accuracy", [0]);
    assert.equal(a.model, "clear-sky-regime");
    assert.ok(a.samples > 0, JSON.stringify(a));
    assert.ok(a.nMae >= 0 && a.nMae < 0.03 && a.nRmse >= a.nMae, JSON.stringify(a));
  });

  it("a wind device: persistence, the same hour yesterday", async () => {
    const points = await call<Point[]>("forecast_device", [1, 24]);
    for (const p of points) {
      const yesterday = windWh.get(p.interval - 24);
      if (yesterday !== undefined) assert.equal(p.expectedWh, yesterday, `interval ${p.interval}`);
    }
    assert.equal((await call<{ model: string }>("forecast_accuracy", [1])).model, "persistence");
  });

  it("typed errors: an unknown device (4010), bad params (-32602)", async () => {
    const unknown = await errorOf("forecast_device", [99, 24]);
    assert.equal(unknown.code, 4010);
    assert.equal(unknown.message, "Unknown device");
    assert.deepEqual(unknown.data, { code: "DEVICE_NOT_FOUND", deviceId: 99 });
    assert.equal((await errorOf("forecast_accuracy", [99])).code, 4010);
    for (const params of [[0, 0], [0, 169], [0, 1.5], ["0", 24], [-1, 24], [0], []]) {
      assert.equal((await errorOf("forecast_device", params)).code, -32602, JSON.stringify(params));
    }
    assert.equal((await errorOf("forecast_accuracy", [])).code, -32602);
  });
});
