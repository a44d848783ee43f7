import { strict as assert } from "node:assert";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bytesEqual, fromHex, toHex } from "../../primitives/bytes.ts";
import { blsAggregateSignatures, blsAggregateVerify } from "../../primitives/blsKeys.ts";
import { codecs, type Block, type Call, type EventRecord } from "../../primitives/codec/index.ts";
import { auraPreDigest } from "../../primitives/digest.ts";
import { devKeypair } from "../../primitives/keys/devAccounts.ts";
import type { Ed25519Keypair } from "../../primitives/keys/ed25519.ts";
import { nullLogger } from "../../primitives/logger.ts";
import { orderedTrieRoot } from "../../primitives/trie/trie.ts";
import { sealHeader } from "../../consensus/aura/seal.ts";
import { slotAt } from "../../consensus/aura/slots.ts";
import { buildGenesisBlock } from "../../genesis/build.ts";
import { applyStateChanges, headerHash, type Chain } from "../../node/chain/chain.ts";
import { BlockImportError } from "../../node/chain/errors.ts";
import { Database } from "../../node/db/database.ts";
import { openChain } from "../../node/openChain.ts";
import type { KnownReadingSignature } from "../../node/readings/blockReadingsVerifier.ts";
import type { Executive } from "../../runtime/executive.ts";
import { signExtrinsic } from "../../runtime/extrinsic.ts";
import { deviceIdArgsCodec } from "../../runtime/modules/devices/types.ts";
import { Devices } from "../../runtime/modules/devices/storage.ts";
import { creditedReading } from "../../runtime/modules/pog/generation.ts";
import { readingCodec, readingSigningRoot, signedReadingCodec, type Reading } from "../../runtime/modules/pog/types.ts";
import { Events } from "../../runtime/modules/system/storage.ts";
import { fastDevSpec, httpRpc, startDevNode, waitFor, type TestNode } from "../../harness/devNode.ts";
import { registerCall, TestDevice, type ReadingJson } from "../../harness/energy.ts";

const alice = devKeypair("Alice"); // the dev registrar and the only validator
const bob = devKeypair("Bob"); // owns the devices
/** The dev chain's reading interval and acceptance window. */
const INTERVAL_MS = 60_000;
const WINDOW = 60;

type Answer = { accepted: true } | { accepted: false; reason: string };

interface GenerationJson {
  deviceId: number;
  totalWh: number;
  intervals: Array<{ interval: number; energyWh: number; cumulativeWh: number; peakW: number; block: number }>;
}

describe("readings over JSON-RPC (in-process dev node)", function () {
  this.timeout(30_000);
  const SLOT_MS = 500;
  let t: TestNode;
  let genesisHash: Uint8Array;
  const nonces = new Map<Ed25519Keypair, number>();
  /** Devices 0, 2 and 3 stay Active; device 1 is suspended by its registrar. */
  const active = new TestDevice(21, 0);
  const suspended = new TestDevice(22, 1);
  const other = new TestDevice(23, 2);
  const batched = new TestDevice(24, 3);
  const devices = [active, suspended, other, batched];
  /** (device, interval) of every reading refused here: none of them may ever be credited. */
  const refused: Array<{ deviceId: number; interval: number }> = [];

  async function call<T>(method: string, params: unknown[] = []): Promise<T> {
    const res = await httpRpc(t.httpUrl, method, params);
    if (res.error) throw new Error(`${method}: ${res.error.message} ${JSON.stringify(res.error.data)}`);
    return res.result as T;
  }

  async function submitExtrinsic(signer: Ed25519Keypair, c: Call): Promise<void> {
    const nonce = nonces.get(signer) ?? 0;
    nonces.set(signer, nonce + 1);
    await call("author_submitExtrinsic", [toHex(signExtrinsic(genesisHash, signer.secretSeed, c, { nonce }))]);
  }

  async function bestNumber(): Promise<number> {
    return parseInt((await call<{ number: string }>("chain_getHeader", [])).number, 16);
  }

  /** Resolves just after a new best block, so that what follows has most of a slot before the next one. */
  async function afterNextBlock(): Promise<void> {
    const start = await bestNumber();
    await waitFor(async () => (await bestNumber()) > start, 5_000, "a new block");
  }

  const submit = (r: unknown): Promise<Answer> => call<Answer>("pog_submitReading", [r]);
  const submitAll = (rs: unknown[]): Promise<Answer[]> => call<Answer[]>("pog_submitReadings", [rs]);
  const pending = (): Promise<ReadingJson[]> => call<ReadingJson[]>("pog_pendingReadings");
  const generation = (deviceId: number, from: number, to = from): Promise<GenerationJson> => call<GenerationJson>("pog_generation", [deviceId, from, to]);

  async function credited(deviceId: number, interval: number): Promise<GenerationJson["intervals"][number]> {
    await waitFor(async () => (await generation(deviceId, interval)).intervals.length === 1, 10_000, `device ${deviceId} credited for interval ${interval}`);
    return (await generation(deviceId, interval)).intervals[0];
  }

  /** The interval now on the wall clock (the node's pool uses the same); the runtime lags by at most a slot. */
  const currentInterval = (): number => Math.floor(Date.now() / INTERVAL_MS);

  function rejectedWith(reason: string): Answer {
    return { accepted: false, reason };
  }

  function refuse(r: Reading): void {
    refused.push({ deviceId: r.deviceId, interval: r.interval });
  }

  /** Bob registers four devices through the registrar //Alice; //Alice then suspends device 1. */
  before(async () => {
    t = await startDevNode({ slotDurationMs: SLOT_MS });
    genesisHash = fromHex(await call<string>("chain_getBlockHash", [0]));
    for (const d of devices) await submitExtrinsic(bob, registerCall(genesisHash, bob, d.key, alice, 5_000));
    await waitFor(async () => (await call("device_get", [devices.length - 1])) !== null, 10_000, "four registered devices");
    for (const d of devices) assert.equal((await call<{ blsKey: string }>("device_get", [d.deviceId])).blsKey, toHex(d.key.publicKey));
    await submitExtrinsic(alice, { module: "devices", method: "suspend", args: deviceIdArgsCodec.encode({ deviceId: suspended.deviceId }) });
    await waitFor(async () => (await call<{ status: string }>("device_get", [1])).status === "Suspended", 10_000, "device 1 suspended");
  });
  after(async () => {
    await t?.stop();
  });

  it("an accepted reading is pending, then included with its block's readings root and aggregate signature, and credited", async () => {
    const r = active.next(currentInterval() - 30, 50, 3_000);
    const json = active.json(genesisHash, r);
    await afterNextBlock();
    assert.deepEqual(await submit(json), { accepted: true });
    assert.deepEqual(await pending(), [json]);

    const g = await credited(r.deviceId, r.interval);
    assert.deepEqual(g, { interval: r.interval, energyWh: 50, cumulativeWh: r.cumulativeWh, peakW: 3_000, block: g.block });
    assert.equal((await generation(r.deviceId, r.interval - 5, r.interval + 5)).totalWh, 50);
    assert.deepEqual(await pending(), [], "the included reading left the pool");

    // The block that credited it carries it, commits to it in its header and holds one aggregate signature.
    const hash = await call<string>("chain_getBlockHash", [g.block]);
    const block = t.node.chain.block(fromHex(hash));
    assert.ok(block?.readings && block.readingsSignature, "block stored with its readings");
    assert.ok(block.readings.some((bytes) => bytesEqual(bytes, readingCodec.encode(r))), "the reading is in the block");
    const root = block.header.readingsRoot ?? new Uint8Array(0);
    assert.equal(root.length, 32, "non-empty readings root");
    assert.ok(bytesEqual(root, orderedTrieRoot(block.readings)));
    const decoded = block.readings.map((bytes) => readingCodec.decode(bytes));
    const keys = decoded.map((x) => devices.find((d) => d.deviceId === x.deviceId)!.key.publicKey);
    assert.ok(blsAggregateVerify(keys, decoded.map((x) => readingSigningRoot(genesisHash, x)), block.readingsSignature), "the aggregate verifies");
    const events = await blockEvents(hash);
    assert.deepEqual(
      events.filter((e) => e.module === "pog").map((e) => [e.name, JSON.parse(e.data).count]),
      [["ReadingsCredited", block.readings.length]],
    );
  });

  it("Malformed: fields that are not u32/u64 integers, a missing or non-hex or short signature, bytes that are not a SignedReading", async () => {
    const r = active.next(currentInterval() - 29, 10);
    const good = active.json(genesisHash, r);
    const bad: unknown[] = [
      { ...good, deviceId: "0" },
      { ...good, interval: r.interval + 0.5 },
      { ...good, energyWh: -1 },
      { ...good, peakW: 2 ** 32 },
      { ...good, cumulativeWh: 2 ** 53 },
      { ...good, signature: undefined },
      { ...good, signature: "zz" },
      { ...good, signature: good.signature.slice(0, -2) }, // 95 bytes
      { ...good, signature: good.signature + "00" }, // 97 bytes
      "0xffff",
      "0x",
      42,
      null,
    ];
    assert.deepEqual(await submitAll(bad), bad.map(() => rejectedWith("Malformed")));
    assert.deepEqual(await submit({ ...good, signature: good.signature.slice(0, 130) }), rejectedWith("Malformed"));
    assert.deepEqual(await pending(), []);
    refuse(r);
  });

  it("per-reading answers in one batch: UnknownDevice, DeviceNotActive, FutureInterval, IntervalTooOld, and the valid one (protobuf hex) accepted", async () => {
    const now = currentInterval();
    const nobody = new TestDevice(25, 99);
    const unknown = nobody.next(now - 5, 10);
    const ofSuspended = suspended.next(now - 5, 10);
    // Copies of device 2's key, so that its own meter is not moved by readings that are refused.
    const future = new TestDevice(23, 2).next(now + 1, 10);
    const farFuture = new TestDevice(23, 2).next(now + 100, 10);
    const tooOld = new TestDevice(23, 2).next(now - WINDOW - 1, 10);
    const valid = active.next(now - 28, 20);
    const answers = await submitAll([
      nobody.json(genesisHash, unknown),
      suspended.json(genesisHash, ofSuspended),
      other.json(genesisHash, future),
      other.json(genesisHash, farFuture),
      other.json(genesisHash, tooOld),
      toHex(signedReadingCodec.encode({ reading: valid, signature: active.sign(genesisHash, valid) })),
    ]);
    assert.deepEqual(answers, [
      rejectedWith("UnknownDevice"),
      rejectedWith("DeviceNotActive"),
      rejectedWith("FutureInterval"),
      rejectedWith("FutureInterval"),
      rejectedWith("IntervalTooOld"),
      { accepted: true },
    ]);
    for (const r of [unknown, ofSuspended, future, farFuture, tooOld]) refuse(r);
    assert.equal((await credited(valid.deviceId, valid.interval)).energyWh, 20);
  });

  it("Duplicate: while pooled (same or other values, or submitted concurrently) and once credited", async () => {
    const r = active.next(currentInterval() - 27, 30);
    const json = active.json(genesisHash, r);
    const otherValues = active.json(genesisHash, { ...r, cumulativeWh: r.cumulativeWh + 1, energyWh: 31 });
    await afterNextBlock();
    assert.deepEqual(await submit(json), { accepted: true });
    assert.deepEqual(await submit(json), rejectedWith("Duplicate"));
    assert.deepEqual(await submit(otherValues), rejectedWith("Duplicate"));
    assert.deepEqual(await submit(toHex(signedReadingCodec.encode({ reading: r, signature: fromHex(json.signature) }))), rejectedWith("Duplicate"), "the same reading as protobuf hex");
    assert.equal((await credited(r.deviceId, r.interval)).cumulativeWh, r.cumulativeWh, "the first submission is the one credited");
    assert.deepEqual(await submit(json), rejectedWith("Duplicate"));

    const concurrent = active.json(genesisHash, active.next(currentInterval() - 26, 30));
    const answers = await Promise.all([submit(concurrent), submit(concurrent)]);
    assert.deepEqual(
      answers.map((a) => (a.accepted ? "accepted" : a.reason)).sort(),
      ["Duplicate", "accepted"],
    );
    await credited(concurrent.deviceId, concurrent.interval);
  });

  it("Duplicate: a batch carrying one (device, interval) twice accepts only the first", async () => {
    const r = batched.next(currentInterval() - 25, 40);
    const first = batched.json(genesisHash, r);
    const second = batched.json(genesisHash, { ...r, cumulativeWh: r.cumulativeWh + 5, energyWh: 45 });
    await afterNextBlock();
    const answers = await submitAll([first, second]);
    const g = await credited(r.deviceId, r.interval);
    assert.deepEqual(answers, [{ accepted: true }, rejectedWith("Duplicate")], `answers ${JSON.stringify(answers)}; credited ${JSON.stringify(g)}`);
    assert.equal(g.cumulativeWh, r.cumulativeWh);
  });

  it("BadSignature: signed by another device's key, for another interval, for another chain, or 96 bytes that are no signature", async () => {
    const now = currentInterval();
    const r = other.next(now - 20, 40);
    const signatures = [
      active.sign(genesisHash, r),
      other.sign(genesisHash, { ...r, interval: r.interval - 1 }),
      other.sign(new Uint8Array(32).fill(7), r),
      new Uint8Array(96).fill(0x11),
    ];
    // One call each: a batch may refuse a second reading of one (device, interval) as Duplicate.
    for (const s of signatures) assert.deepEqual(await submit({ ...r, signature: toHex(s) }), rejectedWith("BadSignature"));
    assert.deepEqual(await pending(), []);

    // A forged submission does not hold the slot: the device's own reading is still accepted and credited.
    assert.deepEqual(await submit(other.json(genesisHash, r)), { accepted: true });
    const g = await credited(r.deviceId, r.interval);
    assert.deepEqual([g.energyWh, g.cumulativeWh], [r.energyWh, r.cumulativeWh]);
  });

  it("the runtime's meter and capacity rules: OutOfOrder, MeterBackwards, MeterInconsistent, EnergyAboveCapacity are refused with its reason and reach no block", async () => {
    const now = currentInterval();
    const last = batched.next(now - 15, 30);
    assert.deepEqual(await submit(batched.json(genesisHash, last)), { accepted: true });
    await credited(last.deviceId, last.interval);
    const from = await bestNumber();
    const at = (interval: number, cumulativeWh: number, energyWh: number, peakW = 1_000): Reading => ({ deviceId: batched.deviceId, interval, cumulativeWh, energyWh, peakW });
    // 5 kW with 10 % tolerance: at most 91 Wh a 60 s interval and a 5,500 W peak.
    const bad: Array<[string, Reading]> = [
      ["OutOfOrder", at(now - 16, last.cumulativeWh + 10, 10)],
      ["MeterBackwards", at(now - 14, last.cumulativeWh - 1, 5)],
      ["MeterInconsistent", at(now - 14, last.cumulativeWh + 20, 25)], // the next interval: the meter must move by exactly its energy
      ["MeterInconsistent", at(now - 12, last.cumulativeWh + 10, 20)], // after a gap: by at least its energy
      ["EnergyAboveCapacity", at(now - 13, last.cumulativeWh + 92, 92)],
      ["EnergyAboveCapacity", at(now - 11, last.cumulativeWh + 10, 10, 5_501)],
    ];
    const answers = await submitAll(bad.map(([, r]) => batched.json(genesisHash, r)));
    assert.deepEqual(answers, bad.map(([reason]) => rejectedWith(reason)));
    for (const [, r] of bad) refuse(r);
    assert.deepEqual(await pending(), []);

    // The device's next good reading is still taken and credited; no block carried a refused one.
    const good = batched.next(now - 10, 20);
    assert.deepEqual(await submit(batched.json(genesisHash, good)), { accepted: true });
    await credited(good.deviceId, good.interval);
    const refusedBytes = bad.map(([, r]) => readingCodec.encode(r));
    for (let n = from; n <= (await bestNumber()); n++) {
      const block = t.node.chain.block(fromHex(await call<string>("chain_getBlockHash", [n])));
      assert.ok(block, `block ${n}`);
      for (const bytes of block.readings ?? []) assert.ok(!refusedBytes.some((b) => bytesEqual(b, bytes)), `block ${n} carries a refused reading`);
      const events = await blockEvents(toHex(headerHash(block.header)));
      assert.deepEqual(events.filter((e) => e.name === "ReadingRejected"), [], `block ${n} rejected a reading`);
    }
  });

  it("none of the refused readings was ever credited", async () => {
    assert.ok(refused.length >= 6);
    const start = await bestNumber();
    await waitFor(async () => (await bestNumber()) >= start + 2, 5_000, "two more blocks");
    for (const { deviceId, interval } of refused) {
      assert.deepEqual((await generation(deviceId, interval)).intervals, [], `device ${deviceId} interval ${interval}`);
    }
  });

  async function blockEvents(hash: string): Promise<EventRecord[]> {
    const raw = await call<string | null>("state_getStorage", [toHex(Events.key), hash]);
    return raw === null ? [] : codecs.eventList.decode(fromHex(raw)).events;
  }
});

describe("readings at block import (LevelDB, no readings pool)", function () {
  this.timeout(20_000);
  const SLOT_MS = 1000;
  const spec = fastDevSpec(SLOT_MS);
  const genesis = buildGenesisBlock(spec);
  const devices = [new TestDevice(31, 0), new TestDevice(32, 1)];
  let dir: string;
  let db: Database;
  let chain: Chain;
  let executive: Executive;
  // Past slots: the Aura verifier refuses blocks ahead of the clock.
  let slot = slotAt(Date.now(), SLOT_MS) - 600n;

  /** Builds and seals a block on the best head as //Alice would, without importing it. */
  function buildBlock(extrinsics: Uint8Array[], readings: Reading[], signatures: Uint8Array[]): Block {
    const parent = chain.best;
    const state = chain.stateAt(parent.hash);
    const digest = [auraPreDigest(++slot)];
    const ctx = executive.initializeBlock(state, { number: parent.number + 1, parentHash: parent.hash, digest });
    const encoded = readings.map((r) => readingCodec.encode(r));
    executive.applyReadings(ctx, encoded);
    extrinsics.forEach((xt, i) => executive.applyExtrinsic(ctx, xt, i));
    const { root } = applyStateChanges(state, executive.finalizeBlock(ctx));
    const header = sealHeader(
      {
        parentHash: parent.hash,
        number: parent.number + 1,
        stateRoot: root,
        extrinsicsRoot: orderedTrieRoot(extrinsics),
        digest,
        readingsRoot: encoded.length > 0 ? orderedTrieRoot(encoded) : new Uint8Array(0),
      },
      alice.secretSeed,
    );
    return { header, extrinsics, readings: encoded, readingsSignature: signatures.length > 0 ? blsAggregateSignatures(signatures) : new Uint8Array(0) };
  }

  /** Two readings (one per device) of intervals that ended before the next block's slot. */
  function twoReadings(): Reading[] {
    const interval = Number(((slot + 1n) * BigInt(SLOT_MS)) / BigInt(INTERVAL_MS));
    return devices.map((d, i) => ({ deviceId: d.deviceId, interval: interval - 2 - i, cumulativeWh: 100 + i, energyWh: 40 + i, peakW: 2_000 }));
  }

  const signAll = (readings: Reading[]) => readings.map((r) => devices[r.deviceId].sign(genesis.hash, r));

  async function open(knownReadingSignature?: KnownReadingSignature): Promise<void> {
    ({ chain, executive } = await openChain(genesis, db, { logger: nullLogger(), metrics: null, knownReadingSignature }));
    // Block 1: Bob registers both devices.
    const xts = devices.map((d, nonce) => signExtrinsic(genesis.hash, bob.secretSeed, registerCall(genesis.hash, bob, d.key, alice), { nonce }));
    await chain.importBlock(buildBlock(xts, [], []), "network");
    assert.ok(Devices.get(chain.stateAt(), 1), "devices registered in block 1");
  }

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "arkreen-readings-import-"));
    db = await Database.open(dir);
  });
  afterEach(async () => {
    await chain?.idle();
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function assertNothingWritten(block: Block, readings: Reading[]): void {
    assert.equal(chain.best.number, 1);
    assert.equal(chain.header(headerHash(block.header)), undefined);
    for (const r of readings) assert.equal(creditedReading(chain.stateAt(), r.deviceId, r.interval), undefined);
  }

  it("imports a block whose aggregate signature verifies against the devices' keys, and credits its readings", async () => {
    await open();
    const readings = twoReadings();
    const imported = await chain.importBlock(buildBlock([], readings, signAll(readings)), "network");
    assert.ok(imported?.isNewBest);
    for (const r of readings) assert.equal(creditedReading(chain.stateAt(), r.deviceId, r.interval)?.energyWh, r.energyWh);
  });

  const reseal = (b: Block, over: Partial<Block["header"]>): Block["header"] => sealHeader({ ...b.header, digest: b.header.digest.slice(0, -1), ...over }, alice.secretSeed);

  const tamperings: Array<[string, string, (b: Block, readings: Reading[]) => Block]> = [
    ["an aggregate missing one reading's signature", "BAD_AGGREGATE_SIGNATURE", (b, rs) => ({ ...b, readingsSignature: signAll(rs)[0] })],
    [
      "an aggregate of signatures over other values",
      "BAD_AGGREGATE_SIGNATURE",
      (b, rs) => ({ ...b, readingsSignature: blsAggregateSignatures(signAll(rs.map((r) => ({ ...r, energyWh: r.energyWh + 1 })))) }),
    ],
    ["an aggregate that is not a G2 point", "BAD_AGGREGATE_SIGNATURE", (b) => ({ ...b, readingsSignature: new Uint8Array(96).fill(0x11) })],
    ["no aggregate signature", "BAD_AGGREGATE_SIGNATURE", (b) => ({ ...b, readingsSignature: new Uint8Array(0) })],
    // Rebuilt around the changed reading (roots and state root match it): only the aggregate is wrong.
    ["a reading changed after signing (block rebuilt, resealed)", "BAD_AGGREGATE_SIGNATURE", (_b, rs) => buildBlock([], [{ ...rs[0], energyWh: rs[0].energyWh + 1 }, ...rs.slice(1)], signAll(rs))],
    ["a readings root of other readings (resealed)", "BAD_READINGS_ROOT", (b) => ({ ...b, header: reseal(b, { readingsRoot: orderedTrieRoot(b.readings!.slice(1)) }) })],
    ["readings dropped from the body", "BAD_READINGS_ROOT", (b) => ({ ...b, readings: b.readings!.slice(1) })],
    ["an empty readings root (resealed)", "BAD_READINGS_ROOT", (b) => ({ ...b, header: reseal(b, { readingsRoot: new Uint8Array(0) }) })],
    ["no readings but their aggregate signature kept (resealed)", "BAD_READINGS_ROOT", (b) => ({ ...b, readings: [], header: reseal(b, { readingsRoot: new Uint8Array(0) }) })],
  ];
  for (const [what, reason, tamper] of tamperings) {
    it(`rejects a block with ${what} (BAD_READINGS: ${reason}) and writes nothing; the untampered block imports`, async () => {
      await open();
      const readings = twoReadings();
      const good = buildBlock([], readings, signAll(readings));
      const bad = tamper(good, readings);
      await assert.rejects(chain.importBlock(bad, "network"), (e: unknown) => e instanceof BlockImportError && e.code === "BAD_READINGS" && (e.type as { reason: string }).reason === reason);
      assertNothingWritten(bad, readings);
      assert.ok((await chain.importBlock(good, "network"))?.isNewBest);
      for (const r of readings) assert.ok(creditedReading(chain.stateAt(), r.deviceId, r.interval));
    });
  }

  it("rejects readings of a device that does not exist in the parent state (its key is unknown)", async () => {
    await open();
    const readings = [...twoReadings(), { deviceId: 7, interval: 1, cumulativeWh: 1, energyWh: 1, peakW: 1 }];
    const signatures = [...signAll(readings.slice(0, 2)), new TestDevice(33, 7).sign(genesis.hash, readings[2])];
    const block = buildBlock([], readings, signatures);
    await assert.rejects(chain.importBlock(block, "network"), (e: unknown) => e instanceof BlockImportError && e.code === "BAD_READINGS" && /UNKNOWN_DEVICE/.test((e.type as { reason: string }).reason));
    assertNothingWritten(block, readings);
  });

  it("with every signature known from its pool, an importer re-aggregates them: the right aggregate imports, a wrong one is still refused", async () => {
    const readings = twoReadings();
    const signatures = signAll(readings);
    const asked: string[] = [];
    await open((deviceId, interval, encoded) => {
      asked.push(`${deviceId}:${interval}`);
      const i = readings.findIndex((r) => r.deviceId === deviceId && r.interval === interval);
      return i >= 0 && bytesEqual(encoded, readingCodec.encode(readings[i])) ? { signature: signatures[i], publicKey: devices[deviceId].key.publicKey } : undefined;
    });
    const good = buildBlock([], readings, signatures);
    const bad = { ...good, readingsSignature: signatures[1] };
    await assert.rejects(chain.importBlock(bad, "network"), (e: unknown) => e instanceof BlockImportError && e.code === "BAD_READINGS");
    assertNothingWritten(bad, readings);
    assert.deepEqual(asked, readings.map((r) => `${r.deviceId}:${r.interval}`), "the pool was asked for each reading's signature");
    assert.ok((await chain.importBlock(good, "network"))?.isNewBest);
  });
});
