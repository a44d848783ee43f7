import { strict as assert } from "node:assert";
import { toHex } from "../../../../../primitives/bytes.ts";
import { blsKeypairFromSeed, blsSign, type BlsKeypair } from "../../../../../primitives/blsKeys.ts";
import type { Call, MessageCodec } from "../../../../../primitives/codec/index.ts";
import { callArgsFromJson } from "../../../../../cli/callArgs.ts";
import { applyStateChanges } from "../../../../../node/chain/chain.ts";
import type { ApplyOutcome } from "../../../../../runtime/executive.ts";
import { OverlayState, type StateChange } from "../../../../../runtime/framework/state.ts";
import { openCommand } from "../../../../../runtime/modules/control/lifecycle.ts";
import { controlReceiptMessage } from "../../../../../runtime/modules/control/receipt.ts";
import { Commands, ExpiryCount, NextCommandId, Operators, PendingByDevice, PendingCount } from "../../../../../runtime/modules/control/storage.ts";
import {
  acknowledgeArgs,
  cancelArgs,
  CommandStatus,
  commandFromView,
  ReceiptStatus,
  setOperatorArgs,
  submitArgs,
  type CommandView,
  type ControlSubmit,
  type ReceiptStatusValue,
} from "../../../../../runtime/modules/control/types.ts";
import { Devices, DevicesByOwner } from "../../../../../runtime/modules/devices/storage.ts";
import { DeviceKind, DeviceStatus, type DeviceRecord } from "../../../../../runtime/modules/devices/types.ts";
import { TestChain, expectApplied, publicKeyOf, type DecodedEvent } from "../../../../utils/runtime.ts";

const alice = publicKeyOf("Alice");
const bob = publicKeyOf("Bob");
const charlie = publicKeyOf("Charlie");
const dave = publicKeyOf("Dave");

const SOLAR = 0;
const BATTERY = 1;
const deviceKeys: BlsKeypair[] = [1, 2, 3].map((i) => blsKeypairFromSeed(new Uint8Array(32).fill(i)));

function controlCall<A extends object>(method: string, codec: MessageCodec<A>, args: A): Call {
  return { module: "control", method, args: codec.encode(args) };
}

function submitCall(deviceId: number, view: CommandView, validFrom: number, validUntil: number): Call {
  return controlCall("submit", submitArgs, { deviceId, command: commandFromView(view), validFrom, validUntil });
}

function ackCall(commandId: number, status: number, signature: Uint8Array): Call {
  return controlCall("acknowledge", acknowledgeArgs, { commandId, status, signature });
}

function errorCode(outcome: ApplyOutcome): string | undefined {
  return outcome.error?.type.code;
}

class ControlChain extends TestChain {
  /** Writes state directly, as genesis or another module would have (the devices module's calls are tested elsewhere). */
  write(fill: (state: OverlayState) => void): void {
    const overlay = new OverlayState(this.state());
    fill(overlay);
    const changes: StateChange[] = overlay.changes();
    const { root, nodes } = applyStateChanges(this.state(), changes);
    this.store.putNodes(nodes);
    this.head = { ...this.head, header: { ...this.head.header, stateRoot: root } };
  }

  putDevice(id: number, fields: Partial<DeviceRecord> = {}): DeviceRecord {
    const record: DeviceRecord = {
      owner: alice,
      blsKey: deviceKeys[id].publicKey,
      kind: id === BATTERY ? DeviceKind.Battery : DeviceKind.SolarPv,
      capacityW: 5_000,
      location: "u0yjjd",
      status: DeviceStatus.Active,
      registrar: alice,
      registeredAt: 0,
      ...fields,
    };
    const previous = Devices.get(this.state(), id);
    this.write((s) => {
      if (previous) DevicesByOwner.remove(s, previous.owner, id);
      Devices.set(s, id, record);
      DevicesByOwner.set(s, record.owner, id, true);
    });
    return record;
  }

  /** Applies one extrinsic in a new block and returns its outcome. */
  exec(signer: string, call: Call): ApplyOutcome {
    const nonce = this.account(publicKeyOf(signer)).nonce;
    return expectApplied(this.produceBlock([this.sign(signer, call, { nonce })]).results[0]);
  }

  number(): number {
    return this.head.header.number;
  }

  controlEvents(): DecodedEvent[] {
    return this.events().filter((e) => e.module === "control");
  }

  receipt(commandId: number, status: ReceiptStatusValue, key: BlsKeypair = deviceKeys[SOLAR], genesisHash = this.genesis.hash): Uint8Array {
    return blsSign(key.secretKey, controlReceiptMessage(genesisHash, commandId, status));
  }
}

describe("runtime: control (downlink commands)", () => {
  let chain: ControlChain;

  beforeEach(() => {
    chain = new ControlChain();
    chain.putDevice(SOLAR);
    chain.putDevice(BATTERY);
  });

  describe("setOperator", () => {
    it("lets the owner delegate to an operator and revoke it, each with an event", () => {
      assert.equal(chain.exec("Alice", controlCall("setOperator", setOperatorArgs, { deviceId: SOLAR, operator: bob })).success, true);
      assert.deepEqual(Operators.get(chain.state(), SOLAR), { operator: bob, delegatedBy: alice });
      const [set] = chain.controlEvents();
      assert.equal(set.name, "OperatorSet");
      assert.deepEqual(set.data, { deviceId: SOLAR, owner: toHex(alice), operator: toHex(bob) });

      assert.equal(chain.exec("Alice", controlCall("setOperator", setOperatorArgs, { deviceId: SOLAR, operator: new Uint8Array(0) })).success, true);
      assert.equal(Operators.get(chain.state(), SOLAR), undefined);
      assert.equal(chain.controlEvents()[0].name, "OperatorRemoved");
    });

    it("refuses non-owners, unknown devices, malformed accounts and removing a delegation that does not exist", () => {
      assert.equal(errorCode(chain.exec("Bob", controlCall("setOperator", setOperatorArgs, { deviceId: SOLAR, operator: bob }))), "NotOwner");
      assert.equal(errorCode(chain.exec("Alice", controlCall("setOperator", setOperatorArgs, { deviceId: 9, operator: bob }))), "UnknownDevice");
      assert.equal(errorCode(chain.exec("Alice", controlCall("setOperator", setOperatorArgs, { deviceId: SOLAR, operator: bob.subarray(0, 20) }))), "InvalidAccount");
      assert.equal(errorCode(chain.exec("Alice", controlCall("setOperator", setOperatorArgs, { deviceId: SOLAR, operator: new Uint8Array(0) }))), "NoOperator");
      assert.equal(Operators.get(chain.state(), SOLAR), undefined);
    });
  });

  describe("submit", () => {
    it("stores a pending command with the next id, indexes it and emits CommandSubmitted", () => {
      const n = chain.number() + 1;
      assert.equal(chain.exec("Alice", submitCall(SOLAR, { kind: "curtail", percent: 40 }, n, n + 10)).success, true);
      assert.equal(chain.exec("Alice", submitCall(BATTERY, { kind: "charge", watts: 2_000 }, n, n + 10)).success, true);
      const first = Commands.get(chain.state(), 0);
      assert.ok(first);
      assert.deepEqual(first.command, { curtail: { percent: 40 } });
      assert.equal(first.status, CommandStatus.Pending);
      assert.equal(first.deviceId, SOLAR);
      assert.deepEqual([first.validFrom, first.validUntil, first.submittedAt], [n, n + 10, n]);
      assert.deepEqual(first.submitter, alice);
      assert.equal(NextCommandId.get(chain.state()), 2);
      assert.equal(PendingByDevice.contains(chain.state(), SOLAR, 0), true);
      assert.equal(PendingByDevice.contains(chain.state(), BATTERY, 1), true);
      const [event] = chain.controlEvents();
      assert.equal(event.name, "CommandSubmitted");
      assert.deepEqual({ ...event.data, submitter: undefined }, { commandId: 1, deviceId: BATTERY, submitter: undefined, kind: "charge", value: 2_000, validFrom: n, validUntil: n + 10 });
    });

    it("accepts the delegated operator, and stops accepting it once revoked or once the device changes hands", () => {
      chain.exec("Alice", controlCall("setOperator", setOperatorArgs, { deviceId: SOLAR, operator: bob }));
      const n = chain.number() + 1;
      assert.equal(chain.exec("Bob", submitCall(SOLAR, { kind: "onOff", on: false }, n, n + 5)).success, true);
      assert.equal(errorCode(chain.exec("Charlie", submitCall(SOLAR, { kind: "onOff", on: false }, n, n + 5))), "NotAuthorized");

      // Alice sells the device to Dave: her delegation to Bob lapses with her ownership.
      chain.putDevice(SOLAR, { owner: dave });
      assert.equal(errorCode(chain.exec("Bob", submitCall(SOLAR, { kind: "onOff", on: true }, n, n + 5))), "NotAuthorized");
      assert.equal(errorCode(chain.exec("Alice", submitCall(SOLAR, { kind: "onOff", on: true }, n, n + 5))), "NotAuthorized");
      assert.equal(chain.exec("Dave", submitCall(SOLAR, { kind: "onOff", on: true }, n, n + 15)).success, true);

      chain.exec("Dave", controlCall("setOperator", setOperatorArgs, { deviceId: SOLAR, operator: bob }));
      chain.exec("Dave", controlCall("setOperator", setOperatorArgs, { deviceId: SOLAR, operator: new Uint8Array(0) }));
      assert.equal(errorCode(chain.exec("Bob", submitCall(SOLAR, { kind: "onOff", on: true }, n, n + 15))), "NotAuthorized");
    });

    it("checks the device, the command against the device and the validity window; a failed submit stores nothing", () => {
      chain.putDevice(2, { status: DeviceStatus.Suspended });
      // Each case runs in the next block, `n`.
      const cases: Array<[(n: number) => Call, string]> = [
        [(n) => submitCall(7, { kind: "curtail", percent: 10 }, n, n + 5), "UnknownDevice"],
        [(n) => submitCall(2, { kind: "curtail", percent: 10 }, n, n + 5), "DeviceNotActive"],
        [(n) => controlCall("submit", submitArgs, { deviceId: SOLAR, command: null, validFrom: n, validUntil: n + 5 }), "EmptyCommand"],
        [(n) => controlCall("submit", submitArgs, { deviceId: SOLAR, command: {}, validFrom: n, validUntil: n + 5 }), "EmptyCommand"],
        [(n) => submitCall(SOLAR, { kind: "curtail", percent: 101 }, n, n + 5), "PercentOutOfRange"],
        [(n) => submitCall(SOLAR, { kind: "setPoint", watts: 5_001 }, n, n + 5), "AboveCapacity"],
        [(n) => submitCall(BATTERY, { kind: "discharge", watts: 5_001 }, n, n + 5), "AboveCapacity"],
        [(n) => submitCall(SOLAR, { kind: "charge", watts: 100 }, n, n + 5), "UnsupportedCommand"],
        [(n) => submitCall(SOLAR, { kind: "discharge", watts: 100 }, n, n + 5), "UnsupportedCommand"],
        [(n) => submitCall(SOLAR, { kind: "curtail", percent: 10 }, n + 6, n + 5), "InvalidWindow"],
        [(n) => submitCall(SOLAR, { kind: "curtail", percent: 10 }, 0, n - 1), "WindowInPast"],
        [(n) => submitCall(SOLAR, { kind: "curtail", percent: 10 }, n, n + 14_401), "WindowTooLong"],
      ];
      for (const [call, code] of cases) {
        const outcome = chain.exec("Alice", call(chain.number() + 1));
        assert.equal(errorCode(outcome), code, `expected ${code}`);
        assert.equal(outcome.error?.type.module, "control");
        assert.deepEqual(chain.controlEvents(), []);
      }
      assert.equal(NextCommandId.get(chain.state()), 0);
      assert.equal(PendingCount.get(chain.state(), SOLAR), undefined);
      // The boundaries themselves are accepted: 100 %, full capacity, validUntil = now and the longest window.
      const m = chain.number() + 1;
      assert.equal(chain.exec("Alice", submitCall(SOLAR, { kind: "curtail", percent: 100 }, m, m)).success, true);
      assert.equal(chain.exec("Alice", submitCall(SOLAR, { kind: "setPoint", watts: 5_000 }, m + 1, m + 1 + 14_400)).success, true);
    });

    it("bounds the pending commands per device; a settled command frees its place", () => {
      const n = chain.number() + 1;
      const xts = Array.from({ length: 17 }, (_, i) => chain.sign("Alice", submitCall(SOLAR, { kind: "setPoint", watts: i }, n, n + 100), { nonce: i }));
      const { results } = chain.produceBlock(xts);
      assert.deepEqual(
        results.map((r) => errorCode(expectApplied(r))),
        [...Array<undefined>(16).fill(undefined), "TooManyPending"],
      );
      assert.equal(PendingCount.get(chain.state(), SOLAR), 16);
      assert.equal(chain.exec("Alice", submitCall(BATTERY, { kind: "setPoint", watts: 1 }, n + 1, n + 100)).success, true, "other devices are not affected");
      assert.equal(chain.exec("Alice", controlCall("cancel", cancelArgs, { commandId: 3 })).success, true);
      assert.equal(PendingCount.get(chain.state(), SOLAR), 15);
      assert.equal(chain.exec("Alice", submitCall(SOLAR, { kind: "setPoint", watts: 1 }, n + 3, n + 100)).success, true);
    });
  });

  describe("acknowledge", () => {
    let id: number;
    let from: number;

    beforeEach(() => {
      from = chain.number() + 1;
      chain.exec("Alice", submitCall(SOLAR, { kind: "curtail", percent: 50 }, from, from + 20));
      id = NextCommandId.get(chain.state()) - 1;
    });

    it("records the device-signed receipt carried by any account, once, with an event", () => {
      const signature = chain.receipt(id, ReceiptStatus.Executed);
      const charlieBefore = chain.account(charlie).free;
      const outcome = chain.exec("Charlie", ackCall(id, ReceiptStatus.Executed, signature));
      assert.equal(outcome.success, true);
      assert.ok(chain.account(charlie).free < charlieBefore, "the gateway paid the fee");
      const record = Commands.get(chain.state(), id);
      assert.ok(record);
      assert.equal(record.status, CommandStatus.Acknowledged);
      assert.deepEqual(record.receipt, { status: ReceiptStatus.Executed, signature, block: chain.number(), submittedBy: charlie });
      assert.equal(PendingByDevice.contains(chain.state(), SOLAR, id), false);
      assert.equal(PendingCount.get(chain.state(), SOLAR), undefined);
      const [event] = chain.controlEvents();
      assert.equal(event.name, "CommandAcknowledged");
      assert.equal(event.data.status, "Executed");
      assert.equal(event.data.deviceId, SOLAR);

      // Replaying the same receipt, or sending another, is refused: a command is acknowledged once.
      assert.equal(errorCode(chain.exec("Charlie", ackCall(id, ReceiptStatus.Executed, signature))), "NotPending");
      assert.equal(errorCode(chain.exec("Bob", ackCall(id, ReceiptStatus.Failed, chain.receipt(id, ReceiptStatus.Failed)))), "NotPending");
      assert.equal(Commands.get(chain.state(), id)?.receipt?.status, ReceiptStatus.Executed);
    });

    it("refuses receipts not signed by the device's current key over this command, status and chain", () => {
      const refused: Array<[string, Uint8Array, number]> = [
        ["another device's key", chain.receipt(id, ReceiptStatus.Executed, deviceKeys[BATTERY]), ReceiptStatus.Executed],
        ["a signature over another status", chain.receipt(id, ReceiptStatus.Rejected), ReceiptStatus.Executed],
        ["a receipt for another command", chain.receipt(id + 1, ReceiptStatus.Executed), ReceiptStatus.Executed],
        ["a receipt for another chain", chain.receipt(id, ReceiptStatus.Executed, deviceKeys[SOLAR], new Uint8Array(32).fill(9)), ReceiptStatus.Executed],
        ["garbage", new Uint8Array(96).fill(0xab), ReceiptStatus.Executed],
        ["an empty signature", new Uint8Array(0), ReceiptStatus.Executed],
      ];
      for (const [what, signature, status] of refused) {
        assert.equal(errorCode(chain.exec("Charlie", ackCall(id, status, signature))), "BadReceipt", what);
      }
      for (const status of [0, 4]) {
        assert.equal(errorCode(chain.exec("Charlie", ackCall(id, status, chain.receipt(id, status as ReceiptStatusValue)))), "InvalidStatus");
      }
      assert.equal(errorCode(chain.exec("Charlie", ackCall(id + 5, ReceiptStatus.Executed, chain.receipt(id + 5, ReceiptStatus.Executed)))), "UnknownCommand");
      assert.equal(Commands.get(chain.state(), id)?.status, CommandStatus.Pending);

      // After a key rotation only the new key signs receipts.
      chain.putDevice(SOLAR, { blsKey: deviceKeys[2].publicKey });
      assert.equal(errorCode(chain.exec("Charlie", ackCall(id, ReceiptStatus.Executed, chain.receipt(id, ReceiptStatus.Executed)))), "BadReceipt");
      assert.equal(chain.exec("Charlie", ackCall(id, ReceiptStatus.Executed, chain.receipt(id, ReceiptStatus.Executed, deviceKeys[2]))).success, true);
    });

    it("accepts Executed or Failed only from validFrom on, Rejected at any time", () => {
      const n = chain.number() + 1;
      chain.exec("Alice", submitCall(SOLAR, { kind: "setPoint", watts: 100 }, n + 10, n + 20));
      const later = NextCommandId.get(chain.state()) - 1;
      for (const status of [ReceiptStatus.Executed, ReceiptStatus.Failed]) {
        assert.equal(errorCode(chain.exec("Charlie", ackCall(later, status, chain.receipt(later, status)))), "NotYetValid");
      }
      assert.equal(chain.exec("Charlie", ackCall(later, ReceiptStatus.Rejected, chain.receipt(later, ReceiptStatus.Rejected))).success, true);
      assert.equal(Commands.get(chain.state(), later)?.receipt?.status, ReceiptStatus.Rejected);
    });
  });

  describe("expiry", () => {
    it("accepts a receipt up to validUntil, marks the command Expired at the end of that block, and refuses it afterwards", () => {
      const n = chain.number() + 1;
      chain.exec("Alice", submitCall(SOLAR, { kind: "curtail", percent: 0 }, n, n + 3));
      chain.exec("Alice", submitCall(SOLAR, { kind: "curtail", percent: 10 }, n, n + 3));
      chain.advanceTo(n + 2);
      assert.equal(Commands.get(chain.state(), 0)?.status, CommandStatus.Pending);
      // Block n + 3 is the last in the window: command 0 is acknowledged in it, command 1 expires with it.
      assert.equal(chain.exec("Charlie", ackCall(0, ReceiptStatus.Executed, chain.receipt(0, ReceiptStatus.Executed))).success, true);
      assert.equal(chain.number(), n + 3);
      assert.equal(Commands.get(chain.state(), 0)?.status, CommandStatus.Acknowledged);
      assert.equal(Commands.get(chain.state(), 1)?.status, CommandStatus.Expired);
      const expired = chain.events().filter((e) => e.name === "CommandExpired");
      assert.deepEqual(
        expired.map((e) => e.data),
        [{ commandId: 1, deviceId: SOLAR, validUntil: n + 3 }],
      );
      assert.equal(PendingCount.get(chain.state(), SOLAR), undefined);
      assert.equal(ExpiryCount.get(chain.state(), n + 3), undefined);

      assert.equal(errorCode(chain.exec("Charlie", ackCall(1, ReceiptStatus.Executed, chain.receipt(1, ReceiptStatus.Executed)))), "CommandExpired");
      assert.equal(errorCode(chain.exec("Alice", controlCall("cancel", cancelArgs, { commandId: 1 }))), "CommandExpired");
      assert.equal(errorCode(chain.exec("Charlie", ackCall(0, ReceiptStatus.Executed, chain.receipt(0, ReceiptStatus.Executed)))), "NotPending");
    });

    it("expires a backlog a bounded number per block and refuses receipts for the commands not swept yet", () => {
      // 1,200 commands all due at block 3, written straight into state: several blocks' worth of expiry.
      const total = 1_200;
      const due = 3;
      chain.write((s) => {
        for (let id = 0; id < total; id++) {
          openCommand(s, id, { deviceId: id % 2, command: { onOff: { on: false } }, validFrom: 1, validUntil: due, submitter: alice, submittedAt: 0, status: CommandStatus.Pending, receipt: null });
        }
        NextCommandId.set(s, total);
      });
      chain.advanceTo(due);
      const expiredIn = (): number[] => chain.events().filter((e) => e.name === "CommandExpired").map((e) => e.data.commandId as number);
      const perBlock = [expiredIn()];
      assert.ok(perBlock[0].length > 0 && perBlock[0].length < total, `first block expired ${perBlock[0].length}`);
      const unswept = Array.from({ length: total }, (_, id) => id).find((id) => Commands.get(chain.state(), id)?.status === CommandStatus.Pending);
      assert.ok(unswept !== undefined);
      // Not swept yet, but past its window: no receipt.
      assert.equal(errorCode(chain.exec("Charlie", ackCall(unswept, ReceiptStatus.Executed, chain.receipt(unswept, ReceiptStatus.Executed)))), "CommandExpired");
      perBlock.push(expiredIn());
      while (perBlock.flat().length < total && perBlock.length < 10) {
        chain.produceBlock([]);
        perBlock.push(expiredIn());
      }
      assert.equal(new Set(perBlock.flat()).size, total, "every command expired exactly once");
      assert.ok(perBlock.every((ids) => ids.length <= 250), `per block: ${perBlock.map((ids) => ids.length)}`);
      for (let id = 0; id < total; id++) assert.equal(Commands.get(chain.state(), id)?.status, CommandStatus.Expired);
      assert.equal(ExpiryCount.get(chain.state(), due), undefined);
      assert.equal(PendingCount.get(chain.state(), 0), undefined);
      assert.equal([...chain.state().entries(PendingByDevice.prefix)].length, 0);
    });
  });

  describe("cancel", () => {
    function submitAs(signer: string): number {
      const n = chain.number() + 1;
      assert.equal(chain.exec(signer, submitCall(SOLAR, { kind: "setPoint", watts: 10 }, n, n + 30)).success, true);
      return NextCommandId.get(chain.state()) - 1;
    }

    it("lets the submitter or the owner cancel a pending command, with an event; others cannot", () => {
      chain.exec("Alice", controlCall("setOperator", setOperatorArgs, { deviceId: SOLAR, operator: bob }));
      const byOperator = submitAs("Bob");
      const byOwner = submitAs("Alice");
      const another = submitAs("Bob");
      assert.equal(errorCode(chain.exec("Charlie", controlCall("cancel", cancelArgs, { commandId: byOperator }))), "NotAuthorized");
      assert.equal(errorCode(chain.exec("Bob", controlCall("cancel", cancelArgs, { commandId: byOwner }))), "NotAuthorized");
      assert.equal(chain.exec("Bob", controlCall("cancel", cancelArgs, { commandId: byOperator })).success, true);
      assert.deepEqual(chain.controlEvents()[0].name, "CommandCancelled");
      assert.equal(chain.exec("Alice", controlCall("cancel", cancelArgs, { commandId: another })).success, true);
      assert.equal(Commands.get(chain.state(), byOperator)?.status, CommandStatus.Cancelled);
      assert.equal(Commands.get(chain.state(), another)?.status, CommandStatus.Cancelled);
      assert.equal(Commands.get(chain.state(), byOwner)?.status, CommandStatus.Pending);
      assert.equal(PendingCount.get(chain.state(), SOLAR), 1);
    });

    it("refuses unknown, cancelled and acknowledged commands; a cancelled command cannot be acknowledged", () => {
      const id = submitAs("Alice");
      assert.equal(errorCode(chain.exec("Alice", controlCall("cancel", cancelArgs, { commandId: 99 }))), "UnknownCommand");
      assert.equal(chain.exec("Alice", controlCall("cancel", cancelArgs, { commandId: id })).success, true);
      assert.equal(errorCode(chain.exec("Alice", controlCall("cancel", cancelArgs, { commandId: id }))), "NotPending");
      assert.equal(errorCode(chain.exec("Charlie", ackCall(id, ReceiptStatus.Executed, chain.receipt(id, ReceiptStatus.Executed)))), "NotPending");
      const acked = submitAs("Alice");
      chain.exec("Charlie", ackCall(acked, ReceiptStatus.Executed, chain.receipt(acked, ReceiptStatus.Executed)));
      assert.equal(errorCode(chain.exec("Alice", controlCall("cancel", cancelArgs, { commandId: acked }))), "NotPending");
    });
  });

  it("takes submit arguments as the CLI's `tx control.submit --args <json>` writes them", () => {
    const json = { deviceId: 3, command: { onOff: { on: false } }, validFrom: 0, validUntil: 40 };
    const bytes = submitArgs.type.encode(callArgsFromJson(submitArgs.type, json)).finish();
    assert.deepEqual(submitArgs.decode(bytes), { deviceId: 3, command: { onOff: { on: false } }, validFrom: 0, validUntil: 40 });
  });

  it("round-trips submit arguments canonically: two command kinds at once do not decode", () => {
    const args: ControlSubmit = { deviceId: 1, command: { curtail: { percent: 5 } }, validFrom: 2, validUntil: 3 };
    assert.deepEqual(submitArgs.decode(submitArgs.encode(args)), args);
    const both = submitArgs.type.encode({ deviceId: 1, command: { curtail: { percent: 5 }, onOff: { on: true } }, validFrom: 2, validUntil: 3 }).finish();
    assert.throws(() => submitArgs.decode(both), /NON_CANONICAL/);
  });
});
