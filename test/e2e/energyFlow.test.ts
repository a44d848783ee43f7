import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fromHex, toHex } from "../../primitives/bytes.ts";
import { blsVerify } from "../../primitives/blsKeys.ts";
import { devKeypair } from "../../primitives/keys/devAccounts.ts";
import { EventPhase, type EventRecord } from "../../primitives/codec/index.ts";
import { controlReceiptMessage } from "../../runtime/modules/control/receipt.ts";
import { ReceiptStatus } from "../../runtime/modules/control/types.ts";
import type { CommandJson } from "../../rpc/namespaces/control.ts";
import type { DeviceJson } from "../../rpc/namespaces/devices.ts";
import type { RecDetailJson, RecJson } from "../../rpc/namespaces/recs.ts";
import type { EpochRewardsJson } from "../../rpc/namespaces/rewards.ts";
import { fastDevSpec } from "../../harness/devNode.ts";
import { ProcessScope, waitUntil, type CliProcess, type CliResult, type NodeProcess } from "../../harness/process.ts";
import { blockEvents, devAddress, heads } from "../../harness/devChain.ts";

const SLOT_MS = 500;
/**
 * Two-second reading intervals, so that the simulator streams new readings during the test, and
 * 10-block (5 s) epochs, so that one ends soon after the first readings are credited.
 */
const INTERVAL_SECS = 2;
const EPOCH_BLOCKS = 10;
const DEVICES = 5;
/**
 * 1 MW meters: a 2 s interval at full sun is 555 Wh. The simulated devices (seed 1, owner //Bob)
 * sit at longitudes −176°, −24°, −5°, 76° and 87°: no half of the globe holds them all, so at any
 * hour one of them is at least 14° into daylight (a quarter of capacity, dozens of Wh a reading)
 * and a REC over a few intervals always has energy to certify.
 */
const CAPACITY_W = 1_000_000;

interface GenerationJson {
  deviceId: number;
  totalWh: number;
  intervals: Array<{ interval: number; energyWh: number; cumulativeWh: number; peakW: number; block: number }>;
}

/** The fast dev spec with rewards minted, short intervals and short epochs, written for `--chain <file>`. */
function writeEnergySpec(dir: string): string {
  const spec = fastDevSpec(SLOT_MS, { mint: true });
  if (!("runtimeGenesis" in spec.genesis)) throw new Error("dev spec is not a runtime genesis spec");
  Object.assign(spec.genesis.runtimeGenesis.config.pog as Record<string, unknown>, { readingIntervalSecs: INTERVAL_SECS, epochLengthBlocks: EPOCH_BLOCKS });
  const path = join(dir, "energy-dev.json");
  writeFileSync(path, JSON.stringify(spec, null, 2));
  return path;
}

/** The data of the first `Event <module>.<name> {json}` line that `tx` printed. */
function printedEvent(stdout: string, name: string): Record<string, unknown> {
  const line = stdout.split("\n").find((l) => l.startsWith(`Event ${name} `));
  assert.ok(line, `no ${name} event in:\n${stdout}`);
  return JSON.parse(line.slice(`Event ${name} `.length)) as Record<string, unknown>;
}

const eventData = (e: EventRecord): Record<string, unknown> => JSON.parse(e.data) as Record<string, unknown>;

describe("e2e: energy flow — device simulate, rewards, RECs and control (node and CLI processes)", function () {
  this.timeout(60_000);
  const scope = new ProcessScope();
  let node: NodeProcess;
  let simulator: CliProcess;
  /** What each device had credited when the readings test ran. */
  const credited = new Map<number, GenerationJson["intervals"]>();
  /** The REC request: devices and the intervals every one of them has credited. */
  let range: { deviceIds: number[]; fromInterval: number; toInterval: number };
  let totalWh = 0;
  /** The slots the REC must list: what pog_generation showed for them (energy, crediting block). */
  let slots: Array<{ deviceId: number; interval: number; energyWh: number; creditedBlock: number }>;
  /** A REC's slots without their reading hashes (each checked to be a 32-byte hash). */
  const withoutHashes = (list: RecDetailJson["slots"]) =>
    list.map(({ readingHash, ...rest }) => {
      assert.match(readingHash, /^0x[0-9a-f]{64}$/);
      return rest;
    });

  const generation = (deviceId: number, from: number, to: number) => node.rpc<GenerationJson>("pog_generation", [deviceId, from, to]);
  const currentInterval = () => Math.floor(Date.now() / 1000 / INTERVAL_SECS);

  function tx(call: string, signer: string, args: object): Promise<CliResult> {
    return scope.run(["tx", call, "--signer", signer, "--args", JSON.stringify(args), "--rpc", node.wsUrl], 20_000);
  }

  async function txOk(call: string, signer: string, args: object): Promise<string> {
    const result = await tx(call, signer, args);
    assert.equal(result.code, 0, `${call} exited ${result.code}:\n${result.stdout}${result.stderr}`);
    assert.match(result.stdout, new RegExp(`${call.replace(".", "\\.")} succeeded`));
    return result.stdout;
  }

  before(async () => {
    const dir = scope.tempDir("energy");
    node = await scope.startNode({ chain: writeEnergySpec(dir), basePath: join(dir, "base"), args: ["--alice"] });
    simulator = scope.spawn(["device", "simulate", "--devices", String(DEVICES), "--owner", "//Bob", "--capacity", String(CAPACITY_W), "--duration", "120", "--rpc", node.wsUrl]);
    await simulator.waitForOutput(/5 devices registered: ids 0…4/, 20_000);
  });
  after(() => scope.dispose());

  it("device simulate registers 5 meters for //Bob; their backfilled and streamed readings are all credited", async () => {
    // Listed in storage order (by the id's hash): compare as a set.
    const devices = (await node.rpc<DeviceJson[]>("device_listByOwner", [devAddress("Bob")])).sort((a, b) => a.id - b.id);
    assert.deepEqual(
      devices.map((d) => [d.id, d.status, d.capacityW, d.registrar]),
      [0, 1, 2, 3, 4].map((id) => [id, "Active", CAPACITY_W, devAddress("Alice")]),
    );
    // Backfill reports the 5 intervals before the start; streaming, each one as it ends: wait for two streamed ones.
    const started = currentInterval();
    const from = started - 5;
    await waitUntil(
      async () => {
        for (let id = 0; id < DEVICES; id++) {
          const g = await generation(id, from, started + 10);
          if (g.intervals.filter((i) => i.interval > started).length < 2) return false;
        }
        return true;
      },
      20_000,
      "every device credited for backfilled and streamed intervals",
      250,
    );
    const crediting = new Set<number>();
    for (let id = 0; id < DEVICES; id++) {
      const g = await generation(id, from, started + 10);
      const intervals = g.intervals.map((i) => i.interval);
      const first = intervals[0];
      assert.ok(first <= started - 3, `device ${id}: backfilled intervals credited (first ${first}, start ${started})`);
      assert.deepEqual(intervals, Array.from({ length: intervals.length }, (_, i) => first + i), `device ${id}: every interval once, none missing`);
      for (let i = 1; i < g.intervals.length; i++) {
        assert.equal(g.intervals[i].cumulativeWh - g.intervals[i - 1].cumulativeWh, g.intervals[i].energyWh, `device ${id}: meter adds up`);
      }
      assert.equal(g.totalWh, g.intervals.reduce((a, i) => a + i.energyWh, 0));
      credited.set(id, g.intervals);
      for (const i of g.intervals) crediting.add(i.block);
    }
    // Each crediting block records one ReadingsCredited event and rejects nothing the simulator sent.
    for (const number of crediting) {
      const events = await blockEvents(node, await node.rpc<string>("chain_getBlockHash", [number]));
      const pog = events.filter((e) => e.module === "pog");
      assert.deepEqual(pog.map((e) => e.name), ["ReadingsCredited"], `block #${number}`);
    }
    // The simulator's progress line counts every credited reading as accepted, and no refusal.
    const creditedCount = [...credited.values()].reduce((a, is) => a + is.length, 0);
    const totals = () => [...simulator.output.matchAll(/total accepted (\d+), rejected (\d+)/g)].at(-1);
    await waitUntil(() => Number(totals()?.[1] ?? 0) >= creditedCount, 5_000, `a progress line with ${creditedCount} readings accepted`);
    assert.equal(totals()?.[2], "0", "the node refused none of the simulator's readings");
  });

  it("an epoch's rewards.Minted events, from its last block to its payout's completion, sum exactly to EpochRewarded.emission, //Bob's devices paid", async () => {
    const creditedWithEnergy = [...credited.values()].flat().filter((i) => i.energyWh > 0);
    assert.ok(creditedWithEnergy.length > 0, "some energy credited");
    const epoch = Math.floor(Math.min(...creditedWithEnergy.map((i) => i.block)) / EPOCH_BLOCKS);
    const lastBlock = (epoch + 1) * EPOCH_BLOCKS - 1;
    // Validators are paid in the epoch's last block, devices and the treasury in the blocks after it.
    let completedAt: number | null = null;
    await waitUntil(
      async () => {
        completedAt = (await node.rpc<EpochRewardsJson | null>("rewards_epoch", [epoch]))?.completedAt ?? null;
        return completedAt !== null;
      },
      20_000,
      `epoch ${epoch} paid out`,
      100,
    );
    const end = completedAt as unknown as number;
    assert.ok(end > lastBlock, `completed at #${end}, after the epoch's last block #${lastBlock}`);
    const events: EventRecord[] = [];
    for (let n = lastBlock; n <= end; n++) events.push(...(await blockEvents(node, await node.rpc<string>("chain_getBlockHash", [n]))));
    const rewarded = events.filter((e) => e.module === "rewards" && e.name === "EpochRewarded").map(eventData);
    assert.equal(rewarded.filter((r) => r.epoch === epoch).length, 1, "one EpochRewarded event");
    const summary = rewarded.find((r) => r.epoch === epoch) as Record<string, unknown>;
    const mintedEvents = events.filter((e) => e.module === "rewards" && e.name === "Minted" && eventData(e).epoch === epoch);
    assert.ok(mintedEvents.every((e) => e.phase === EventPhase.Finalization), "minted in blocks' finalization");
    const minted = mintedEvents.map(eventData);
    const emission = BigInt(summary.emission as string);
    assert.ok(emission > 0n, "mint is on");
    assert.ok(minted.every((m) => BigInt(m.amount as string) > 0n));
    assert.equal(minted.reduce((a, m) => a + BigInt(m.amount as string), 0n), emission);
    const toDevices = minted.filter((m) => m.kind === "device");
    assert.ok(toDevices.length > 0, "devices with energy in the epoch are paid");
    assert.ok(toDevices.every((m) => m.who === toHex(devKeypair("Bob").publicKey)), JSON.stringify(toDevices));
    assert.equal(toDevices.reduce((a, m) => a + BigInt(m.amount as string), 0n).toString(), summary.toDevices);
    assert.equal(summary.paidDevices, toDevices.length);
  });

  it("tx recs.request (//Bob) claims exactly the credited energy of the range; tx recs.certify (//Alice, dev issuer) certifies it", async () => {
    // The intervals every device has credited.
    const fromInterval = Math.max(...[...credited.values()].map((is) => is[0].interval));
    const toInterval = Math.min(...[...credited.values()].map((is) => is[is.length - 1].interval));
    range = { deviceIds: [0, 1, 2, 3, 4], fromInterval, toInterval };
    const inRange = [...credited.values()].flat().filter((i) => i.interval >= fromInterval && i.interval <= toInterval && i.energyWh > 0);
    totalWh = inRange.reduce((a, i) => a + i.energyWh, 0);
    slots = [...credited.entries()].flatMap(([deviceId, is]) => is.filter((i) => i.interval >= fromInterval && i.interval <= toInterval && i.energyWh > 0).map((i) => ({ deviceId, interval: i.interval, energyWh: i.energyWh, creditedBlock: i.block })));
    assert.ok(totalWh >= 3, `energy to certify: ${totalWh} Wh`);

    const requested = printedEvent(await txOk("recs.request", "//Bob", range), "recs.Requested");
    assert.deepEqual([requested.recId, requested.energyWh, requested.slots], [1, totalWh, slots.length]);
    const certified = printedEvent(await txOk("recs.certify", "//Alice", { recId: 1, serial: "AKRE-E2E-000001" }), "recs.Certified");
    assert.deepEqual([certified.recId, certified.serial, certified.energyWh], [1, "AKRE-E2E-000001", totalWh]);

    const rec = await node.rpc<RecDetailJson>("rec_get", [1]);
    assert.deepEqual([rec.status, rec.owner, rec.energyWh, rec.issuer, rec.serial], ["Certified", devAddress("Bob"), totalWh, devAddress("Alice"), "AKRE-E2E-000001"]);
    assert.deepEqual(withoutHashes(rec.slots), slots, "the REC traces to the credited (device, interval) slots");
  });

  it("tx recs.transfer sends part to //Charlie (a split), and //Charlie retires part of it; rec_get and rec_listByOwner show both", async () => {
    const toCharlie = Math.floor(totalWh / 3);
    const retired = Math.floor(toCharlie / 2);
    const split = printedEvent(await txOk("recs.transfer", "//Bob", { recId: 1, to: devAddress("Charlie"), amountWh: toCharlie }), "recs.Split");
    assert.deepEqual([split.recId, split.newRecId, split.amountWh], [1, 2, toCharlie]);
    await txOk("recs.retire", "//Charlie", { recId: 2, amountWh: retired, beneficiary: "Charlie GmbH", message: "e2e" });

    const [rec1, rec2] = [await node.rpc<RecDetailJson>("rec_get", [1]), await node.rpc<RecDetailJson>("rec_get", [2])];
    assert.deepEqual([rec1.owner, rec1.energyWh, rec1.retiredWh], [devAddress("Bob"), totalWh - toCharlie, 0]);
    assert.deepEqual([rec2.owner, rec2.energyWh, rec2.retiredWh, rec2.parent, rec2.origin, rec2.serial], [devAddress("Charlie"), toCharlie - retired, retired, 1, 1, "AKRE-E2E-000001"]);
    assert.deepEqual(withoutHashes(rec2.slots), slots, "a split traces to its origin's slots");
    const ids = (list: RecJson[]) => list.map((r) => r.id);
    assert.deepEqual(ids(await node.rpc<RecJson[]>("rec_listByOwner", [devAddress("Bob")])), [1]);
    assert.deepEqual(ids(await node.rpc<RecJson[]>("rec_listByOwner", [devAddress("Charlie")])), [2]);
  });

  it("a second tx recs.request over the same energy exits non-zero with recs.SlotAlreadyClaimed, creating nothing", async () => {
    const result = await tx("recs.request", "//Bob", range);
    assert.notEqual(result.code, 0, result.stdout);
    assert.match(result.stderr, /recs\.request failed: recs\.SlotAlreadyClaimed/);
    assert.equal(await node.rpc("rec_get", [3]), null);
  });

  it("a command sent with tx control.submit (//Bob) reaches the running simulator, which acknowledges it with the device's signed receipt", async () => {
    const { best } = await heads(node);
    const submitted = printedEvent(
      await txOk("control.submit", "//Bob", { deviceId: 2, command: { curtail: { percent: 40 } }, validFrom: best.number, validUntil: best.number + 200 }),
      "control.CommandSubmitted",
    );
    const commandId = submitted.commandId as number;
    assert.deepEqual([submitted.deviceId, submitted.kind, submitted.value], [2, "curtail", 40]);
    await simulator.waitForOutput(new RegExp(`device 2 received command ${commandId}: .*curtail`), 10_000);
    await simulator.waitForOutput(new RegExp(`device 2 executed command ${commandId} and sent its signed receipt`), 10_000);
    await waitUntil(async () => (await node.rpc<CommandJson>("control_get", [commandId])).status === "Acknowledged", 10_000, "the receipt on-chain", 100);

    const command = await node.rpc<CommandJson>("control_get", [commandId]);
    assert.deepEqual(command.command, { kind: "curtail", percent: 40 });
    assert.equal(command.receipt?.status, "Executed");
    assert.equal(command.receipt?.submittedBy, devAddress("Bob"));
    const device = await node.rpc<DeviceJson>("device_get", [2]);
    const genesisHash = fromHex(await node.rpc<string>("chain_getBlockHash", [0]));
    assert.ok(blsVerify(fromHex(device.blsKey), controlReceiptMessage(genesisHash, commandId, ReceiptStatus.Executed), fromHex(command.receipt!.signature)), "signed by the device's key");
    assert.deepEqual(await node.rpc("control_pending", [2]), []);
  });

  it("the simulator stops cleanly on SIGTERM", async () => {
    simulator.signal("SIGTERM");
    const status = await simulator.waitForExit(10_000);
    assert.deepEqual(status, { code: 0, signal: null }, simulator.tail());
  });
});
