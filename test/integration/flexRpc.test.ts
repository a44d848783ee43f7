import { strict as assert } from "node:assert";
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
  RpcCallError,
  ResponseStatus,
  signAndSend,
  type ControlCommand,
} from "../../client/index.ts";
import { devKeypair } from "../../primitives/keys/devAccounts.ts";
import { encodeAddress } from "../../primitives/keys/ss58.ts";
import { fastDevSpec, startDevNode, waitFor, type TestNode } from "../../harness/devNode.ts";

const INTERVAL_SECS = 2;
const RETENTION_BLOCKS = 40;
const AKRE = 10n ** 18n;

/**
 * The flex module over RPC and the client library, against an in-process dev node with 2 s
 * reading intervals: a program, an enrolment, an event delivered through control's pending list,
 * a signed response, and the event settled (the device sent no readings: no baseline, nothing
 * paid) before the program closes and returns its budget.
 */
describe("flex RPC (in-process dev node): flex_* reads, tx calls through the client library", function () {
  this.timeout(60_000);
  let t: TestNode;
  let client: ArkreenClient;
  const alice = accountFromSeed(devKeypair("Alice").secretSeed);
  const charlie = accountFromSeed(devKeypair("Charlie").secretSeed);
  const device = blsSigner(new Uint8Array(32).fill(0x51));
  let deviceId: number;

  before(async () => {
    const spec = fastDevSpec(250);
    if (!("runtimeGenesis" in spec.genesis)) throw new Error("runtime genesis expected");
    Object.assign(spec.genesis.runtimeGenesis.config.pog as Record<string, unknown>, { readingIntervalSecs: INTERVAL_SECS, acceptanceWindowIntervals: 2 });
    // Closed programs are removed 40 blocks (10 s at 250 ms slots) after they close: flex_program then answers 4005.
    Object.assign(spec.genesis.runtimeGenesis.config.flex as Record<string, unknown>, { settledRetentionBlocks: RETENTION_BLOCKS });
    t = await startDevNode({ spec });
    client = await ArkreenClient.connect(t.wsUrl);
    const genesisHash = await client.genesisHash();
    const args = registrationArgs({ genesisHash, owner: alice.publicKey, device, kind: DeviceKind.Battery, capacityW: 10_000, location: "u0yjjd", registrar: alice });
    await signAndSend(client, alice, buildCall("devices.register", args));
    deviceId = (await client.devicesOf(alice.publicKey)).find((d) => d.kind === "Battery")!.id;
  });

  after(async () => {
    client.close();
    await t.stop();
  });

  it("runs a program from creation to close: enrol, event on the downlink, signed response, settlement, budget returned", async () => {
    const genesisHash = await client.genesisHash();
    await signAndSend(client, charlie, buildCall("flex.createProgram", flexProgramArgs({ name: "evening peak", deviceKinds: [DeviceKind.Battery], region: "u0", pricePerKwh: AKRE / 10n, budget: AKRE, maxEventIntervals: 4 })));
    const [program] = await client.flexPrograms();
    assert.deepEqual({ ...program, createdAt: 0 }, {
      id: 0,
      operator: encodeAddress(charlie.publicKey),
      name: "evening peak",
      deviceKinds: ["Battery"],
      region: "u0",
      pricePerKwh: (AKRE / 10n).toString(),
      budget: AKRE.toString(),
      paid: "0",
      baselineMethod: "TenInTenAdjusted",
      maxEventIntervals: 4,
      status: "Active",
      createdAt: 0,
      members: 0,
      activeEvents: [],
    });
    await signAndSend(client, alice, buildCall("flex.enrol", { programId: 0, deviceId, committedW: 4_000 }));
    assert.deepEqual((await client.flexEnrolments(0)).map((e) => [e.deviceId, e.committedW, e.seq]), [[deviceId, 4_000, 0]]);

    const commands: ControlCommand[][] = [];
    const subscription = await client.subscribePendingCommands([deviceId], (list) => commands.push(list));
    const startInterval = Math.floor(Date.now() / 1000 / INTERVAL_SECS) + 4;
    await signAndSend(client, charlie, buildCall("flex.createEvent", flexEventArgs({ programId: 0, deviceIds: [deviceId], startInterval, payloadType: PayloadType.IncreaseExport, watts: [3_000, 2_000] })));
    await waitFor(() => commands.some((l) => l.length === 1), 5_000, "the event on the device's pending list");
    const [command] = commands.find((l) => l.length === 1)!;
    assert.deepEqual(command.command, { kind: "flexEvent", eventId: 0, payloadType: PayloadType.IncreaseExport, watts: 3_000, startInterval, durationIntervals: 2 });
    await subscription.unsubscribe();

    const event = await client.flexEvent(0);
    assert.deepEqual(
      { ...event, createdAt: 0 },
      {
        id: 0,
        programId: 0,
        payloadType: "INCREASE_EXPORT",
        targets: { wholeFleet: false, deviceIds: [deviceId] },
        intervalPeriod: { startInterval, durationIntervals: 2 },
        intervals: [
          { id: 0, watts: 3_000 },
          { id: 1, watts: 2_000 },
        ],
        pricePerKwh: (AKRE / 10n).toString(),
        createdAt: 0,
        phase: "Scheduled",
        delivered: 1,
        paidDevices: 0,
        paid: "0",
      },
    );
    assert.deepEqual((await client.flexEvents(0, 10, 0)).map((e) => e.id), [0]);
    assert.deepEqual(await client.flexEvents(0, 10, 1), []);

    // A response signed by another key is refused; the device's own is recorded.
    const wrong = flexResponseArgs(genesisHash, 0, deviceId, ResponseStatus.OptIn, blsSigner(new Uint8Array(32).fill(0x52)));
    await assert.rejects(signAndSend(client, alice, buildCall("flex.respond", wrong)), (e: Error & { data?: { error?: { error?: string } } }) => /flex\.BadSignature/.test(e.message));
    await signAndSend(client, alice, buildCall("flex.respond", flexResponseArgs(genesisHash, 0, deviceId, ResponseStatus.OptIn, device)));
    const responses = await client.flexResponses(0);
    assert.deepEqual(responses.map((r) => [r.deviceId, r.status, r.code, r.submittedBy]), [[deviceId, "OptIn", 5, encodeAddress(alice.publicKey)]]);

    const baseline = await client.flexBaseline(deviceId, 0);
    assert.deepEqual(baseline, { eventId: 0, deviceId, ratioPermille: 1000, intervals: null });
    assert.equal(await client.flexBaseline(deviceId, 9), null);

    // Settled once the last interval's readings can no longer arrive (2 intervals of window).
    await waitFor(async () => (await client.flexEvent(0))?.phase === "Settled", 30_000, "the event settled");
    assert.deepEqual(
      (await client.flexSettlements(0)).map((s) => [s.deviceId, s.outcome, s.amount, s.owner]),
      [[deviceId, "NoBaseline", "0", encodeAddress(alice.publicKey)]],
    );

    const before = await client.balance(charlie.publicKey);
    const closed = await signAndSend(client, charlie, buildCall("flex.close", { programId: 0 }));
    const after = await client.balance(charlie.publicKey);
    assert.equal(BigInt(after.reserved), BigInt(before.reserved) - AKRE);
    assert.equal(BigInt(after.free), BigInt(before.free) + AKRE - closed.fee);
    assert.equal((await client.flexProgram(0))?.status, "Closed");
    assert.equal(await client.flexProgram(1), null);

    // A retention after it closed, the program's records are removed: 4005, not null (a program never created stays null).
    const removed = (e: unknown): boolean => e instanceof RpcCallError && e.rpcCode === 4005 && /settledRetentionBlocks/.test(e.rpcMessage);
    await waitFor(async () => (await client.flexPrograms(0, 10)).length === 0, 30_000, "the closed program removed");
    await assert.rejects(client.flexProgram(0), removed);
    await assert.rejects(client.call("flex_enrolments", [0]), removed);
    assert.equal(await client.flexProgram(1), null);
  });

  it("refuses malformed parameters", async () => {
    await assert.rejects(client.call("flex_program", ["x"]), (e: Error) => e instanceof RpcCallError && e.message.includes("-32602"));
    await assert.rejects(client.call("flex_programs", [0, 101]), (e: Error) => e instanceof RpcCallError && e.message.includes("limit"));
    await assert.rejects(client.call("flex_baseline", [0]), (e: Error) => e instanceof RpcCallError && e.message.includes("eventId"));
  });
});
