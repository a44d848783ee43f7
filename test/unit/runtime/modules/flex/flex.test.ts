import { strict as assert } from "node:assert";
import { toHex } from "../../../../../primitives/bytes.ts";
import { pendingCommands } from "../../../../../runtime/modules/control/queries.ts";
import { DeviceKind } from "../../../../../runtime/modules/devices/types.ts";
import { Enrolments, Events, Programs, Settlements } from "../../../../../runtime/modules/flex/storage.ts";
import { amountOf, EventPhase, PayloadType, ProgramStatus, ResponseStatus, SettlementOutcome } from "../../../../../runtime/modules/flex/types.ts";
import type { ApplyOutcome } from "../../../../../runtime/executive.ts";
import { callArgsFromJson } from "../../../../../cli/callArgs.ts";
import { createEventArgs, createProgramArgs } from "../../../../../runtime/modules/flex/types.ts";
import { publicKeyOf } from "../../../../utils/runtime.ts";
import { amount, calls, deviceKey, eventArgs, FlexChain, INTERVAL_SECS, PER_DAY, programArgs, WINDOW } from "../../../../utils/flexChain.ts";

const code = (o: ApplyOutcome): string | undefined => o.error?.type.code;
const PRICE = 1_000_000n; // planck per kWh

/** The solar pattern every test device reports: varies with the hour and, a little, with the day. */
function pattern(deviceId: number, interval: number): number {
  const day = Math.trunc(interval / PER_DAY);
  const hour = interval % PER_DAY;
  return 1_000 + 37 * hour + 11 * ((day * 7 + deviceId * 3) % 5);
}

/**
 * The documented rule, written out independently of runtime/modules/flex/baseline.ts: per event
 * interval, the mean of the 10 latest earlier days (none excluded here: no earlier event), the
 * ratio over [s-4, s-2] capped to [800, 1200] per mille, floors everywhere.
 */
function expectedBaseline(deviceId: number, start: number, duration: number, metered: (t: number) => number): number[] {
  const base = (t: number): bigint => {
    let sum = 0n;
    for (let k = 1; k <= 10; k++) sum += BigInt(pattern(deviceId, t - k * PER_DAY));
    return sum / 10n;
  };
  let sb = 0n;
  let sm = 0n;
  for (let t = start - 4; t <= start - 2; t++) {
    sb += base(t);
    sm += BigInt(metered(t));
  }
  let ratio = (sm * 1000n) / sb;
  if (ratio < 800n) ratio = 800n;
  if (ratio > 1200n) ratio = 1200n;
  return Array.from({ length: duration }, (_, i) => Number((base(start + i) * ratio) / 1000n));
}

describe("runtime: flex (virtual power plant)", function () {
  this.timeout(120_000);
  // Devices 0, 1 (solar) and 3 (battery) are Alice's and Bob's; 2 is Bob's, in another region.
  let chain: FlexChain;
  const DAYS = 11;
  const FIRST_EVENT = DAYS * PER_DAY + 12; // noon of day 11

  beforeEach(() => {
    chain = new FlexChain();
    chain.putDevice(0, "Alice");
    chain.putDevice(1, "Alice");
    chain.putDevice(2, "Bob", { location: "gcpvj0" });
    chain.putDevice(3, "Bob", { kind: DeviceKind.Battery });
  });

  function openProgram(fields = {}): void {
    assert.equal(code(chain.exec("Charlie", calls.createProgram(programArgs({ pricePerKwh: amount(PRICE), ...fields })))), undefined);
  }

  describe("programs and enrolment", () => {
    it("reserves the budget, enrols the owner's eligible devices and refuses the rest with nothing changed", () => {
      const before = chain.account(publicKeyOf("Charlie"));
      openProgram();
      const after = chain.account(publicKeyOf("Charlie"));
      assert.equal(after.reserved - before.reserved, 10n ** 12n);
      assert.equal(chain.exec("Alice", calls.enrol(0, 0, 2_000)).success, true);
      assert.deepEqual(Enrolments.get(chain.state(), 0), { programId: 0, committedW: 2_000, seq: 0, enrolledAt: chain.head.header.number });

      const flexBefore = chain.flexState();
      assert.equal(code(chain.exec("Bob", calls.enrol(0, 1, 1_000))), "NotOwner");
      assert.equal(code(chain.exec("Bob", calls.enrol(0, 2, 1_000))), "OutsideRegion");
      assert.equal(code(chain.exec("Alice", calls.enrol(0, 0, 1_000))), "AlreadyEnrolled");
      assert.equal(code(chain.exec("Alice", calls.enrol(0, 1, 6_000))), "InvalidCommitment");
      assert.equal(code(chain.exec("Alice", calls.enrol(7, 1, 1_000))), "UnknownProgram");
      assert.deepEqual(chain.flexState(), flexBefore);
      assert.equal(chain.totalIssuance(), chain.sumOfBalances());
    });

    it("checks the program's arguments and its operator; pause, resume, top-up and close", () => {
      const empty = chain.flexState();
      assert.equal(code(chain.exec("Charlie", calls.createProgram(programArgs({ name: "" })))), "InvalidName");
      assert.equal(code(chain.exec("Charlie", calls.createProgram(programArgs({ deviceKinds: [9] })))), "InvalidKinds");
      assert.equal(code(chain.exec("Charlie", calls.createProgram(programArgs({ region: "u0a" })))), "InvalidRegion");
      assert.equal(code(chain.exec("Charlie", calls.createProgram(programArgs({ baselineMethod: 2 })))), "UnknownBaselineMethod");
      assert.equal(code(chain.exec("Charlie", calls.createProgram(programArgs({ budget: new Uint8Array([0, 1]) })))), "InvalidAmount");
      assert.equal(code(chain.exec("Charlie", calls.createProgram(programArgs({ budget: amount(10n ** 40n) })))), "InvalidAmount");
      assert.deepEqual(chain.flexState(), empty);
      openProgram();
      assert.equal(code(chain.exec("Alice", calls.pause(0))), "NotOperator");
      assert.equal(chain.exec("Charlie", calls.pause(0)).success, true);
      assert.equal(code(chain.exec("Charlie", calls.createEvent(eventArgs({ startInterval: chain.now() + 2 })))), "ProgramNotActive");
      assert.equal(chain.exec("Charlie", calls.resume(0)).success, true);
      assert.equal(chain.exec("Charlie", calls.topUp(0, 5n)).success, true);
      assert.equal(amountOf(Programs.get(chain.state(), 0)?.budget ?? new Uint8Array(0)), 10n ** 12n + 5n);
      const free = chain.account(publicKeyOf("Charlie")).free;
      const outcome = chain.exec("Charlie", calls.close(0));
      assert.equal(outcome.success, true);
      const charlie = chain.account(publicKeyOf("Charlie"));
      assert.equal(charlie.reserved, 0n);
      assert.equal(charlie.free, free + 10n ** 12n + 5n - chain.lastFee());
      assert.equal(Programs.get(chain.state(), 0)?.status, ProgramStatus.Closed);
      assert.equal(chain.totalIssuance(), chain.sumOfBalances());
    });
  });

  describe("events and responses", () => {
    beforeEach(() => {
      openProgram();
      assert.equal(chain.exec("Alice", calls.enrol(0, 0, 2_000)).success, true);
      assert.equal(chain.exec("Alice", calls.enrol(0, 1, 2_000)).success, true);
      assert.equal(chain.exec("Bob", calls.enrol(0, 3, 2_000)).success, true);
      chain.blockAt(100);
    });

    it("delivers an event to every targeted device through the control downlink", () => {
      assert.equal(chain.exec("Charlie", calls.createEvent(eventArgs({ startInterval: 110 }))).success, true);
      for (const id of [0, 1, 3]) {
        const pending = pendingCommands(chain.state(), id, chain.head.header.number);
        assert.equal(pending.length, 1);
        assert.deepEqual(pending[0][1].command?.flexEvent, { eventId: 0, payloadType: PayloadType.ReduceExport, watts: 500, startInterval: 110, durationIntervals: 2 });
      }
      assert.equal(Events.get(chain.state(), 0)?.phase, EventPhase.Scheduled);
      assert.equal(chain.events().find((e) => e.name === "EventDelivered")?.data.delivered, 3);
    });

    it("refuses events in the past, too far ahead, too long, overlapping a device's event, or for devices not enrolled, with nothing changed", () => {
      const now = chain.now();
      assert.equal(chain.exec("Charlie", calls.createEvent(eventArgs({ wholeFleet: false, deviceIds: [0], startInterval: now + 5 }))).success, true);
      const before = chain.flexState();
      assert.equal(code(chain.exec("Charlie", calls.createEvent(eventArgs({ startInterval: now })))), "EventInPast");
      assert.equal(code(chain.exec("Charlie", calls.createEvent(eventArgs({ startInterval: now - 3 })))), "EventInPast");
      assert.equal(code(chain.exec("Charlie", calls.createEvent(eventArgs({ startInterval: now + 7 * PER_DAY + 1 })))), "EventTooFarAhead");
      assert.equal(code(chain.exec("Charlie", calls.createEvent(eventArgs({ startInterval: now + 20, durationIntervals: 5 })))), "EventTooLong");
      assert.equal(code(chain.exec("Charlie", calls.createEvent({ ...eventArgs({ startInterval: now + 20 }), intervals: [{ watts: 1 }] }))), "IntervalsMismatch");
      assert.equal(code(chain.exec("Charlie", calls.createEvent(eventArgs({ wholeFleet: false, deviceIds: [0, 1], startInterval: now + 6 })))), "OverlappingEvent");
      assert.equal(code(chain.exec("Charlie", calls.createEvent(eventArgs({ startInterval: now + 4 })))), "OverlappingEvent");
      assert.equal(code(chain.exec("Charlie", calls.createEvent(eventArgs({ wholeFleet: false, deviceIds: [2], startInterval: now + 20 })))), "NotEnrolled");
      assert.equal(code(chain.exec("Charlie", calls.createEvent(eventArgs({ payloadType: 9, startInterval: now + 20 })))), "UnknownPayloadType");
      assert.equal(code(chain.exec("Charlie", calls.createEvent(eventArgs({ pricePerKwh: amount(PRICE - 1n), startInterval: now + 20 })))), "PriceBelowProgram");
      assert.equal(code(chain.exec("Alice", calls.createEvent(eventArgs({ startInterval: now + 20 })))), "NotOperator");
      assert.deepEqual(chain.flexState(), before);
      // Another device, the same intervals: no overlap.
      assert.equal(chain.exec("Charlie", calls.createEvent(eventArgs({ wholeFleet: false, deviceIds: [1], startInterval: now + 5 }))).success, true);
    });

    it("records device-signed responses until the event's last interval and refuses wrong keys, late, unknown or untargeted ones with nothing changed", () => {
      const start = chain.now() + 2;
      assert.equal(chain.exec("Charlie", calls.createEvent(eventArgs({ wholeFleet: false, deviceIds: [0, 1], startInterval: start }))).success, true);
      assert.equal(chain.exec("Dave", calls.respond(0, 0, ResponseStatus.OptIn, chain.response(0, 0, ResponseStatus.OptIn))).success, true);
      const before = chain.flexState();
      assert.equal(code(chain.exec("Dave", calls.respond(0, 1, ResponseStatus.OptOut, chain.response(0, 1, ResponseStatus.OptOut, deviceKey(0))))), "BadSignature");
      assert.equal(code(chain.exec("Dave", calls.respond(0, 1, ResponseStatus.OptOut, chain.response(0, 1, ResponseStatus.OptIn)))), "BadSignature");
      assert.equal(code(chain.exec("Dave", calls.respond(0, 3, ResponseStatus.OptIn, chain.response(0, 3, ResponseStatus.OptIn)))), "NotTargeted");
      assert.equal(code(chain.exec("Dave", calls.respond(5, 0, ResponseStatus.OptIn, chain.response(5, 0, ResponseStatus.OptIn)))), "UnknownEvent");
      assert.equal(code(chain.exec("Dave", calls.respond(0, 0, 1, chain.response(0, 0, 1)))), "InvalidStatus");
      assert.deepEqual(chain.flexState(), before);
      chain.blockAt(start + 1); // the event's last interval: still in time
      assert.equal(chain.exec("Dave", calls.respond(0, 1, ResponseStatus.Started, chain.response(0, 1, ResponseStatus.Started))).success, true);
      chain.blockAt(start + 2);
      const after = chain.flexState();
      assert.equal(code(chain.exec("Dave", calls.respond(0, 1, ResponseStatus.Completed, chain.response(0, 1, ResponseStatus.Completed)))), "EventOver");
      assert.deepEqual(chain.flexState(), after);
    });
  });

  describe("settlement", () => {
    const follower = 0; // reduces export by 600 Wh in each event interval
    const optOut = 1; // reduces too, but opted out
    const ignorer = 3; // keeps its pattern
    let settlementEvents: ReturnType<FlexChain["events"]> = [];
    const reduced = (d: number, t: number): number => (d !== ignorer && t >= FIRST_EVENT && t < FIRST_EVENT + 2 ? pattern(d, t) - 600 : pattern(d, t));

    function runEvent(budget: bigint, opts: { optOut?: boolean } = {}): { eventId: number } {
      const committedW = 2_000;
      chain.feed([0, 1, 3], 0, FIRST_EVENT - 8, pattern);
      openProgram({ budget: amount(budget) });
      for (const [d, owner] of [[0, "Alice"], [1, "Alice"], [3, "Bob"]] as const) assert.equal(chain.exec(owner, calls.enrol(0, d, committedW)).success, true);
      assert.equal(chain.exec("Charlie", calls.createEvent(eventArgs({ startInterval: FIRST_EVENT }))).success, true);
      if (opts.optOut !== false) assert.equal(chain.exec("Dave", calls.respond(0, optOut, ResponseStatus.OptOut, chain.response(0, optOut, ResponseStatus.OptOut))).success, true);
      chain.feed([0, 1, 3], FIRST_EVENT - 7, FIRST_EVENT + 1, reduced);
      assert.equal(Events.get(chain.state(), 0)?.phase, EventPhase.Scheduled);
      chain.blockAt(FIRST_EVENT + 1 + WINDOW); // the last interval's readings are still accepted
      assert.equal(Events.get(chain.state(), 0)?.phase, EventPhase.Scheduled);
      chain.blockAt(FIRST_EVENT + 2 + WINDOW);
      settlementEvents = chain.events();
      return { eventId: 0 };
    }

    it("pays the follower exactly the documented amount, the opted-out and the ignorer nothing, from the reserve", () => {
      runEvent(10n ** 12n);
      assert.equal(Events.get(chain.state(), 0)?.phase, EventPhase.Settled);
      const baseline = expectedBaseline(follower, FIRST_EVENT, 2, (t) => reduced(follower, t));
      const delivered = baseline.reduce((s, b, i) => s + BigInt(Math.max(0, b - reduced(follower, FIRST_EVENT + i))), 0n);
      const committedWh = (2_000n * 2n * BigInt(INTERVAL_SECS)) / 3600n;
      const due = ((delivered < committedWh ? delivered : committedWh) * PRICE) / 1000n;
      assert.ok(due > 0n);
      const paid = Settlements.get(chain.state(), 0, follower);
      assert.equal(paid?.outcome, SettlementOutcome.Paid);
      assert.equal(BigInt(paid.deliveredWh), delivered);
      assert.equal(amountOf(paid.amount), due);
      assert.equal(paid.scorePermille, Number((delivered * 1000n) / committedWh));
      assert.equal(Settlements.get(chain.state(), 0, optOut)?.outcome, SettlementOutcome.OptedOut);
      assert.equal(amountOf(Settlements.get(chain.state(), 0, optOut)?.amount ?? new Uint8Array(0)), 0n);
      assert.equal(Settlements.get(chain.state(), 0, ignorer)?.outcome, SettlementOutcome.NothingDelivered);
      const program = Programs.get(chain.state(), 0);
      assert.equal(amountOf(program?.paid ?? new Uint8Array(0)), due);
      assert.equal(amountOf(program?.budget ?? new Uint8Array(0)), 10n ** 12n - due);
      // The settlement block moved exactly that from Charlie's reserve to Alice (the owner), and nothing else.
      const moved = settlementEvents.filter((e) => e.module === "balances");
      assert.deepEqual(
        moved.map((e) => [e.name, e.data]),
        [["ReserveRepatriated", { from: toHex(publicKeyOf("Charlie")), to: toHex(publicKeyOf("Alice")), amount: due.toString() }]],
      );
      assert.equal(chain.totalIssuance(), chain.sumOfBalances());

      // Unspent budget returns on close.
      const charlie = chain.account(publicKeyOf("Charlie"));
      const outcome = chain.exec("Charlie", calls.close(0));
      assert.equal(outcome.success, true);
      const closed = chain.account(publicKeyOf("Charlie"));
      assert.equal(closed.free, charlie.free + 10n ** 12n - due - chain.lastFee());
      assert.equal(closed.reserved, charlie.reserved - (10n ** 12n - due));
      assert.equal(chain.totalIssuance(), chain.sumOfBalances());
    });

    it("never overdraws the budget: pays what is left and records BudgetExhausted for the rest", () => {
      runEvent(3n, { optOut: false }); // less than one follower's due: device 0 (member 0) takes it all
      const paid = Settlements.get(chain.state(), 0, follower);
      assert.equal(paid?.outcome, SettlementOutcome.Paid);
      assert.equal(amountOf(paid.amount), 3n);
      assert.equal(Settlements.get(chain.state(), 0, optOut)?.outcome, SettlementOutcome.BudgetExhausted);
      assert.equal(amountOf(Settlements.get(chain.state(), 0, optOut)?.amount ?? new Uint8Array(1)), 0n);
      assert.equal(amountOf(Programs.get(chain.state(), 0)?.budget ?? new Uint8Array(1)), 0n);
      assert.equal(chain.account(publicKeyOf("Charlie")).reserved, 0n);
      assert.equal(chain.totalIssuance(), chain.sumOfBalances());
    });

    it("refuses to close a program with an event not settled", () => {
      openProgram();
      assert.equal(chain.exec("Alice", calls.enrol(0, 0, 1_000)).success, true);
      assert.equal(chain.exec("Charlie", calls.createEvent(eventArgs({ startInterval: chain.now() + 2 }))).success, true);
      const before = chain.flexState();
      assert.equal(code(chain.exec("Charlie", calls.close(0))), "EventsOpen");
      assert.deepEqual(chain.flexState(), before);
    });

    it("settles a charge event of a device without readings, as any event, NoBaseline", () => {
      openProgram();
      assert.equal(chain.exec("Alice", calls.enrol(0, 0, 1_000)).success, true);
      assert.equal(chain.exec("Bob", calls.enrol(0, 3, 1_000)).success, true);
      const start = chain.now() + 2;
      assert.equal(chain.exec("Charlie", calls.createEvent(eventArgs({ wholeFleet: false, deviceIds: [3], payloadType: PayloadType.Charge, startInterval: start }))).success, true);
      assert.equal(chain.exec("Charlie", calls.createEvent(eventArgs({ wholeFleet: false, deviceIds: [0], startInterval: start }))).success, true);
      chain.blockAt(start + 2 + WINDOW);
      assert.equal(Settlements.get(chain.state(), 0, 3)?.outcome, SettlementOutcome.NoBaseline);
      assert.equal(Settlements.get(chain.state(), 1, 0)?.outcome, SettlementOutcome.NoBaseline);
      assert.equal(chain.totalIssuance(), chain.sumOfBalances());
      assert.equal(toHex(Settlements.get(chain.state(), 1, 0)?.owner ?? new Uint8Array(0)), toHex(publicKeyOf("Alice")));
    });
  });

  it("settles a charge event from the import channel: import above the import baseline is paid, a device reporting no import channel is NoImportChannel", () => {
    // Devices 0 and 3 report import (a day-invariant pattern: their import baseline is the pattern itself);
    // device 0 charges 500 Wh more in each event interval, 3 does not; device 1 reports the generator form only.
    const extra = (d: number, t: number): number => (d === 0 && t >= FIRST_EVENT && t < FIRST_EVENT + 2 ? 500 : 0);
    const imports = (d: number, t: number): number | undefined => (d === 1 ? undefined : 200 + (t % PER_DAY) * 3 + d + extra(d, t));
    chain.feed([0, 1, 3], 0, FIRST_EVENT - 8, pattern, imports);
    openProgram({ deviceKinds: [DeviceKind.SolarPv, DeviceKind.Battery] });
    for (const [d, owner] of [[0, "Alice"], [1, "Alice"], [3, "Bob"]] as const) assert.equal(chain.exec(owner, calls.enrol(0, d, 2_000)).success, true);
    assert.equal(chain.exec("Charlie", calls.createEvent(eventArgs({ startInterval: FIRST_EVENT, payloadType: PayloadType.Charge }))).success, true);
    chain.feed([0, 1, 3], FIRST_EVENT - 7, FIRST_EVENT + 1, pattern, imports);
    chain.blockAt(FIRST_EVENT + 2 + WINDOW);
    assert.equal(Events.get(chain.state(), 0)?.phase, EventPhase.Settled);
    const s0 = Settlements.get(chain.state(), 0, 0);
    const base = (t: number): number => 200 + (t % PER_DAY) * 3;
    assert.deepEqual(
      { outcome: s0?.outcome, baselineWh: s0?.baselineWh, meteredWh: s0?.meteredWh, deliveredWh: s0?.deliveredWh, amount: amountOf(s0?.amount ?? new Uint8Array(0)) },
      { outcome: SettlementOutcome.Paid, baselineWh: base(FIRST_EVENT) + base(FIRST_EVENT + 1), meteredWh: base(FIRST_EVENT) + base(FIRST_EVENT + 1) + 1_000, deliveredWh: 1_000, amount: (1_000n * PRICE) / 1000n },
    );
    assert.equal(Settlements.get(chain.state(), 0, 1)?.outcome, SettlementOutcome.NoImportChannel);
    assert.equal(Settlements.get(chain.state(), 0, 3)?.outcome, SettlementOutcome.NothingDelivered);
    assert.equal(chain.totalIssuance(), chain.sumOfBalances());
  });

  it("takes arguments as the CLI's `tx flex.<call> --args <json>` writes them (docs/vpp.md's examples)", () => {
    const program = { name: "evening peak", deviceKinds: [3], region: "u0", pricePerKwh: "100000000000000000", budget: "1000000000000000000", baselineMethod: 1, maxEventIntervals: 4 };
    const bytes = createProgramArgs.type.encode(callArgsFromJson(createProgramArgs.type, program)).finish();
    const decodedProgram = createProgramArgs.decode(bytes);
    assert.deepEqual({ ...decodedProgram, pricePerKwh: amountOf(decodedProgram.pricePerKwh), budget: amountOf(decodedProgram.budget) }, { ...program, pricePerKwh: 10n ** 17n, budget: 10n ** 18n });
    const event = { programId: 0, wholeFleet: true, startInterval: 29_500_000, durationIntervals: 2, payloadType: 2, intervals: [{ watts: 3000 }, { watts: 2000 }] };
    const decoded = createEventArgs.decode(createEventArgs.type.encode(callArgsFromJson(createEventArgs.type, event)).finish());
    assert.deepEqual({ ...decoded, pricePerKwh: decoded.pricePerKwh.length }, { ...event, deviceIds: [], pricePerKwh: 0 });
  });
});
