/**
 * The flex module under random programs, enrolments, events, responses and readings (the real
 * executive and modules over an in-memory trie, test/utils/flexChain.ts). After every step:
 * total issuance is the sum of balances (free + reserved: payments move reserve, never mint),
 * every program's budget is what was put in less what was paid and returned (so never below 0),
 * the operators' reserves hold at least their programs' budgets, and no device was paid more
 * than its committed energy × the event's price. At the end every event settles.
 *
 * History removal (retention.ts) runs with a 3-block retention: after every step the removal
 * queue lists settled events and closed programs in the order they settled/closed, every entry
 * behind the head still has its records, nothing was removed before its retention ended, a
 * removed event has no response or settlement left and a removed program no member or enrolment;
 * at the end, 25 days on, the queue is drained and every settled event and closed program is gone.
 *
 * Baseline profiles (profile.ts): after every step a device is profiled exactly while enrolled and
 * every day its profile holds is a copy of pog's page (settlement reads the profile where it holds
 * the day, so the payments checked above are also the profiles' test).
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { profileDayOf } from "../../runtime/modules/flex/profile.ts";
import {
  BaselineProfiles,
  Enrolments,
  Events,
  Members,
  NextEventId,
  NextProgramId,
  ProfiledDevices,
  ProfileFold,
  ProfileIndex,
  ProgramEventDays,
  Programs,
  RemovalHead,
  RemovalQueue,
  RemovalTail,
  Responses,
  Settlements,
} from "../../runtime/modules/flex/storage.ts";
import { amountOf, EventPhase, ProgramStatus, RemovalKind, type EventRecord } from "../../runtime/modules/flex/types.ts";
import { DeviceKind } from "../../runtime/modules/devices/types.ts";
import { publicKeyOf } from "../utils/runtime.ts";
import { amount, calls, deviceKey, eventArgs, FlexChain, PER_DAY, programArgs, WINDOW } from "../utils/flexChain.ts";
import { fuzzParams, fuzzTimeout } from "./params.ts";

const OWNERS = ["Alice", "Bob"] as const;
const OPERATORS = ["Charlie", "Dave"] as const;
const DEVICES = 6;
const owner = (d: number): string => OWNERS[d % 2];
const HISTORY_DAYS = 11;
/** Blocks a settled event's or closed program's records are kept. */
const RETENTION = 3;

type Step =
  | { kind: "program"; op: number; budget: bigint; price: bigint }
  | { kind: "topUp"; op: number; program: number; value: bigint }
  | { kind: "pause" | "resume" | "close"; op: number; program: number }
  | { kind: "enrol"; signer: number; program: number; device: number; committedW: number }
  | { kind: "leave"; signer: number; device: number }
  | { kind: "event"; op: number; program: number; lead: number; duration: number; payload: number; fleet: boolean; devices: number[]; extraPrice: bigint }
  | { kind: "respond"; event: number; device: number; status: number; wrongKey: boolean }
  | { kind: "readings"; intervals: number; energies: number[] }
  | { kind: "advance"; intervals: number };

const w = <T>(weight: number, arbitrary: fc.Arbitrary<T>) => ({ weight, arbitrary });
const step: fc.Arbitrary<Step> = fc.oneof(
  w(1, fc.record({ kind: fc.constant("program" as const), op: fc.nat(1), budget: fc.bigInt(1n, 10n ** 9n), price: fc.bigInt(1n, 10n ** 7n) })),
  w(1, fc.record({ kind: fc.constant("topUp" as const), op: fc.nat(1), program: fc.nat(3), value: fc.bigInt(1n, 10n ** 9n) })),
  w(1, fc.record({ kind: fc.constantFrom("pause" as const, "resume" as const, "close" as const), op: fc.nat(1), program: fc.nat(3) })),
  w(2, fc.record({ kind: fc.constant("enrol" as const), signer: fc.nat(1), program: fc.nat(3), device: fc.nat(DEVICES - 1), committedW: fc.nat(6_000) })),
  w(1, fc.record({ kind: fc.constant("leave" as const), signer: fc.nat(1), device: fc.nat(DEVICES - 1) })),
  w(
    5,
    fc.record({
      kind: fc.constant("event" as const),
      op: fc.nat(1),
      program: fc.nat(2),
      lead: fc.integer({ min: -1, max: 6 }),
      duration: fc.integer({ min: 1, max: 3 }),
      payload: fc.integer({ min: 1, max: 4 }),
      fleet: fc.boolean(),
      devices: fc.uniqueArray(fc.nat(DEVICES - 1), { minLength: 1, maxLength: 3 }),
      extraPrice: fc.bigInt(0n, 10n ** 6n),
    }),
  ),
  w(3, fc.record({ kind: fc.constant("respond" as const), event: fc.nat(5), device: fc.nat(DEVICES - 1), status: fc.constantFrom(2, 3, 4, 5), wrongKey: fc.boolean() })),
  w(4, fc.record({ kind: fc.constant("readings" as const), intervals: fc.integer({ min: 1, max: 6 }), energies: fc.array(fc.nat(5_000), { minLength: DEVICES, maxLength: DEVICES }) })),
  w(3, fc.record({ kind: fc.constant("advance" as const), intervals: fc.integer({ min: 1, max: 12 }) })),
);

/** A base chain with 11 days of history for every device (cached: each run starts from a copy of its head). */
function baseChain(): FlexChain {
  const chain = new FlexChain({ maxSettlementsPerBlock: 3, maxDeliveriesPerBlock: 2, settledRetentionBlocks: RETENTION });
  for (let d = 0; d < DEVICES; d++) chain.putDevice(d, owner(d), d >= 4 ? { kind: DeviceKind.Battery } : {});
  chain.feed([...Array(DEVICES).keys()], 0, HISTORY_DAYS * PER_DAY - 1, (d, t) => 800 + 31 * (t % PER_DAY) + 13 * d);
  // Programs 0 (Charlie: devices 0-2) and 1 (Dave: devices 3-5), so that runs start with fleets to dispatch.
  for (const [op, budget] of [["Charlie", 10n ** 9n], ["Dave", 5_000n]] as const) chain.exec(op, calls.createProgram(programArgs({ budget: amount(budget), pricePerKwh: amount(1_000_000n), maxEventIntervals: 3 })));
  for (let d = 0; d < DEVICES; d++) chain.exec(owner(d), calls.enrol(d < 3 ? 0 : 1, d, 1_000 + 500 * d));
  return chain;
}

class Model {
  /** What was put into each program (creation + top-ups). */
  readonly deposited = new Map<number, bigint>();
  readonly returned = new Map<number, bigint>();
  /** Each removed event's and program's program id (events) and removal block, first seen removed. */
  readonly eventProgram = new Map<number, number>();
  readonly removedEvents = new Set<number>();
  readonly removedPrograms = new Set<number>();
}

function apply(chain: FlexChain, model: Model, s: Step): void {
  const now = chain.now();
  switch (s.kind) {
    case "program": {
      const id = NextProgramId.get(chain.state());
      const o = chain.exec(OPERATORS[s.op], calls.createProgram(programArgs({ budget: amount(s.budget), pricePerKwh: amount(s.price), maxEventIntervals: 3 })));
      if (o.success) model.deposited.set(id, s.budget);
      return;
    }
    case "topUp":
      if (chain.exec(OPERATORS[s.op], calls.topUp(s.program, s.value)).success) model.deposited.set(s.program, (model.deposited.get(s.program) ?? 0n) + s.value);
      return;
    case "close": {
      const before = amountOf(Programs.get(chain.state(), s.program)?.budget ?? new Uint8Array(0));
      if (chain.exec(OPERATORS[s.op], calls.close(s.program)).success) model.returned.set(s.program, before);
      return;
    }
    case "pause":
    case "resume":
      chain.exec(OPERATORS[s.op], calls[s.kind](s.program));
      return;
    case "enrol":
      chain.exec(OWNERS[s.signer], calls.enrol(s.program, s.device, s.committedW));
      return;
    case "leave":
      chain.exec(OWNERS[s.signer], calls.leave(s.device));
      return;
    case "event": {
      const price = amountOf(Programs.get(chain.state(), s.program)?.pricePerKwh ?? new Uint8Array(0)) + s.extraPrice;
      const args = eventArgs({ programId: s.program, startInterval: now + s.lead, durationIntervals: s.duration, payloadType: s.payload, wholeFleet: s.fleet, deviceIds: s.fleet ? [] : s.devices });
      chain.exec(OPERATORS[s.op], calls.createEvent({ ...args, pricePerKwh: price > 0n ? amount(price) : new Uint8Array(0) }));
      return;
    }
    case "respond": {
      const key = deviceKey(s.wrongKey ? (s.device + 1) % DEVICES : s.device);
      chain.exec("Dave", calls.respond(s.event, s.device, s.status, chain.response(s.event, s.device, s.status, key)));
      return;
    }
    case "readings":
      // The intervals since the last fed one, up to the head's, at the drawn energies.
      {
        const from = Math.max(chain.fedUpTo() + 1, now - WINDOW + 1);
        chain.feed([...Array(DEVICES).keys()], from, Math.max(from, now + s.intervals - 1), (d) => s.energies[d]);
      }
      return;
    case "advance":
      chain.blockAt(now + s.intervals);
      return;
  }
}

/** The removal invariants (retention.ts) after a block. */
function checkRemoval(chain: FlexChain, model: Model): void {
  const state = chain.state();
  const block = chain.head.header.number;
  const head = RemovalHead.get(state);
  const tail = RemovalTail.get(state);
  assert.ok(head <= tail);
  let since = 0;
  for (let pos = head; pos < tail; pos++) {
    const entry = RemovalQueue.get(state, pos);
    assert.ok(entry, `queue entry ${pos}`);
    assert.ok(entry.since >= since, "the queue is in settlement/closing order");
    since = entry.since;
    if (pos === head) continue; // the head may be part-way through its removal
    if (entry.kind === RemovalKind.Event) assert.equal(Events.get(state, entry.id)?.phase, EventPhase.Settled, `queued event ${entry.id} is settled and kept`);
    else if (entry.kind === RemovalKind.ProgramDay) assert.ok(entry.id < NextProgramId.get(state), "a program's dispatch day");
    else assert.equal(Programs.get(state, entry.id)?.status, ProgramStatus.Closed, `queued program ${entry.id} is closed and kept`);
  }
  for (let pos = 0; pos < head; pos++) assert.equal(RemovalQueue.get(state, pos), undefined, "drained entries are gone");
  for (let id = 0; id < NextEventId.get(state); id++) {
    const event = Events.get(state, id);
    if (event) {
      model.eventProgram.set(id, event.programId);
      continue;
    }
    if (!model.removedEvents.has(id)) {
      model.removedEvents.add(id);
      // Removed no earlier than its retention: it settled in a block at least RETENTION ago.
      const settledAt = chain.settledAt.get(id);
      assert.ok(settledAt !== undefined && settledAt + RETENTION <= block, `event ${id} removed at ${block}, settled at ${settledAt}`);
    }
    assert.deepEqual(Settlements.page(state, id, 10), [], `removed event ${id} keeps no settlement`);
    assert.deepEqual(Responses.page(state, id, 10), [], `removed event ${id} keeps no response`);
  }
  for (let id = 0; id < NextProgramId.get(state); id++) {
    if (Programs.get(state, id)) continue;
    model.removedPrograms.add(id);
    for (let seq = 0; seq < 2 * DEVICES; seq++) assert.equal(Members.get(state, id, seq), undefined, `removed program ${id} keeps no member`);
    for (let d = 0; d < DEVICES; d++) assert.notEqual(Enrolments.get(state, d)?.programId, id, `device ${d} enrolled in removed program ${id}`);
  }
}

/**
 * The baseline profiles (profile.ts): a device is profiled exactly while it has an enrolment, the
 * positions and the index agree, only profiled devices have profile records, and every folded day
 * is an exact copy of pog's page.
 */
function checkProfiles(chain: FlexChain): void {
  const state = chain.state();
  const fold = ProfileFold.get(state);
  const profiled = new Set<number>();
  for (let pos = 0; pos < fold.count; pos++) {
    const d = ProfiledDevices.get(state, pos) as number;
    assert.equal(ProfileIndex.get(state, d), pos, `device ${d} at position ${pos}`);
    profiled.add(d);
  }
  assert.equal(ProfiledDevices.get(state, fold.count), undefined);
  for (let d = 0; d < DEVICES; d++) {
    assert.equal(profiled.has(d), Enrolments.get(state, d) !== undefined, `device ${d}: profiled ⇔ enrolled`);
    const days = BaselineProfiles.get(state, d, 0);
    if (!profiled.has(d)) assert.equal(days, undefined, `device ${d}: no profile unless profiled`);
    for (const day of days ?? []) assert.deepEqual(day, profileDayOf(state, d, day.day, day.day * PER_DAY, day.day * PER_DAY + PER_DAY - 1), `device ${d}, day ${day.day}: a copy of the page`);
  }
}

function check(chain: FlexChain, model: Model): void {
  const state = chain.state();
  assert.equal(chain.totalIssuance(), chain.sumOfBalances());
  checkRemoval(chain, model);
  checkProfiles(chain);
  const reservedByOperator = new Map<string, bigint>();
  for (let id = 0; id < NextProgramId.get(state); id++) {
    const p = Programs.get(state, id);
    if (!p) continue; // removed a retention after it closed: its accounts were checked at every step until then
    const budget = amountOf(p.budget);
    assert.ok(budget >= 0n);
    assert.equal(budget + amountOf(p.paid) + (model.returned.get(id) ?? 0n), model.deposited.get(id), `program ${id}: budget + paid + returned = deposited`);
    const who = OPERATORS.find((o) => Buffer.compare(publicKeyOf(o), p.operator) === 0) as string;
    reservedByOperator.set(who, (reservedByOperator.get(who) ?? 0n) + budget);
  }
  for (const [who, budgets] of reservedByOperator) assert.ok(chain.account(publicKeyOf(who)).reserved >= budgets);
  const head = RemovalQueue.get(state, RemovalHead.get(state));
  for (let id = 0; id < NextEventId.get(state); id++) {
    const event = Events.get(state, id) as EventRecord | undefined;
    if (!event) continue;
    if (head?.kind === RemovalKind.Event && head.id === id) continue; // part-way through its removal
    let paid = 0n;
    for (const [, s] of Settlements.page(state, id, 1_000)) {
      const a = amountOf(s.amount);
      assert.ok(a <= (BigInt(s.committedWh) * amountOf(event.pricePerKwh)) / 1000n, `event ${id}: paid above commitment × price`);
      paid += a;
    }
    assert.equal(paid, amountOf(event.paid));
  }
}

describe("fuzz: flex (programs, enrolments, events, responses, readings)", function () {
  this.timeout(fuzzTimeout(180_000));
  let base: FlexChain;
  before(() => {
    base = baseChain();
  });

  /** What each run removed: the runs must reach event and program removals, or the invariants above were checked on nothing. */
  const runs: Array<{ removedEvents: number; removedPrograms: number }> = [];
  after(() => {
    assert.ok(runs.some((r) => r.removedEvents > 0), "some run removed an event");
    assert.ok(runs.some((r) => r.removedPrograms > 0), "some run removed a closed program");
  });

  it("keeps issuance = Σ balances, budgets ≥ 0 and conserved, pays no device above commitment × price, and removes settled history only after its retention, whole", () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 5, maxLength: 25 }), (steps) => {
        const chain = base.fork();
        const model = new Model();
        model.deposited.set(0, 10n ** 9n);
        model.deposited.set(1, 5_000n);
        for (const s of steps) {
          apply(chain, model, s);
          check(chain, model);
        }
        // Everything settles once the last event's readings can no longer arrive.
        // Events start at most 6 intervals ahead and last at most 3: settled once past their last interval + the window.
        chain.blockAt(chain.now() + 6 + 3 + WINDOW + 1);
        for (let i = 0; i < 20; i++) {
          chain.blockAt(chain.now());
          check(chain, model); // also notes the events removed by now
        }
        for (let id = 0; id < NextEventId.get(chain.state()); id++) {
          const phase = Events.get(chain.state(), id)?.phase;
          assert.ok(phase === EventPhase.Settled || model.removedEvents.has(id), `event ${id} settled (or already removed)`);
        }
        check(chain, model);
        // The operators close what is still open (every event has settled), so that every run removes programs too.
        for (let id = 0; id < NextProgramId.get(chain.state()); id++) {
          const p = Programs.get(chain.state(), id);
          if (!p || p.status === ProgramStatus.Closed) continue;
          apply(chain, model, { kind: "close", op: OPERATORS.findIndex((o) => Buffer.compare(publicKeyOf(o), p.operator) === 0), program: id });
          assert.equal(Programs.get(chain.state(), id)?.status, ProgramStatus.Closed);
          check(chain, model);
        }
        // 25 days on, past the baseline's 20-day lookback: every settled event and closed program is removed.
        chain.blockAt(chain.now() + 25 * PER_DAY);
        for (let i = 0; i < 5; i++) {
          chain.blockAt(chain.now());
          check(chain, model);
        }
        const state = chain.state();
        assert.equal(RemovalHead.get(state), RemovalTail.get(state), "the removal queue is drained");
        for (let id = 0; id < NextEventId.get(state); id++) {
          assert.equal(Events.get(state, id), undefined, `event ${id} removed`);
          const programId = model.eventProgram.get(id);
          if (programId !== undefined) for (let day = 0; day < HISTORY_DAYS + 2; day++) assert.equal(ProgramEventDays.contains(state, programId, day), false, `program ${programId} day ${day}`);
        }
        for (let id = 0; id < NextProgramId.get(state); id++) {
          const p = Programs.get(state, id);
          assert.equal(p, undefined, `program ${id} (closed) removed`);
          assert.ok(model.returned.has(id));
        }
        runs.push({ removedEvents: model.removedEvents.size, removedPrograms: model.removedPrograms.size });
      }),
      fuzzParams(25),
    );
  });
});
