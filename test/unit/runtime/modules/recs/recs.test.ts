import assert from "node:assert/strict";
import { bytesEqual, bytesToBigint, toHex } from "../../../../../primitives/bytes.ts";
import type { Call } from "../../../../../primitives/codec/index.ts";
import { buildGenesisBlock } from "../../../../../genesis/build.ts";
import type { RuntimeGenesisConfig } from "../../../../../genesis/chainSpec.ts";
import { devChainSpec } from "../../../../../genesis/presets.ts";
import { applyStateChanges } from "../../../../../node/chain/chain.ts";
import { OverlayState, type State } from "../../../../../runtime/framework/state.ts";
import { Devices, DevicesByOwner } from "../../../../../runtime/modules/devices/storage.ts";
import { DeviceKind, DeviceStatus } from "../../../../../runtime/modules/devices/types.ts";
import { creditedReading, INTERVALS_PER_DAY_RECORD } from "../../../../../runtime/modules/pog/generation.ts";
import { GenerationDays } from "../../../../../runtime/modules/pog/storage.ts";
import { blake2b256 } from "../../../../../primitives/hash.ts";
import type { StateReader } from "../../../../../runtime/framework/state.ts";
import { readingCodec, type Reading } from "../../../../../runtime/modules/pog/types.ts";
import { MAX_DEVICES_PER_REQUEST, MAX_SLOTS_PER_REQUEST } from "../../../../../runtime/modules/recs/config.ts";
import { Config, Issuers, NextRecId, RecSlots, Recs, RecsByOwner, Retirements, SerialToRec } from "../../../../../runtime/modules/recs/storage.ts";
import {
  addIssuerArgs,
  cancelArgs,
  certifyArgs,
  RecStatus,
  rejectArgs,
  removeIssuerArgs,
  requestArgs,
  retireArgs,
  transferArgs,
  type RecRecord,
  type RecsRequestArgs,
} from "../../../../../runtime/modules/recs/types.ts";
import { sudoArgsCodec } from "../../../../../runtime/modules/sudo/types.ts";
import { AKRE, TestChain, expectApplied, publicKeyOf, transferCall, type DecodedEvent } from "../../../../utils/runtime.ts";

const alice = publicKeyOf("Alice"); // sudo key and the dev chain's issuer
const bob = publicKeyOf("Bob"); // owns devices 0 and 1
const charlie = publicKeyOf("Charlie"); // owns device 2
const dave = publicKeyOf("Dave");
const eve = publicKeyOf("Eve");

const REQUEST_FEE = AKRE; // the dev chain spec's recs.requestFee
const CAPACITY_W = 10_000; // 183 Wh per one-minute dev interval with the 10 % tolerance

/** Device 0's energy per interval 0..9; interval 3 is night (0 Wh, nothing to certify). */
const DEVICE0_WH = [100, 101, 102, 0, 104, 105, 106, 107, 108, 109];
/** Device 1 and 2 produce 50 Wh in each interval 0..9. */
const FLAT_WH = 50;
/** Slot of the block that carries the readings: 300 × 2 s = 600 s, i.e. interval 10 of 60 s. */
const READINGS_SLOT = 300n;

type RecsCall = "addIssuer" | "removeIssuer" | "request" | "certify" | "reject" | "cancel" | "transfer" | "retire";
const codecs = { addIssuer: addIssuerArgs, removeIssuer: removeIssuerArgs, request: requestArgs, certify: certifyArgs, reject: rejectArgs, cancel: cancelArgs, transfer: transferArgs, retire: retireArgs };

function recsCall(method: RecsCall, args: object): Call {
  return { module: "recs", method, args: (codecs[method] as { encode(v: object): Uint8Array }).encode(args) };
}

const request = (args: RecsRequestArgs) => recsCall("request", args);
const certify = (recId: number, serial: string) => recsCall("certify", { recId, serial });
const reject = (recId: number, reason: string) => recsCall("reject", { recId, reason });
const cancel = (recId: number) => recsCall("cancel", { recId });
const transfer = (recId: number, to: Uint8Array, amountWh: number) => recsCall("transfer", { recId, to, amountWh });
const retire = (recId: number, amountWh: number, beneficiary: string, message: string) => recsCall("retire", { recId, amountWh, beneficiary, message });

/** Writes state at the head directly, as genesis would have: the devices module's calls are not what these tests are about. */
function writeState(chain: TestChain, write: (state: State) => void): void {
  const trie = chain.state();
  const overlay = new OverlayState(trie);
  write(overlay);
  const { root, nodes } = applyStateChanges(trie, overlay.changes());
  chain.store.putNodes(nodes);
  chain.head = { ...chain.head, header: { ...chain.head.header, stateRoot: root } };
}

function addDevice(state: State, deviceId: number, owner: Uint8Array): void {
  Devices.set(state, deviceId, {
    owner,
    blsKey: new Uint8Array(48).fill(deviceId + 1),
    kind: DeviceKind.SolarPv,
    capacityW: CAPACITY_W,
    location: "u4pruydqqvj",
    status: DeviceStatus.Active,
    registrar: alice,
    registeredAt: 0,
  });
  DevicesByOwner.set(state, owner, deviceId, true);
}

function readingsOf(deviceId: number, energies: number[]): Uint8Array[] {
  let cumulativeWh = 0;
  return energies.map((energyWh, interval) => {
    cumulativeWh += energyWh;
    const r: Reading = { deviceId, interval, cumulativeWh, energyWh, peakW: energyWh * 60 };
    return readingCodec.encode(r);
  });
}

/** The REC claim on a credited (device, interval), 0 = none (kept in its pog.GenerationDays page). */
function claimOf(state: StateReader, deviceId: number, interval: number): number {
  return creditedReading(state, deviceId, interval)?.claimedBy ?? 0;
}

/** The block `setup` credits its readings in. */
const READINGS_BLOCK = 1;

/** A REC slot as the setup's readings credit it: energy, hash of the encoded reading, crediting block. */
function expectedSlot(deviceId: number, interval: number): { deviceId: number; interval: number; energyWh: number; readingHash: Uint8Array; creditedBlock: number } {
  const energies = deviceId === 0 ? DEVICE0_WH : new Array<number>(10).fill(FLAT_WH);
  return { deviceId, interval, energyWh: energies[interval], readingHash: blake2b256(readingsOf(deviceId, energies)[interval]), creditedBlock: READINGS_BLOCK };
}

/** Devices 0 and 1 (Bob) and 2 (Charlie), with verified generation in intervals 0..9 credited by pog. */
function setup(): TestChain {
  const chain = new TestChain();
  writeState(chain, (state) => {
    addDevice(state, 0, bob);
    addDevice(state, 1, bob);
    addDevice(state, 2, charlie);
  });
  const flat = new Array<number>(10).fill(FLAT_WH);
  chain.produceBlock([], { slot: READINGS_SLOT, readings: [...readingsOf(0, DEVICE0_WH), ...readingsOf(1, flat), ...readingsOf(2, flat)] });
  assert.ok(chain.events().some((e) => e.name === "ReadingsCredited" && e.data.count === 30), "pog credited the 30 readings");
  assert.equal(chain.head.header.number, READINGS_BLOCK);
  return chain;
}

interface Outcome {
  ok: boolean;
  error?: string;
  events: DecodedEvent[];
  /** The transaction fee the signer paid. */
  fee: bigint;
}

/** Signs `call` with the account's next nonce, authors a block with it, and checks the issuance invariant. */
function submit(chain: TestChain, signer: string, call: Call): Outcome {
  const nonce = chain.account(publicKeyOf(signer)).nonce;
  const outcome = expectApplied(chain.produceBlock([chain.sign(signer, call, { nonce })]).results[0]);
  const events = chain.events();
  const paid = events.find((e) => e.name === "TransactionFeePaid");
  assert.equal(chain.sumOfBalances(), chain.totalIssuance(), "total issuance is the sum of balances");
  return { ok: outcome.success, error: outcome.error?.type.code, events, fee: BigInt(paid!.data.actualFee as string) };
}

function ok(chain: TestChain, signer: string, call: Call): Outcome {
  const outcome = submit(chain, signer, call);
  assert.equal(outcome.error, undefined, `${call.module}.${call.method} failed`);
  return outcome;
}

function fails(chain: TestChain, signer: string, call: Call, code: string, data: Record<string, unknown> = {}): void {
  const nonce = chain.account(publicKeyOf(signer)).nonce;
  const before = { nextRecId: NextRecId.get(chain.state()), reserved: chain.account(publicKeyOf(signer)).reserved };
  const outcome = expectApplied(chain.produceBlock([chain.sign(signer, call, { nonce })]).results[0]);
  assert.equal(outcome.success, false, `${call.method} should fail with ${code}`);
  assert.equal(outcome.error!.type.code, code);
  for (const [k, v] of Object.entries(data)) assert.deepEqual(outcome.error!.type[k], v, `error field ${k}`);
  const failed = chain.events().find((e) => e.name === "ExtrinsicFailed");
  assert.equal(failed?.data.error, code);
  assert.equal(chain.events().filter((e) => e.module === "recs").length, 0, "a failed call leaves no recs event");
  assert.equal(NextRecId.get(chain.state()), before.nextRecId, "no REC created");
  assert.equal(chain.account(publicKeyOf(signer)).reserved, before.reserved, "nothing reserved or released");
}

/** Dispatches `call` as root through `sudo.sudo` (Alice holds the dev chain's sudo key); returns the inner result. */
function asRoot(chain: TestChain, call: Call): { ok: boolean; error: string | null; events: DecodedEvent[] } {
  const { events } = ok(chain, "Alice", { module: "sudo", method: "sudo", args: sudoArgsCodec.encode({ call }) });
  const sudid = events.find((e) => e.module === "sudo" && e.name === "Sudid");
  return { ok: sudid!.data.result === "Ok", error: sudid!.data.error as string | null, events };
}

function rec(chain: TestChain, id: number): RecRecord {
  const r = Recs.get(chain.state(), id);
  assert.ok(r, `REC ${id} exists`);
  return r;
}

function recsEvent(events: DecodedEvent[], name: string): Record<string, unknown> {
  const e = events.find((x) => x.module === "recs" && x.name === name);
  assert.ok(e, `recs.${name} deposited`);
  return e.data;
}

function ownerIndex(chain: TestChain, owner: Uint8Array): number[] {
  const prefix = RecsByOwner.prefixFor(owner);
  return [...chain.state().entries(prefix)].map(([k]) => RecsByOwner.decodeKey2(k, prefix.length)).sort((a, b) => a - b);
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

describe("recs", () => {
  it("genesis: the dev chain's issuer is Alice and a request escrows 1 AKRE", () => {
    const chain = new TestChain();
    assert.deepEqual(Issuers.get(chain.state(), alice), { name: "Dev issuer" });
    assert.equal(bytesToBigint(Config.get(chain.state()).requestFee), REQUEST_FEE);
    assert.equal(NextRecId.get(chain.state()), 1);
  });

  it("genesis: an invalid recs section is refused, naming the field", () => {
    const withRecs = (recs: unknown) => {
      const spec = devChainSpec();
      (spec.genesis as { runtimeGenesis: { config: RuntimeGenesisConfig } }).runtimeGenesis.config.recs = recs;
      return () => buildGenesisBlock(spec);
    };
    const issuers = [[toHex(alice), "Dev issuer"]];
    assert.throws(withRecs({ issuers, requestFee: 1 }), /recs\.requestFee/);
    assert.throws(withRecs({ issuers, requestFee: "01" }), /recs\.requestFee/);
    assert.throws(withRecs({ issuers: [[toHex(alice), ""]], requestFee: "0" }), /recs\.issuers\[0\]\[1\]/);
    assert.throws(withRecs({ issuers: [["nobody", "X"]], requestFee: "0" }), /recs\.issuers\[0\]\[0\]/);
    assert.throws(withRecs(undefined), /recs/);
    assert.doesNotThrow(withRecs({ issuers: [], requestFee: "0" }));
  });

  describe("issuers registry (root)", () => {
    it("root adds and removes issuers; an added issuer can certify, a removed one cannot", () => {
      const chain = setup();
      const added = asRoot(chain, recsCall("addIssuer", { issuer: dave, name: "Green Registry" }));
      assert.equal(added.ok, true);
      assert.deepEqual(recsEvent(added.events, "IssuerAdded"), { issuer: toHex(dave), name: "Green Registry" });
      assert.deepEqual(Issuers.get(chain.state(), dave), { name: "Green Registry" });

      ok(chain, "Bob", request({ deviceIds: [0], fromInterval: 0, toInterval: 1 }));
      ok(chain, "Bob", request({ deviceIds: [0], fromInterval: 2, toInterval: 4 }));
      ok(chain, "Dave", certify(1, "GR-1"));
      assert.ok(bytesEqual(rec(chain, 1).issuer, dave));

      const removed = asRoot(chain, recsCall("removeIssuer", { issuer: dave }));
      assert.equal(removed.ok, true);
      assert.deepEqual(recsEvent(removed.events, "IssuerRemoved"), { issuer: toHex(dave) });
      fails(chain, "Dave", certify(2, "GR-2"), "NotIssuer");
      assert.equal(rec(chain, 1).status, RecStatus.Certified, "its certified RECs stay certified");
    });

    it("registry errors: signed origin, already an issuer, unknown issuer, bad name or account", () => {
      const chain = new TestChain();
      fails(chain, "Bob", recsCall("addIssuer", { issuer: bob, name: "Bob" }), "BadOrigin");
      fails(chain, "Alice", recsCall("removeIssuer", { issuer: alice }), "BadOrigin");
      assert.equal(asRoot(chain, recsCall("addIssuer", { issuer: alice, name: "Again" })).error, "AlreadyIssuer");
      assert.equal(asRoot(chain, recsCall("removeIssuer", { issuer: dave })).error, "UnknownIssuer");
      assert.equal(asRoot(chain, recsCall("addIssuer", { issuer: dave, name: "" })).error, "InvalidName");
      assert.equal(asRoot(chain, recsCall("addIssuer", { issuer: dave, name: "é".repeat(33) })).error, "InvalidName", "names are bounded in bytes");
      assert.equal(asRoot(chain, recsCall("addIssuer", { issuer: dave.subarray(0, 31), name: "Short" })).error, "InvalidAccount");
      assert.equal(Issuers.contains(chain.state(), dave), false);
    });
  });

  describe("request", () => {
    it("creates a Pending REC for the owner's verified energy in range, lists its slots and escrows the fee", () => {
      const chain = setup();
      const before = chain.account(bob);
      const { events, fee } = ok(chain, "Bob", request({ deviceIds: [1, 0], fromInterval: 2, toInterval: 5 }));

      const expectedWh = DEVICE0_WH[2] + DEVICE0_WH[4] + DEVICE0_WH[5] + 4 * FLAT_WH;
      const r = rec(chain, 1);
      assert.equal(r.status, RecStatus.Pending);
      assert.ok(bytesEqual(r.owner, bob));
      assert.equal(r.energyWh, expectedWh);
      assert.equal(bytesToBigint(r.fee), REQUEST_FEE);
      assert.equal(r.createdAt, chain.head.header.number);
      assert.deepEqual(
        RecSlots.get(chain.state(), 1)?.slots,
        [
          expectedSlot(0, 2),
          expectedSlot(0, 4), // interval 3 produced nothing: not claimed
          expectedSlot(0, 5),
          expectedSlot(1, 2),
          expectedSlot(1, 3),
          expectedSlot(1, 4),
          expectedSlot(1, 5),
        ],
      );
      assert.equal(claimOf(chain.state(), 0, 4), 1);
      assert.equal(claimOf(chain.state(), 0, 3), 0);
      assert.equal(claimOf(chain.state(), 0, 6), 0);
      assert.deepEqual(ownerIndex(chain, bob), [1]);
      assert.equal(NextRecId.get(chain.state()), 2);

      assert.deepEqual(recsEvent(events, "Requested"), { recId: 1, owner: toHex(bob), energyWh: expectedWh, slots: 7, fee: REQUEST_FEE.toString() });
      assert.ok(events.some((e) => e.module === "balances" && e.name === "Reserved"));
      const after = chain.account(bob);
      assert.equal(after.reserved, before.reserved + REQUEST_FEE);
      assert.equal(after.free, before.free - REQUEST_FEE - fee);
    });

    it("each (device, interval) is in at most one non-cancelled REC: an overlapping request is rejected", () => {
      const chain = setup();
      ok(chain, "Bob", request({ deviceIds: [0], fromInterval: 0, toInterval: 4 }));
      // Interval 3 holds no energy, so the first claimed slot met is interval 4.
      fails(chain, "Bob", request({ deviceIds: [0], fromInterval: 3, toInterval: 8 }), "SlotAlreadyClaimed", { deviceId: 0, interval: 4, recId: 1 });
      fails(chain, "Bob", request({ deviceIds: [1, 0], fromInterval: 0, toInterval: 9 }), "SlotAlreadyClaimed", { deviceId: 0, interval: 0, recId: 1 });
      assert.equal(claimOf(chain.state(), 1, 0), 0, "the failed request claimed nothing");
      ok(chain, "Bob", request({ deviceIds: [0], fromInterval: 5, toInterval: 9 }));
      ok(chain, "Bob", request({ deviceIds: [1], fromInterval: 0, toInterval: 9 }));
      fails(chain, "Bob", request({ deviceIds: [0, 1], fromInterval: 0, toInterval: 9 }), "SlotAlreadyClaimed");
      assert.equal(rec(chain, 1).energyWh + rec(chain, 2).energyWh, sum(DEVICE0_WH));
    });

    it("rejection keeps the slots claimed; cancellation releases them for a new request", () => {
      const chain = setup();
      ok(chain, "Bob", request({ deviceIds: [0], fromInterval: 0, toInterval: 9 }));
      ok(chain, "Alice", reject(1, "meter not calibrated"));
      fails(chain, "Bob", request({ deviceIds: [0], fromInterval: 9, toInterval: 9 }), "SlotAlreadyClaimed", { recId: 1 });
      ok(chain, "Bob", cancel(1));
      ok(chain, "Bob", request({ deviceIds: [0], fromInterval: 0, toInterval: 9 }));
      assert.equal(rec(chain, 2).energyWh, sum(DEVICE0_WH));
      assert.equal(claimOf(chain.state(), 0, 9), 2);
    });

    it("certified and retired energy stays claimed", () => {
      const chain = setup();
      ok(chain, "Bob", request({ deviceIds: [1], fromInterval: 0, toInterval: 0 }));
      ok(chain, "Alice", certify(1, "S-1"));
      fails(chain, "Bob", request({ deviceIds: [1], fromInterval: 0, toInterval: 0 }), "SlotAlreadyClaimed");
      ok(chain, "Bob", retire(1, FLAT_WH, "Bob's bakery", ""));
      assert.equal(rec(chain, 1).status, RecStatus.Retired);
      fails(chain, "Bob", request({ deviceIds: [1], fromInterval: 0, toInterval: 0 }), "SlotAlreadyClaimed");
    });

    it("request errors: devices, range, bounds, ownership, nothing to certify, fee", () => {
      const chain = setup();
      fails(chain, "Bob", request({ deviceIds: [], fromInterval: 0, toInterval: 9 }), "NoDevices");
      const many = Array.from({ length: MAX_DEVICES_PER_REQUEST + 1 }, (_, i) => i);
      fails(chain, "Bob", request({ deviceIds: many, fromInterval: 0, toInterval: 0 }), "TooManyDevices");
      fails(chain, "Bob", request({ deviceIds: [0, 1, 0], fromInterval: 0, toInterval: 9 }), "DuplicateDevice", { deviceId: 0 });
      fails(chain, "Bob", request({ deviceIds: [0], fromInterval: 5, toInterval: 4 }), "InvalidRange");
      fails(chain, "Bob", request({ deviceIds: [0, 1], fromInterval: 0, toInterval: MAX_SLOTS_PER_REQUEST / 2 }), "TooManySlots", { slots: MAX_SLOTS_PER_REQUEST + 2 });
      fails(chain, "Bob", request({ deviceIds: [0, 7], fromInterval: 0, toInterval: 9 }), "UnknownDevice", { deviceId: 7 });
      fails(chain, "Bob", request({ deviceIds: [0, 2], fromInterval: 0, toInterval: 9 }), "NotDeviceOwner", { deviceId: 2 });
      fails(chain, "Bob", request({ deviceIds: [0], fromInterval: 3, toInterval: 3 }), "NothingToCertify");
      fails(chain, "Bob", request({ deviceIds: [0], fromInterval: 10, toInterval: 50 }), "NothingToCertify");

      // An owner who cannot escrow the fee: Charlie keeps 0.5 AKRE.
      const charlieFree = chain.account(charlie).free;
      ok(chain, "Charlie", transferCall(dave, charlieFree - AKRE / 2n));
      fails(chain, "Charlie", request({ deviceIds: [2], fromInterval: 0, toInterval: 9 }), "InsufficientBalance");
      assert.equal(claimOf(chain.state(), 2, 0), 0);
    });

    it("a request at the slot bound succeeds and its weight covers every scanned slot", () => {
      const chain = new TestChain();
      // One device with a full bound's worth of verified generation, written as pog would have.
      writeState(chain, (state) => {
        addDevice(state, 0, bob);
        for (let day = 0; day * INTERVALS_PER_DAY_RECORD < MAX_SLOTS_PER_REQUEST; day++) {
          const slots = [];
          for (let offset = 0; offset < INTERVALS_PER_DAY_RECORD && day * INTERVALS_PER_DAY_RECORD + offset < MAX_SLOTS_PER_REQUEST; offset++) {
            const i = day * INTERVALS_PER_DAY_RECORD + offset;
            slots.push({ offset, energyWh: 1 + (i % 7), readingHash: new Uint8Array(32).fill(i % 251), block: 1, claimedBy: 0, cumulativeWh: 0, peakW: 0 });
          }
          GenerationDays.set(state, 0, day, { slots });
        }
      });
      const small = ok(chain, "Bob", request({ deviceIds: [0], fromInterval: 0, toInterval: 0 }));
      const { fee } = ok(chain, "Bob", request({ deviceIds: [0], fromInterval: 1, toInterval: MAX_SLOTS_PER_REQUEST - 1 }));
      const r = rec(chain, 2);
      assert.equal(RecSlots.get(chain.state(), 2)?.slots.length, MAX_SLOTS_PER_REQUEST - 1);
      let expectedWh = 0;
      for (let i = 1; i < MAX_SLOTS_PER_REQUEST; i++) expectedWh += 1 + (i % 7);
      assert.equal(r.energyWh, expectedWh);
      assert.ok(fee > small.fee * 100n, `the fee grows with the scanned slots (${small.fee} → ${fee})`);
    });
  });

  describe("certify and reject", () => {
    it("certify: Certified with a unique serial, the escrowed fee paid to the issuer", () => {
      const chain = setup();
      ok(chain, "Bob", request({ deviceIds: [0], fromInterval: 0, toInterval: 9 }));
      const bobBefore = chain.account(bob);
      const aliceBefore = chain.account(alice);
      const { events, fee } = ok(chain, "Alice", certify(1, "AKRE-2025-000001"));

      const r = rec(chain, 1);
      assert.equal(r.status, RecStatus.Certified);
      assert.equal(r.serial, "AKRE-2025-000001");
      assert.ok(bytesEqual(r.issuer, alice));
      assert.equal(r.decidedAt, chain.head.header.number);
      assert.equal(SerialToRec.get(chain.state(), "AKRE-2025-000001"), 1);
      assert.deepEqual(recsEvent(events, "Certified"), { recId: 1, issuer: toHex(alice), serial: "AKRE-2025-000001", energyWh: sum(DEVICE0_WH) });
      assert.ok(events.some((e) => e.module === "balances" && e.name === "ReserveRepatriated" && e.data.amount === REQUEST_FEE.toString()));
      assert.equal(chain.account(bob).reserved, bobBefore.reserved - REQUEST_FEE);
      assert.equal(chain.account(bob).free, bobBefore.free);
      // Alice also authors the block, but the extrinsic has no tip: her gain is the fee she earned minus the one she paid.
      assert.equal(chain.account(alice).free, aliceBefore.free + REQUEST_FEE - fee);
    });

    it("certify errors: not an issuer, unknown REC, not pending, bad or reused serial", () => {
      const chain = setup();
      ok(chain, "Bob", request({ deviceIds: [0], fromInterval: 0, toInterval: 4 }));
      ok(chain, "Bob", request({ deviceIds: [0], fromInterval: 5, toInterval: 9 }));
      fails(chain, "Bob", certify(1, "S-1"), "NotIssuer");
      fails(chain, "Alice", certify(99, "S-1"), "UnknownRec", { recId: 99 });
      fails(chain, "Alice", certify(1, ""), "InvalidSerial");
      fails(chain, "Alice", certify(1, "S 1"), "InvalidSerial");
      fails(chain, "Alice", certify(1, "S-ü"), "InvalidSerial");
      fails(chain, "Alice", certify(1, "S".repeat(65)), "InvalidSerial");
      ok(chain, "Alice", certify(1, "S".repeat(64)));
      fails(chain, "Alice", certify(1, "S-2"), "NotPending");
      fails(chain, "Alice", certify(2, "S".repeat(64)), "SerialInUse", { recId: 1 });
      assert.equal(rec(chain, 2).status, RecStatus.Pending);
      assert.equal(chain.account(bob).reserved, REQUEST_FEE, "REC 2's fee is still escrowed");
    });

    it("reject: Rejected with its reason, the fee stays escrowed; errors", () => {
      const chain = setup();
      ok(chain, "Bob", request({ deviceIds: [0], fromInterval: 0, toInterval: 9 }));
      fails(chain, "Charlie", reject(1, "no"), "NotIssuer");
      fails(chain, "Alice", reject(1, "x".repeat(257)), "ReasonTooLong");
      const { events } = ok(chain, "Alice", reject(1, "meter not calibrated"));
      const r = rec(chain, 1);
      assert.equal(r.status, RecStatus.Rejected);
      assert.equal(r.rejectReason, "meter not calibrated");
      assert.ok(bytesEqual(r.issuer, alice));
      assert.deepEqual(recsEvent(events, "Rejected"), { recId: 1, issuer: toHex(alice), reason: "meter not calibrated" });
      assert.equal(chain.account(bob).reserved, REQUEST_FEE);
      fails(chain, "Alice", reject(1, "again"), "NotPending");
      fails(chain, "Alice", certify(1, "S-1"), "NotPending");
    });
  });

  describe("cancel", () => {
    it("cancel of a Pending REC: Cancelled, slots released and forgotten, fee refunded, out of the owner index", () => {
      const chain = setup();
      ok(chain, "Bob", request({ deviceIds: [0, 1], fromInterval: 0, toInterval: 9 }));
      const before = chain.account(bob);
      const { events, fee } = ok(chain, "Bob", cancel(1));
      assert.equal(rec(chain, 1).status, RecStatus.Cancelled);
      assert.equal(RecSlots.contains(chain.state(), 1), false);
      for (let i = 0; i < 10; i++) assert.equal(claimOf(chain.state(), 1, i), 0);
      assert.deepEqual(ownerIndex(chain, bob), []);
      assert.deepEqual(recsEvent(events, "Cancelled"), { recId: 1, owner: toHex(bob), slotsReleased: 19, fee: REQUEST_FEE.toString() });
      assert.equal(chain.account(bob).reserved, before.reserved - REQUEST_FEE);
      assert.equal(chain.account(bob).free, before.free + REQUEST_FEE - fee);
    });

    it("cancel of a Rejected REC refunds the fee too", () => {
      const chain = setup();
      const start = chain.account(bob);
      const paid = [ok(chain, "Bob", request({ deviceIds: [0], fromInterval: 0, toInterval: 9 })).fee];
      ok(chain, "Alice", reject(1, "duplicate claim elsewhere"));
      paid.push(ok(chain, "Bob", cancel(1)).fee);
      assert.equal(chain.account(bob).reserved, start.reserved);
      assert.equal(chain.account(bob).free, start.free - paid[0] - paid[1], "only transaction fees were spent");
    });

    it("cancel errors: unknown REC, not the owner, certified", () => {
      const chain = setup();
      ok(chain, "Bob", request({ deviceIds: [0], fromInterval: 0, toInterval: 9 }));
      fails(chain, "Bob", cancel(5), "UnknownRec");
      fails(chain, "Charlie", cancel(1), "NotOwner");
      ok(chain, "Alice", certify(1, "S-1"));
      fails(chain, "Bob", cancel(1), "NotCancellable", { status: RecStatus.Certified });
      ok(chain, "Bob", request({ deviceIds: [1], fromInterval: 0, toInterval: 9 }));
      ok(chain, "Bob", cancel(2));
      fails(chain, "Bob", cancel(2), "NotCancellable", { status: RecStatus.Cancelled });
    });
  });

  describe("transfer and retire", () => {
    function certified(): TestChain {
      const chain = setup();
      ok(chain, "Bob", request({ deviceIds: [0], fromInterval: 0, toInterval: 9 })); // 1,042 Wh
      ok(chain, "Alice", certify(1, "S-1"));
      return chain;
    }
    const TOTAL = sum(DEVICE0_WH);

    it("a whole transfer hands the REC over", () => {
      const chain = certified();
      const { events } = ok(chain, "Bob", transfer(1, charlie, TOTAL));
      assert.ok(bytesEqual(rec(chain, 1).owner, charlie));
      assert.equal(rec(chain, 1).energyWh, TOTAL);
      assert.deepEqual(ownerIndex(chain, bob), []);
      assert.deepEqual(ownerIndex(chain, charlie), [1]);
      assert.deepEqual(recsEvent(events, "Transferred"), { recId: 1, from: toHex(bob), to: toHex(charlie), energyWh: TOTAL });
      fails(chain, "Bob", transfer(1, dave, 1), "NotOwner");
      ok(chain, "Charlie", transfer(1, dave, 10));
    });

    it("a partial transfer splits: a new Certified REC for the recipient, traced to its parent and origin", () => {
      const chain = certified();
      const { events } = ok(chain, "Bob", transfer(1, charlie, 400));
      assert.deepEqual(recsEvent(events, "Split"), { recId: 1, newRecId: 2, from: toHex(bob), to: toHex(charlie), amountWh: 400 });
      assert.equal(rec(chain, 1).energyWh, TOTAL - 400);
      const part = rec(chain, 2);
      assert.equal(part.status, RecStatus.Certified);
      assert.ok(bytesEqual(part.owner, charlie));
      assert.equal(part.energyWh, 400);
      assert.equal(part.parent, 1);
      assert.equal(part.origin, 1);
      assert.equal(bytesToBigint(part.fee), 0n);
      assert.deepEqual(ownerIndex(chain, charlie), [2]);

      // A split of a split keeps the origin: its slots and serial are REC 1's.
      ok(chain, "Charlie", transfer(2, dave, 150));
      const grandchild = rec(chain, 3);
      assert.equal(grandchild.parent, 2);
      assert.equal(grandchild.origin, 1);
      assert.equal(rec(chain, 1).energyWh + rec(chain, 2).energyWh + rec(chain, 3).energyWh, TOTAL, "splitting conserves energy");
    });

    it("transfer errors: not certified, self, zero, above the REC's energy, bad account", () => {
      const chain = certified();
      ok(chain, "Bob", request({ deviceIds: [1], fromInterval: 0, toInterval: 9 }));
      fails(chain, "Bob", transfer(2, charlie, 10), "NotCertified");
      fails(chain, "Bob", transfer(9, charlie, 10), "UnknownRec");
      fails(chain, "Charlie", transfer(1, dave, 10), "NotOwner");
      fails(chain, "Bob", transfer(1, bob, 10), "SelfTransfer");
      fails(chain, "Bob", transfer(1, charlie, 0), "ZeroAmount");
      fails(chain, "Bob", transfer(1, charlie, TOTAL + 1), "InsufficientEnergy", { energyWh: TOTAL, amountWh: TOTAL + 1 });
      fails(chain, "Bob", transfer(1, charlie.subarray(1), 10), "InvalidAccount");
    });

    it("retire: a non-transferable retirement record; the REC shrinks, and is Retired when emptied", () => {
      const chain = certified();
      ok(chain, "Bob", transfer(1, charlie, 400));
      const { events } = ok(chain, "Charlie", retire(2, 150, "Charlie's Café Ltd", "Q1 2025 electricity"));
      assert.deepEqual(recsEvent(events, "Retired"), { recId: 2, retirementId: 1, owner: toHex(charlie), amountWh: 150, beneficiary: "Charlie's Café Ltd" });
      assert.deepEqual(Retirements.get(chain.state(), 1), {
        recId: 2,
        owner: charlie,
        amountWh: 150,
        beneficiary: "Charlie's Café Ltd",
        message: "Q1 2025 electricity",
        block: chain.head.header.number,
      });
      const part = rec(chain, 2);
      assert.equal(part.energyWh, 250);
      assert.equal(part.retiredWh, 150);
      assert.equal(part.status, RecStatus.Certified);

      ok(chain, "Charlie", retire(2, 250, "Charlie's Café Ltd", ""));
      assert.equal(rec(chain, 2).status, RecStatus.Retired);
      assert.equal(rec(chain, 2).energyWh, 0);
      assert.equal(rec(chain, 2).retiredWh, 400);
      assert.equal(Retirements.get(chain.state(), 2)?.amountWh, 250);
      fails(chain, "Charlie", transfer(2, dave, 1), "NotCertified");
      fails(chain, "Charlie", retire(2, 1, "x", ""), "NotCertified");
      assert.deepEqual(ownerIndex(chain, charlie), [2], "a retired REC stays in its holder's list");
      assert.equal(rec(chain, 1).energyWh, TOTAL - 400, "the parent keeps the rest");
    });

    it("retire errors: not the holder, zero, above the REC's energy, beneficiary and message bounds", () => {
      const chain = certified();
      fails(chain, "Charlie", retire(1, 10, "x", ""), "NotOwner");
      fails(chain, "Bob", retire(1, 0, "x", ""), "ZeroAmount");
      fails(chain, "Bob", retire(1, TOTAL + 1, "x", ""), "InsufficientEnergy");
      fails(chain, "Bob", retire(1, 10, "", ""), "InvalidBeneficiary");
      fails(chain, "Bob", retire(1, 10, "b".repeat(129), ""), "InvalidBeneficiary");
      fails(chain, "Bob", retire(1, 10, "x", "m".repeat(257)), "MessageTooLong");
      ok(chain, "Bob", retire(1, 10, "b".repeat(128), "m".repeat(256)));
      assert.equal(Retirements.contains(chain.state(), 2), false, "failed retirements took no id");
    });
  });

  it("across a whole lifecycle, total issuance stays the sum of balances and only transaction fees leave circulation", () => {
    const chain = setup();
    const issuance = chain.totalIssuance();
    let burned = 0n;
    const burnPercent = BigInt(chain.config().feeBurnPercent);
    const step = (signer: string, call: Call) => {
      const { fee } = ok(chain, signer, call);
      burned += (fee * burnPercent) / 100n;
    };
    step("Bob", request({ deviceIds: [0], fromInterval: 0, toInterval: 4 }));
    step("Bob", request({ deviceIds: [0], fromInterval: 5, toInterval: 9 }));
    step("Bob", request({ deviceIds: [1], fromInterval: 0, toInterval: 9 }));
    step("Alice", certify(1, "L-1"));
    step("Alice", reject(2, "late"));
    step("Bob", cancel(2));
    step("Bob", cancel(3));
    step("Bob", transfer(1, eve, 100));
    step("Eve", retire(4, 100, "Eve", "")); // REC 4: the part split off REC 1
    assert.equal(chain.totalIssuance(), issuance - burned);
    assert.equal(chain.account(bob).reserved, 0n, "every escrow was paid out or refunded");
  });
});
