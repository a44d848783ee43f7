/**
 * A virtual power plant end to end over a real node process (docs/vpp.md): 20 devices (10 solar,
 * 10 batteries) registered, ten days of signed readings, two programs, three events, signed
 * responses, the event day's readings, settlement, and the programs closed. The node is
 * restarted with its clock moved forward (`ARKREEN_CLOCK_OFFSET_MS`) so that days of hourly
 * reading intervals pass in seconds; the chain itself only sees later slots.
 *
 * Devices 0–4 of each kind follow the events, 5–6 half-follow, 7 ignores them, 8–9 follow but
 * opted out. The test computes each device's baseline and payment from the readings it sent
 * (its own copy of the rule), and checks what the chain paid: followers exactly that, ignorers
 * and opted-out devices nothing, the battery program's short budget spent in member order and
 * never overdrawn, and the unspent budgets returned on close.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { writeFileSync } from "node:fs";
import {
  accountFromSeed,
  ArkreenClient,
  blsSigner,
  buildCall,
  DeviceKind,
  flexEventArgs,
  flexProgramArgs,
  flexResponseArgs,
  PayloadType,
  registrationArgs,
  ResponseStatus,
  signAndSend,
  signCall,
  signReading,
  submit,
  submitReadings,
  type Account,
  type BlsSigner,
} from "../../client/index.ts";
import { toHex } from "../../primitives/bytes.ts";
import { devKeypair } from "../../primitives/keys/devAccounts.ts";
import { fastDevSpec } from "../../harness/devNode.ts";
import { ProcessScope, waitUntil, type NodeProcess } from "../../harness/process.ts";

const HOUR_MS = 3_600_000;
const PER_DAY = 24;
const SLOT_MS = 500;
const AKRE = 10n ** 18n;
const KINDS = [DeviceKind.SolarPv, DeviceKind.Battery] as const;
const SOLAR_PRICE = AKRE / 20n; // 0.05 AKRE per kWh
const BATTERY_PRICE = AKRE / 5n; // 0.2 AKRE per kWh
const BATTERY_BUDGET = 2n * AKRE; // less than the batteries earn: spent in member order
const COMMITTED_W = 1_500;

const account = (name: string): Account => accountFromSeed(devKeypair(name).secretSeed);
const role = (i: number): "follow" | "half" | "ignore" | "optOut" => (i < 5 ? "follow" : i < 7 ? "half" : i === 7 ? "ignore" : "optOut");

interface Sim {
  kind: number;
  index: number;
  key: BlsSigner;
  id: number;
  cumulative: number;
  sent: Map<number, number>;
}

/** What a device reports for interval t (hours 8–13 of each day), given the event day and hours. */
function energy(sim: Sim, t: number, eventDay: number): number {
  const day = Math.floor(t / PER_DAY);
  const hour = t % PER_DAY;
  // Day-to-day variation, except for the device that ignores events: it runs exactly as usual, so
  // its baseline is its output and it delivers nothing (a noisy one could be paid for noise).
  const noise = role(sim.index) === "ignore" ? 0 : 1;
  const base = sim.kind === DeviceKind.SolarPv ? 1_000 + 300 * (hour - 8) + noise * ((sim.index * 7 + day) % 11) * 10 : 200 + noise * ((sim.index * 3 + day) % 7) * 10;
  if (day !== eventDay || (hour !== 12 && hour !== 13)) return base;
  const r = role(sim.index);
  const full = sim.kind === DeviceKind.SolarPv ? -800 : 2_000;
  return r === "ignore" ? base : base + (r === "half" ? full / 2 : full);
}

/** The documented baseline, written out (docs/vpp.md): 10-in-10, adjustment over [s-4, s-2] capped at ±20 %. */
function expectedDeliveredWh(sim: Sim, start: number, direction: 1 | -1): bigint {
  const base = (t: number): bigint => {
    let sum = 0n;
    for (let k = 1; k <= 10; k++) sum += BigInt(sim.sent.get(t - k * PER_DAY) as number);
    return sum / 10n;
  };
  let sb = 0n;
  let sm = 0n;
  for (let t = start - 4; t <= start - 2; t++) {
    sb += base(t);
    sm += BigInt(sim.sent.get(t) as number);
  }
  let ratio = (sm * 1000n) / sb;
  ratio = ratio < 800n ? 800n : ratio > 1200n ? 1200n : ratio;
  let delivered = 0n;
  for (const t of [start, start + 1]) {
    const adjusted = (base(t) * ratio) / 1000n;
    const d = direction === -1 ? adjusted - BigInt(sim.sent.get(t) as number) : BigInt(sim.sent.get(t) as number) - adjusted;
    if (d > 0n) delivered += d;
  }
  return delivered;
}

describe("e2e: virtual power plant — 20 devices, two programs, three events, settled from readings (node process) @slow", function () {
  this.timeout(600_000);
  const scope = new ProcessScope();
  let node: NodeProcess | null = null;
  let client: ArkreenClient | null = null;
  let chainSpec: string;
  let basePath: string;
  after(async () => {
    client?.close();
    await scope.dispose();
  });

  /** (Re)starts the node with its clock at minute 1 of hourly interval `interval`, and waits for a block there. */
  async function at(interval: number): Promise<ArkreenClient> {
    client?.close();
    if (node) await node.stop(5_000);
    const offset = interval * HOUR_MS + 60_000 - Date.now();
    node = await scope.startNode({ chain: chainSpec, basePath, args: ["--alice"], env: { ARKREEN_CLOCK_OFFSET_MS: String(offset) } });
    client = await ArkreenClient.connect(node.wsUrl);
    const from = await client.bestNumber();
    const c = client;
    await waitUntil(async () => (await c.bestNumber()) > from + 1, 20 * SLOT_MS, "blocks at the new time");
    return client;
  }

  async function sendAll(c: ArkreenClient, signer: Account, calls: ReturnType<typeof buildCall>[]): Promise<void> {
    let nonce = await c.nextNonce(signer.publicKey);
    for (const call of calls) await submit(c, await signCall(c, signer, call, { nonce: nonce++ }));
    // The state's nonce (system_accountNextIndex counts the pool too): every call is in a block.
    await waitUntil(async () => Number((await c.balance(signer.publicKey)).nonce) === nonce, 40 * SLOT_MS, `${calls.length} calls of ${signer.address} included`);
  }

  async function feed(c: ArkreenClient, genesisHash: Uint8Array, sims: Sim[], day: number, eventDay: number): Promise<void> {
    const signed = sims.flatMap((sim) =>
      [8, 9, 10, 11, 12, 13].map((h) => {
        const t = day * PER_DAY + h;
        const e = energy(sim, t, eventDay);
        sim.cumulative += e;
        sim.sent.set(t, e);
        return signReading(genesisHash, { deviceId: sim.id, interval: t, cumulativeWh: sim.cumulative, energyWh: e, peakW: e }, sim.key);
      }),
    );
    const answers = await submitReadings(c, signed);
    assert.ok(answers.every((a) => a.accepted), JSON.stringify(answers.find((a) => !a.accepted)));
    const last = sims[sims.length - 1];
    await waitUntil(async () => (await c.generation(last.id, day * PER_DAY + 13, day * PER_DAY + 13)).intervals.length === 1, 40 * SLOT_MS, `day ${day}'s readings credited`);
  }

  it("pays followers exactly the documented amount, ignorers and opt-outs nothing, never overdraws, and returns unspent budgets", async () => {
    const dir = scope.tempDir("vpp");
    basePath = join(dir, "base");
    const spec = fastDevSpec(SLOT_MS);
    if (!("runtimeGenesis" in spec.genesis)) throw new Error("runtime genesis expected");
    Object.assign(spec.genesis.runtimeGenesis.config.pog as Record<string, unknown>, { readingIntervalSecs: 3600, acceptanceWindowIntervals: PER_DAY });
    chainSpec = join(dir, "vpp-dev.json");
    writeFileSync(chainSpec, JSON.stringify(spec, null, 2));
    const eventDay = Math.floor(Date.now() / HOUR_MS / PER_DAY) + 12;
    const start = eventDay * PER_DAY + 12;

    // Registration, a day before the history starts.
    let c = await at((eventDay - 11) * PER_DAY + 20);
    const genesisHash = await c.genesisHash();
    const alice = account("Alice");
    const owners = { [DeviceKind.SolarPv]: account("Bob"), [DeviceKind.Battery]: account("Eve") } as Record<number, Account>;
    const sims: Sim[] = KINDS.flatMap((kind) => Array.from({ length: 10 }, (_, index) => ({ kind, index, key: blsSigner(new Uint8Array(32).fill(kind * 16 + index + 1)), id: -1, cumulative: 0, sent: new Map<number, number>() })));
    for (const kind of KINDS) {
      const owner = owners[kind];
      const mine = sims.filter((s) => s.kind === kind);
      await sendAll(c, owner, mine.map((s) => buildCall("devices.register", registrationArgs({ genesisHash, owner: owner.publicKey, device: s.key, kind, capacityW: 5_000, location: "u0yjjd", registrar: alice }))));
      const registered = await c.devicesOf(owner.publicKey);
      assert.equal(registered.length, 10, JSON.stringify(registered));
      for (const s of mine) s.id = registered.find((d) => d.blsKey === toHex(s.key.publicKey))!.id;
    }

    // Ten days of history, hours 8–13.
    for (let day = eventDay - 10; day < eventDay; day++) {
      c = await at(day * PER_DAY + 14);
      await feed(c, genesisHash, sims, day, eventDay);
    }

    // The event day, 05:00: programs, enrolments, three events, responses.
    c = await at(eventDay * PER_DAY + 5);
    const charlie = account("Charlie");
    const dave = account("Dave");
    await signAndSend(c, charlie, buildCall("flex.createProgram", flexProgramArgs({ name: "solar curtailment", deviceKinds: [DeviceKind.SolarPv], region: "u0", pricePerKwh: SOLAR_PRICE, budget: 100n * AKRE, maxEventIntervals: 4 })));
    await signAndSend(c, dave, buildCall("flex.createProgram", flexProgramArgs({ name: "battery discharge", deviceKinds: [DeviceKind.Battery], region: "", pricePerKwh: BATTERY_PRICE, budget: BATTERY_BUDGET, maxEventIntervals: 4 })));
    for (const kind of KINDS) {
      await sendAll(c, owners[kind], sims.filter((s) => s.kind === kind).map((s) => buildCall("flex.enrol", { programId: kind === DeviceKind.SolarPv ? 0 : 1, deviceId: s.id, committedW: COMMITTED_W })));
    }
    // Enrolment is the owner's alone.
    await assert.rejects(signAndSend(c, dave, buildCall("flex.leave", { deviceId: sims[0].id })), /flex\.NotOwner/);
    await signAndSend(c, charlie, buildCall("flex.createEvent", flexEventArgs({ programId: 0, deviceIds: "fleet", startInterval: start, payloadType: PayloadType.ReduceExport, watts: [4_000, 4_000] })));
    await signAndSend(c, dave, buildCall("flex.createEvent", flexEventArgs({ programId: 1, deviceIds: "fleet", startInterval: start, payloadType: PayloadType.IncreaseExport, watts: [2_000, 2_000] })));
    const batteries = sims.filter((s) => s.kind === DeviceKind.Battery);
    await signAndSend(c, dave, buildCall("flex.createEvent", flexEventArgs({ programId: 1, deviceIds: [batteries[0].id, batteries[1].id], startInterval: start + 3, payloadType: PayloadType.Charge, watts: [3_000] })));
    // An event in the past and one overlapping a device's event are refused.
    await assert.rejects(signAndSend(c, dave, buildCall("flex.createEvent", flexEventArgs({ programId: 1, deviceIds: "fleet", startInterval: eventDay * PER_DAY + 4, payloadType: PayloadType.Charge, watts: [1] }))), /flex\.EventInPast/);
    await assert.rejects(signAndSend(c, dave, buildCall("flex.createEvent", flexEventArgs({ programId: 1, deviceIds: [batteries[2].id], startInterval: start + 1, payloadType: PayloadType.Charge, watts: [1] }))), /flex\.OverlappingEvent/);
    const pending = await c.pendingCommands(sims[0].id);
    assert.deepEqual(pending.map((p) => p.command), [{ kind: "flexEvent", eventId: 0, payloadType: PayloadType.ReduceExport, watts: 4_000, startInterval: start, durationIntervals: 2 }]);
    const gateway = account("Ferdie");
    const responses = sims.flatMap((s) => {
      const eventId = s.kind === DeviceKind.SolarPv ? 0 : 1;
      const status = role(s.index) === "optOut" ? ResponseStatus.OptOut : role(s.index) === "follow" ? ResponseStatus.OptIn : null;
      return status === null ? [] : [buildCall("flex.respond", flexResponseArgs(genesisHash, eventId, s.id, status, s.key))];
    });
    await sendAll(c, gateway, responses);
    assert.equal((await c.flexResponses(0)).length + (await c.flexResponses(1)).length, responses.length);

    // 16:00: the day's readings, then a response that comes too late.
    c = await at(eventDay * PER_DAY + 16);
    await feed(c, genesisHash, sims, eventDay, eventDay);
    await assert.rejects(signAndSend(c, gateway, buildCall("flex.respond", flexResponseArgs(genesisHash, 0, sims[7].id, ResponseStatus.OptOut, sims[7].key))), /flex\.EventOver/);

    // The next day, once the readings of 15:00 can no longer arrive: all three events settle.
    c = await at((eventDay + 1) * PER_DAY + 17);
    const cc = c;
    await waitUntil(async () => (await Promise.all([0, 1, 2].map((id) => cc.flexEvent(id)))).every((e) => e?.phase === "Settled"), 40 * SLOT_MS, "the three events settled");

    const committedWh = BigInt(COMMITTED_W * 2);
    for (const [eventId, kind, price, direction] of [[0, DeviceKind.SolarPv, SOLAR_PRICE, -1], [1, DeviceKind.Battery, BATTERY_PRICE, 1]] as const) {
      const settled = new Map((await c.flexSettlements(eventId)).map((s) => [s.deviceId, s]));
      let budget = kind === DeviceKind.SolarPv ? 100n * AKRE : BATTERY_BUDGET;
      let paidTotal = 0n;
      for (const sim of sims.filter((s) => s.kind === kind)) {
        const s = settled.get(sim.id)!;
        const r = role(sim.index);
        if (r === "optOut") {
          assert.deepEqual([s.outcome, s.amount], ["OptedOut", "0"], `device ${sim.id}`);
          continue;
        }
        const delivered = expectedDeliveredWh(sim, start, direction);
        assert.equal(BigInt(s.deliveredWh), delivered, `device ${sim.id} (${r}) delivered`);
        if (r === "ignore") assert.deepEqual([s.outcome, s.amount], ["NothingDelivered", "0"], `device ${sim.id} ignored the event`);
        const due = ((delivered < committedWh ? delivered : committedWh) * price) / 1000n;
        const paid = due < budget ? due : budget;
        budget -= paid;
        paidTotal += paid;
        assert.equal(BigInt(s.amount), paid, `device ${sim.id} (${r}) paid`);
        if (r === "follow" || r === "half") assert.ok(delivered > 0n, `device ${sim.id} delivered something`);
      }
      const program = (await c.flexProgram(eventId))!;
      assert.equal(BigInt(program.paid), paidTotal);
      assert.equal(BigInt(program.budget), budget, "never overdrawn: the budget is what was left");
    }
    assert.equal(BigInt((await c.flexProgram(1))!.budget), 0n, "the battery program's short budget was spent in member order");
    assert.deepEqual((await c.flexSettlements(2)).map((s) => s.outcome), ["NoImportChannel", "NoImportChannel"]);

    // Closing returns the unspent budget from reserved to free.
    for (const [programId, operator] of [[0, charlie], [1, dave]] as const) {
      const left = BigInt((await c.flexProgram(programId))!.budget);
      const before = await c.balance(operator.publicKey);
      const closed = await signAndSend(c, operator, buildCall("flex.close", { programId }));
      const after = await c.balance(operator.publicKey);
      assert.equal(BigInt(after.reserved), BigInt(before.reserved) - left);
      assert.equal(BigInt(after.free), BigInt(before.free) + left - closed.fee);
    }
  });
});
