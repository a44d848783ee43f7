import assert from "node:assert/strict";
import { EventPhase, type EventRecord } from "../../../primitives/codec/index.ts";
import { decodeEvent, EventDecodeError, RUNTIME_EVENTS, type RuntimeEvent } from "../../../runtime/events.ts";
import { EventCollector, type EventDecodeErrorType } from "../../../runtime/framework/events.ts";
import { devicesEvents } from "../../../runtime/modules/devices/events.ts";
import { rewardsEvents } from "../../../runtime/modules/rewards/events.ts";
import { stakingEvents } from "../../../runtime/modules/staking/events.ts";
import { Events } from "../../../runtime/modules/system/storage.ts";
import { AKRE, TestChain, expectApplied, publicKeyOf, transferCall } from "../../utils/runtime.ts";

function record(module: string, name: string, data: string): EventRecord {
  return { phase: EventPhase.ApplyExtrinsic, extrinsicIndex: 0, module, name, data };
}

function decodeError(r: EventRecord): EventDecodeErrorType {
  try {
    decodeEvent(r);
  } catch (e) {
    if (e instanceof EventDecodeError) return e.type;
    throw e;
  }
  assert.fail("decodeEvent accepted the record");
}

describe("runtime events", () => {
  it("each module's declarations are registered under the name it deposits with", () => {
    for (const [key, entry] of Object.entries(RUNTIME_EVENTS)) assert.equal(entry.module, key);
  });

  it("a typed deposit stores the same canonical JSON as an untyped one", () => {
    const typed = new EventCollector();
    const untyped = new EventCollector();
    const owner = new Uint8Array(32).fill(1);
    devicesEvents.deposit({ events: typed }, "StatusChanged", { deviceId: 7, from: "Active", to: null, by: owner });
    untyped.deposit("devices", "StatusChanged", { deviceId: 7, from: "Active", to: null, by: owner });
    rewardsEvents.deposit({ events: typed }, "Minted", { epoch: 2, who: owner, amount: 10n ** 20n, kind: "device", deviceId: 7 });
    untyped.deposit("rewards", "Minted", { epoch: 2, who: owner, amount: 10n ** 20n, kind: "device", deviceId: 7 });
    assert.deepEqual(typed.records, untyped.records);
    assert.equal(typed.records[1].data, `{"epoch":2,"who":"0x${"01".repeat(32)}","amount":"100000000000000000000","kind":"device","deviceId":7}`);
  });

  it("decodes a block's events into their JSON fields, narrowed by module and name", () => {
    const chain = new TestChain();
    expectApplied(chain.produceBlock([chain.sign("Alice", transferCall(publicKeyOf("Dave"), 5n * AKRE), { nonce: 0 })]).results[0]);
    const events: RuntimeEvent[] = Events.get(chain.state()).map(decodeEvent);
    const transfer = events.find((e) => e.module === "balances" && e.name === "Transfer");
    assert.ok(transfer?.module === "balances" && transfer.name === "Transfer");
    assert.equal(transfer.data.amount, (5n * AKRE).toString());
    assert.match(transfer.data.to, /^0x[0-9a-f]{64}$/);
  });

  it("reads optional, nullable and open fields as declared", () => {
    const slashed = new EventCollector();
    stakingEvents.deposit({ events: slashed }, "Slashed", { stash: new Uint8Array(32), slot: 12n, amount: 3n });
    assert.deepEqual(decodeEvent(slashed.records[0]).data, { stash: `0x${"00".repeat(32)}`, slot: "12", amount: "3" });
    assert.deepEqual(decodeEvent(record("sudo", "Sudid", `{"call":"devices.suspend","result":"Ok","module":null,"error":null}`)).data, {
      call: "devices.suspend",
      result: "Ok",
      module: null,
      error: null,
    });
    const failed = decodeEvent(record("system", "ExtrinsicFailed", `{"module":"balances","error":"InsufficientBalance","free":"1","amount":"2"}`));
    assert.deepEqual(failed.data, { module: "balances", error: "InsufficientBalance", free: "1", amount: "2" });
  });

  it("refuses an unknown module or event with a typed error", () => {
    assert.deepEqual(decodeError(record("nope", "Transfer", "{}")), { code: "UNKNOWN_MODULE", module: "nope" });
    assert.deepEqual(decodeError(record("balances", "Nope", "{}")), { code: "UNKNOWN_EVENT", module: "balances", name: "Nope" });
    assert.deepEqual(decodeError(record("balances", "constructor", "{}")), { code: "UNKNOWN_EVENT", module: "balances", name: "constructor" });
  });

  it("refuses data that does not match the declaration", () => {
    const malformed = (name: string, data: string): [string | null, string] => {
      const e = decodeError(record("balances", name, data));
      assert.equal(e.code, "MALFORMED_DATA");
      return e.code === "MALFORMED_DATA" ? [e.field, e.reason] : assert.fail();
    };
    const who = `"0x${"00".repeat(32)}"`;
    assert.deepEqual(malformed("Reserved", `{"who":${who}}`), ["amount", "missing"]);
    assert.deepEqual(malformed("Reserved", `{"who":${who},"amount":5}`), ["amount", "expected bigint"]);
    assert.deepEqual(malformed("Reserved", `{"who":"0xabc","amount":"5"}`), ["who", "expected bytes"]);
    assert.deepEqual(malformed("Reserved", `{"who":${who},"amount":"5","extra":1}`), ["extra", "not declared"]);
    assert.deepEqual(malformed("Reserved", `[1]`), [null, "expected an object"]);
    assert.equal(malformed("Reserved", `{`)[0], null);
  });
});
