/**
 * Each (device, interval) of energy is certified at most once, ever — also once its page is older
 * than the claim window and removed (docs/recs.md, "Claim window"). A chain with short windows
 * (readings accepted 4 intervals back, slots claimable 6 back) tries every route to certify a
 * claimed or an expired slot again; each is refused with its typed error and changes nothing in
 * pog's pages and queue or in the RECs.
 */
import assert from "node:assert/strict";
import { toHex } from "../../../../../primitives/bytes.ts";
import type { Call } from "../../../../../primitives/codec/index.ts";
import { devChainSpec } from "../../../../../genesis/presets.ts";
import { applyStateChanges } from "../../../../../node/chain/chain.ts";
import { OverlayState, type State } from "../../../../../runtime/framework/state.ts";
import { Devices, DevicesByOwner } from "../../../../../runtime/modules/devices/storage.ts";
import { DeviceKind, DeviceStatus } from "../../../../../runtime/modules/devices/types.ts";
import { creditedReading } from "../../../../../runtime/modules/pog/generation.ts";
import { ExpiryHead, ExpiryQueue, ExpiryTail, GenerationDays, LastReading } from "../../../../../runtime/modules/pog/storage.ts";
import { readingCodec, type Reading } from "../../../../../runtime/modules/pog/types.ts";
import { NextRecId, RecSlots, Recs, RecsByOwner } from "../../../../../runtime/modules/recs/storage.ts";
import { cancelArgs, certifyArgs, RecStatus, requestArgs, transferArgs, type RecsRequestArgs } from "../../../../../runtime/modules/recs/types.ts";
import { TestChain, expectApplied, publicKeyOf } from "../../../../utils/runtime.ts";

const bob = publicKeyOf("Bob");
const dave = publicKeyOf("Dave");
const ACCEPTANCE_WINDOW = 4;
const CLAIM_WINDOW = 6;
/** Slots per reading interval: 60 s intervals, 2 s slots. */
const SLOTS_PER_INTERVAL = 30n;
const ENERGY_WH = 100;

const request = (args: RecsRequestArgs): Call => ({ module: "recs", method: "request", args: requestArgs.encode(args) });
const cancel = (recId: number): Call => ({ module: "recs", method: "cancel", args: cancelArgs.encode({ recId }) });
const certify = (recId: number, serial: string): Call => ({ module: "recs", method: "certify", args: certifyArgs.encode({ recId, serial }) });
const split = (recId: number, amountWh: number): Call => ({ module: "recs", method: "transfer", args: transferArgs.encode({ recId, to: dave, amountWh }) });

function chainWithWindows(): TestChain {
  const spec = devChainSpec();
  if (!("runtimeGenesis" in spec.genesis)) throw new Error("runtime genesis expected");
  Object.assign(spec.genesis.runtimeGenesis.config.pog as Record<string, unknown>, { acceptanceWindowIntervals: ACCEPTANCE_WINDOW, claimWindowIntervals: CLAIM_WINDOW });
  const chain = new TestChain(spec);
  const overlay = new OverlayState(chain.state());
  addDevice(overlay, 0, bob);
  const { root, nodes } = applyStateChanges(chain.state(), overlay.changes());
  chain.store.putNodes(nodes);
  chain.head = { ...chain.head, header: { ...chain.head.header, stateRoot: root } };
  return chain;
}

function addDevice(state: State, deviceId: number, owner: Uint8Array): void {
  Devices.set(state, deviceId, { owner, blsKey: new Uint8Array(48).fill(deviceId + 1), kind: DeviceKind.SolarPv, capacityW: 10_000, location: "u4pruydqqvj", status: DeviceStatus.Active, registrar: publicKeyOf("Alice"), registeredAt: 0 });
  DevicesByOwner.set(state, owner, deviceId, true);
}

function reading(interval: number, cumulativeWh: number): Reading {
  return { deviceId: 0, interval, cumulativeWh, energyWh: ENERGY_WH, peakW: 6_000 };
}

/** Moves the head into reading interval `interval` with an empty block (its hook expires what is due). */
function advanceToInterval(chain: TestChain, interval: number): void {
  const slot = BigInt(interval) * SLOTS_PER_INTERVAL;
  assert.ok(chain.head.slot < slot + SLOTS_PER_INTERVAL - 2n, `the head is already past interval ${interval}`);
  chain.produceBlock([], { slot: chain.head.slot >= slot ? chain.head.slot + 1n : slot });
}

/** pog's pages and queue, and every REC record, as hex: what a refused attempt must leave as it was. */
function claimsSnapshot(chain: TestChain): Map<string, string> {
  const out = new Map<string, string>();
  const state = chain.state();
  for (const prefix of [GenerationDays.prefix, ExpiryQueue.prefix, ExpiryHead.key, ExpiryTail.key, LastReading.prefix, Recs.prefix, RecSlots.prefix, RecsByOwner.prefix, NextRecId.key]) {
    for (const [k, v] of state.entries(prefix)) out.set(toHex(k), toHex(v));
  }
  return out;
}

/** Signs and applies `call` in the head's reading interval; returns the dispatch error code, or null. */
function dispatch(chain: TestChain, signer: string, call: Call): string | null {
  const nonce = chain.account(publicKeyOf(signer)).nonce;
  const outcome = expectApplied(chain.produceBlock([chain.sign(signer, call, { nonce })]).results[0]);
  return outcome.success ? null : (outcome.error!.type.code as string);
}

function ok(chain: TestChain, signer: string, call: Call): void {
  assert.equal(dispatch(chain, signer, call), null, `${call.method} should succeed`);
}

/** `call` is refused with `code` and changes no page, queue entry or REC. */
function refused(chain: TestChain, signer: string, call: Call, code: string): void {
  const before = claimsSnapshot(chain);
  assert.equal(dispatch(chain, signer, call), code);
  assert.deepEqual(claimsSnapshot(chain), before, `a refused ${call.method} changed nothing`);
}

describe("recs: each slot certified at most once, ever", () => {
  it("refuses a claimed or an expired slot by every route: request, after another REC's cancel, split, after the page expired, a re-submitted reading", () => {
    const chain = chainWithWindows();
    // Readings for intervals 6–9, credited in interval 10 (6 + 4 ≥ 10): one page, day 0 (intervals 0–23).
    chain.produceBlock([], { slot: 10n * SLOTS_PER_INTERVAL, readings: [6, 7, 8, 9].map((i) => readingCodec.encode(reading(i, (i - 5) * ENERGY_WH))) });
    assert.ok(chain.events().some((e) => e.name === "ReadingsCredited" && e.data.count === 4));
    assert.equal(ExpiryTail.get(chain.state()), 1, "one page, queued once");

    // 1. A claimed slot, requested again (alone, or inside a larger range): refused.
    ok(chain, "Bob", request({ deviceIds: [0], fromInterval: 6, toInterval: 7 }));
    ok(chain, "Bob", request({ deviceIds: [0], fromInterval: 8, toInterval: 9 }));
    refused(chain, "Bob", request({ deviceIds: [0], fromInterval: 7, toInterval: 7 }), "SlotAlreadyClaimed");
    refused(chain, "Bob", request({ deviceIds: [0], fromInterval: 5, toInterval: 12 }), "SlotAlreadyClaimed");

    // 2. After another REC's cancel: its slots are free again, REC 1's are not.
    ok(chain, "Bob", cancel(2));
    assert.equal(creditedReading(chain.state(), 0, 8)?.claimedBy, 0);
    refused(chain, "Bob", request({ deviceIds: [0], fromInterval: 6, toInterval: 9 }), "SlotAlreadyClaimed");
    ok(chain, "Bob", request({ deviceIds: [0], fromInterval: 8, toInterval: 9 }));
    assert.equal(creditedReading(chain.state(), 0, 9)?.claimedBy, 3);
    refused(chain, "Bob", request({ deviceIds: [0], fromInterval: 9, toInterval: 9 }), "SlotAlreadyClaimed");

    // 3. A split shares its origin's slots: it claims nothing more, and the slots stay refused.
    ok(chain, "Alice", certify(1, "AKRE-1"));
    const pagesBefore = toHex(GenerationDays.key(0, 0)) + toHex(chain.state().get(GenerationDays.key(0, 0))!);
    ok(chain, "Bob", split(1, ENERGY_WH / 2));
    assert.equal(Recs.get(chain.state(), 4)?.origin, 1);
    assert.equal(toHex(GenerationDays.key(0, 0)) + toHex(chain.state().get(GenerationDays.key(0, 0))!), pagesBefore, "the split changed no claim");
    refused(chain, "Bob", request({ deviceIds: [0], fromInterval: 6, toInterval: 6 }), "SlotAlreadyClaimed");

    // 4. Older than the claim window while its page is still stored: interval 8 is claimable up to
    // interval 14 (8 + 6), then refused even though REC 3's cancel released it.
    advanceToInterval(chain, 14);
    ok(chain, "Bob", cancel(3));
    advanceToInterval(chain, 15);
    assert.equal(creditedReading(chain.state(), 0, 8)?.claimedBy, 0, "released, and its page still stored");
    refused(chain, "Bob", request({ deviceIds: [0], fromInterval: 8, toInterval: 9 }), "ClaimWindowPassed");
    refused(chain, "Bob", request({ deviceIds: [0], fromInterval: 6, toInterval: 20 }), "ClaimWindowPassed");

    // 5. After expiry removed the page (every interval of day 0 older than the window: 24 + 6 = 30).
    advanceToInterval(chain, 29);
    assert.ok(GenerationDays.contains(chain.state(), 0, 0), "the page stays until interval 30");
    advanceToInterval(chain, 30);
    assert.equal(GenerationDays.contains(chain.state(), 0, 0), false, "the page is removed in interval 30");
    assert.deepEqual([ExpiryHead.get(chain.state()), ExpiryTail.get(chain.state())], [1, 1]);
    refused(chain, "Bob", request({ deviceIds: [0], fromInterval: 8, toInterval: 9 }), "ClaimWindowPassed");
    refused(chain, "Bob", request({ deviceIds: [0], fromInterval: 0, toInterval: 29 }), "ClaimWindowPassed");
    // What was certified survives in the REC's slot list.
    assert.deepEqual(
      RecSlots.get(chain.state(), 1)?.slots.map((s) => [s.interval, s.energyWh, s.creditedBlock]),
      [
        [6, ENERGY_WH, 1],
        [7, ENERGY_WH, 1],
      ],
    );
    assert.equal(Recs.get(chain.state(), 1)?.status, RecStatus.Certified);

    // 6. A reading re-submitted for an expired interval: too old (the acceptance window is shorter
    // than the claim window), so the removed page is never re-created.
    const before = claimsSnapshot(chain);
    chain.produceBlock([], { slot: chain.head.slot + 1n, readings: [readingCodec.encode(reading(8, 3 * ENERGY_WH))] });
    assert.deepEqual(
      chain.events().filter((e) => e.module === "pog").map((e) => [e.name, e.data.reason]),
      [["ReadingRejected", "IntervalTooOld"]],
    );
    assert.deepEqual(claimsSnapshot(chain), before, "a refused reading changed nothing");
  });
});
