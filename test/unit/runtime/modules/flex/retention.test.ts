import { strict as assert } from "node:assert";
import { eventRemoved, programRemoved } from "../../../../../runtime/modules/flex/queries.ts";
import { MAX_REMOVALS_PER_BLOCK } from "../../../../../runtime/modules/flex/retention.ts";
import { Enrolments, Events, Members, ProgramEventDays, Programs, RemovalHead, RemovalTail, Settlements } from "../../../../../runtime/modules/flex/storage.ts";
import { EventPhase, ResponseStatus } from "../../../../../runtime/modules/flex/types.ts";
import { calls, eventArgs, FlexChain, PER_DAY, programArgs, WINDOW } from "../../../../utils/flexChain.ts";

const RETENTION = 5;

describe("runtime: flex history removal (retention.ts)", function () {
  this.timeout(120_000);

  it("removes a settled event's record, responses, settlements and program days exactly settledRetentionBlocks after it settled, never before", () => {
    // Lookback 1 day: the event's day may go once a day has passed.
    const chain = new FlexChain({ settledRetentionBlocks: RETENTION, baselineLookbackDays: 1, baselineDays: 1 });
    chain.putDevice(0, "Alice");
    chain.putDevice(1, "Alice");
    assert.equal(chain.exec("Charlie", calls.createProgram(programArgs())).success, true);
    for (const d of [0, 1]) assert.equal(chain.exec("Alice", calls.enrol(0, d, 1_000)).success, true);
    const start = chain.now() + 2;
    assert.equal(chain.exec("Charlie", calls.createEvent(eventArgs({ startInterval: start }))).success, true);
    assert.equal(chain.exec("Dave", calls.respond(0, 1, ResponseStatus.OptOut, chain.response(0, 1, ResponseStatus.OptOut))).success, true);
    // Past the window and a day on, so that only the retention holds the records.
    chain.blockAt(start + 2 + WINDOW + PER_DAY);
    assert.equal(Events.get(chain.state(), 0)?.phase, EventPhase.Settled);
    const settledAt = chain.settledAt.get(0) as number;
    assert.equal(Settlements.page(chain.state(), 0, 10).length, 2);
    while (chain.head.header.number < settledAt + RETENTION - 1) {
      chain.blockAt(chain.now());
      assert.ok(Events.get(chain.state(), 0), `kept at block ${chain.head.header.number}`);
    }
    chain.blockAt(chain.now()); // block settledAt + RETENTION
    const state = chain.state();
    assert.equal(chain.head.header.number, settledAt + RETENTION);
    assert.equal(Events.get(state, 0), undefined);
    assert.equal(eventRemoved(state, 0), true);
    assert.deepEqual(Settlements.page(state, 0, 10), []);
    assert.equal(ProgramEventDays.contains(state, 0, Math.trunc(start / PER_DAY)), false);
    assert.equal(RemovalHead.get(state), RemovalTail.get(state));
    assert.equal(eventRemoved(state, 1), false, "an event never created is not 'removed'");
  });

  it("removes the event at its retention but keeps its program's dispatch day while a baseline may still read it, then removes it", () => {
    const chain = new FlexChain({ settledRetentionBlocks: 1 }); // lookback: 20 days
    chain.putDevice(0, "Alice");
    assert.equal(chain.exec("Charlie", calls.createProgram(programArgs())).success, true);
    assert.equal(chain.exec("Alice", calls.enrol(0, 0, 1_000)).success, true);
    const start = chain.now() + 2;
    assert.equal(chain.exec("Charlie", calls.createEvent(eventArgs({ startInterval: start }))).success, true);
    chain.blockAt(start + 2 + WINDOW);
    chain.blockAt(chain.now());
    chain.blockAt(chain.now());
    const day = Math.trunc(start / PER_DAY);
    assert.equal(Events.get(chain.state(), 0), undefined, "the event's records go at its retention");
    assert.equal(ProgramEventDays.contains(chain.state(), 0, day), true, "its day is still within a 20-day lookback");
    chain.blockAt(start + 10 * PER_DAY);
    chain.blockAt(chain.now());
    assert.equal(ProgramEventDays.contains(chain.state(), 0, day), true, "10 days later, still");
    chain.blockAt((day + 21) * PER_DAY);
    chain.blockAt(chain.now());
    assert.equal(ProgramEventDays.contains(chain.state(), 0, day), false, "21 days later no baseline reaches it");
    assert.equal(RemovalHead.get(chain.state()), RemovalTail.get(chain.state()));
  });

  it("removes a closed program with its member list and its members' enrolments, bounded per block; the devices may enrol again", () => {
    const N = MAX_REMOVALS_PER_BLOCK + 40;
    const chain = new FlexChain({ settledRetentionBlocks: RETENTION });
    for (let d = 0; d < N; d++) chain.putDevice(d, "Alice");
    assert.equal(chain.exec("Charlie", calls.createProgram(programArgs())).success, true);
    // Enrolments written as flex.enrol writes them (N blocks of enrol would only slow the test).
    chain.write((s) => {
      for (let d = 0; d < N; d++) {
        Enrolments.set(s, d, { programId: 0, committedW: 1_000, seq: d, enrolledAt: 1 });
        Members.set(s, 0, d, { deviceId: d, committedW: 1_000 });
      }
      const p = Programs.get(s, 0);
      if (p) Programs.set(s, 0, { ...p, nextMemberSeq: N, members: N });
    });
    assert.equal(chain.exec("Alice", calls.leave(7)).success, true); // a hole in the member list
    assert.equal(chain.exec("Charlie", calls.close(0)).success, true);
    const closedAt = chain.head.header.number;
    while (chain.head.header.number < closedAt + RETENTION - 1) chain.blockAt(chain.now());
    assert.ok(Programs.get(chain.state(), 0));
    chain.blockAt(chain.now());
    // The first block removes MAX_REMOVALS_PER_BLOCK members (holes count), the next the rest and the program.
    assert.ok(Programs.get(chain.state(), 0), "not all in one block");
    assert.equal(Members.get(chain.state(), 0, MAX_REMOVALS_PER_BLOCK - 1), undefined);
    assert.equal(Members.get(chain.state(), 0, MAX_REMOVALS_PER_BLOCK)?.deviceId, MAX_REMOVALS_PER_BLOCK);
    chain.blockAt(chain.now());
    const state = chain.state();
    assert.equal(Programs.get(state, 0), undefined);
    assert.equal(programRemoved(state, 0), true);
    for (let d = 0; d < N; d++) assert.equal(Enrolments.get(state, d), undefined);
    assert.equal(chain.exec("Dave", calls.createProgram(programArgs())).success, true);
    assert.equal(chain.exec("Alice", calls.enrol(1, 3, 1_000)).success, true);
    assert.equal(chain.exec("Alice", calls.enrol(0, 4, 1_000)).success, false, "the removed program is unknown");
  });
});
