import { strict as assert } from "node:assert";
import { blsKeypairFromSeed, blsSign } from "../../../../../primitives/blsKeys.ts";
import type { Call, MessageCodec } from "../../../../../primitives/codec/index.ts";
import type { ChainSpec, RuntimeGenesisConfig } from "../../../../../genesis/chainSpec.ts";
import { ChainSpecError } from "../../../../../genesis/chainSpec.ts";
import { devChainSpec } from "../../../../../genesis/presets.ts";
import { applyStateChanges } from "../../../../../node/chain/chain.ts";
import { OverlayState, type State } from "../../../../../runtime/framework/state.ts";
import { DEFAULT_SETTLED_RETENTION_BLOCKS } from "../../../../../runtime/modules/control/genesis.ts";
import { MAX_SETTLED_REMOVALS_PER_BLOCK, openCommand, settleCommand } from "../../../../../runtime/modules/control/lifecycle.ts";
import { commandRemoved } from "../../../../../runtime/modules/control/queries.ts";
import { controlReceiptMessage } from "../../../../../runtime/modules/control/receipt.ts";
import { Commands, Config, NextCommandId, SettledHead, SettledQueue, SettledTail } from "../../../../../runtime/modules/control/storage.ts";
import { acknowledgeArgs, cancelArgs, CommandStatus, commandFromView, ReceiptStatus, submitArgs, type CommandRecord } from "../../../../../runtime/modules/control/types.ts";
import { Devices, DevicesByOwner } from "../../../../../runtime/modules/devices/storage.ts";
import { DeviceKind, DeviceStatus } from "../../../../../runtime/modules/devices/types.ts";
import { RpcError } from "../../../../../rpc/errors.ts";
import { commandAt } from "../../../../../rpc/namespaces/control.ts";
import { HISTORY_REMOVED_CODE } from "../../../../../rpc/namespaces/history.ts";
import { TestChain, expectApplied, publicKeyOf } from "../../../../utils/runtime.ts";

const alice = publicKeyOf("Alice");
const DEVICE = 0;
const deviceKey = blsKeypairFromSeed(new Uint8Array(32).fill(1));
const RETENTION = 5;

function call<A extends object>(method: string, codec: MessageCodec<A>, args: A): Call {
  return { module: "control", method, args: codec.encode(args) };
}

function spec(control: Record<string, unknown>): ChainSpec {
  const s = devChainSpec();
  const config = (s.genesis as { runtimeGenesis: { config: RuntimeGenesisConfig } }).runtimeGenesis.config;
  config.control = { ...(config.control as Record<string, unknown>), ...control };
  return s;
}

function write(chain: TestChain, fill: (state: State) => void): void {
  const overlay = new OverlayState(chain.state());
  fill(overlay);
  const { root, nodes } = applyStateChanges(chain.state(), overlay.changes());
  chain.store.putNodes(nodes);
  chain.head = { ...chain.head, header: { ...chain.head.header, stateRoot: root } };
}

function exec(chain: TestChain, signer: string, c: Call): void {
  const nonce = chain.account(publicKeyOf(signer)).nonce;
  const outcome = expectApplied(chain.produceBlock([chain.sign(signer, c, { nonce })]).results[0]);
  assert.equal(outcome.success, true, outcome.error?.type.code);
}

function ackError(chain: TestChain, id: number): string | undefined {
  const signature = blsSign(deviceKey.secretKey, controlReceiptMessage(chain.genesis.hash, id, ReceiptStatus.Executed));
  const nonce = chain.account(publicKeyOf("Charlie")).nonce;
  const c = call("acknowledge", acknowledgeArgs, { commandId: id, status: ReceiptStatus.Executed, signature });
  return expectApplied(chain.produceBlock([chain.sign("Charlie", c, { nonce })]).results[0]).error?.type.code;
}

function newChain(): TestChain {
  const chain = new TestChain(spec({ settledRetentionBlocks: RETENTION }));
  write(chain, (s) => {
    Devices.set(s, DEVICE, { owner: alice, blsKey: deviceKey.publicKey, kind: DeviceKind.SolarPv, capacityW: 5_000, location: "u0yjjd", status: DeviceStatus.Active, registrar: alice, registeredAt: 0 });
    DevicesByOwner.set(s, alice, DEVICE, true);
  });
  return chain;
}

describe("runtime: control keeps settled commands for settledRetentionBlocks", () => {
  it("reads the retention from the chain spec, a week of 6 s blocks by default, and refuses 0", () => {
    assert.equal(Config.get(newChain().state()).settledRetentionBlocks, RETENTION);
    const spec0 = devChainSpec();
    const config = (spec0.genesis as { runtimeGenesis: { config: RuntimeGenesisConfig } }).runtimeGenesis.config;
    delete (config.control as Record<string, unknown>).settledRetentionBlocks;
    assert.equal(Config.get(new TestChain(spec0).state()).settledRetentionBlocks, DEFAULT_SETTLED_RETENTION_BLOCKS);
    assert.equal(DEFAULT_SETTLED_RETENTION_BLOCKS, 7 * 24 * 600);
    assert.throws(
      () => new TestChain(spec({ settledRetentionBlocks: 0 })),
      (e: unknown) => e instanceof ChainSpecError && e.type.code === "INVALID" && e.type.field === "control.settledRetentionBlocks",
    );
  });

  it("removes an acknowledged, a cancelled and an expired command RETENTION blocks after each settled; a pending one stays; RPC answers 4005 for them", () => {
    const chain = newChain();
    const n = chain.head.header.number + 1;
    const submit = (validUntil: number) => exec(chain, "Alice", call("submit", submitArgs, { deviceId: DEVICE, command: commandFromView({ kind: "curtail", percent: 10 }), validFrom: n, validUntil }));
    submit(n + 50); // 0: acknowledged
    submit(n + 50); // 1: cancelled
    submit(n + 4); // 2: expires with block n + 4
    submit(n + 500); // 3: stays pending
    assert.equal(ackError(chain, 0), undefined);
    const settled = new Map<number, number>([[0, chain.head.header.number]]);
    exec(chain, "Alice", call("cancel", cancelArgs, { commandId: 1 }));
    settled.set(1, chain.head.header.number);
    chain.advanceTo(n + 4);
    assert.equal(Commands.get(chain.state(), 2)?.status, CommandStatus.Expired);
    settled.set(2, n + 4);

    const last = Math.max(...settled.values()) + RETENTION + 1;
    while (chain.head.header.number < last) {
      chain.produceBlock([]);
      const state = chain.state();
      const number = chain.head.header.number;
      for (const [id, at] of settled) {
        assert.equal(Commands.contains(state, id), number < at + RETENTION, `command ${id} (settled at ${at}) in block ${number}`);
        assert.equal(commandRemoved(state, id), number >= at + RETENTION);
      }
      assert.equal(Commands.get(state, 3)?.status, CommandStatus.Pending, "a pending command is never removed");
    }
    const state = chain.state();
    assert.equal(SettledHead.get(state), 3);
    assert.equal(SettledTail.get(state), 3);
    assert.equal(SettledQueue.get(state, 0), undefined);

    assert.throws(
      () => commandAt(state, 0, 42),
      (e: unknown) => e instanceof RpcError && e.code === HISTORY_REMOVED_CODE && /command 0 settled more than 5 blocks ago/.test(e.message),
    );
    assert.equal(commandAt(state, 3, 42)?.status, "Pending");
    assert.equal(commandAt(state, 4, 42), null, "a command id not used yet is null");
    // A removed command can no longer be acted on: it is unknown to the calls.
    assert.equal(ackError(chain, 0), "UnknownCommand");
  });

  it("removes a backlog at most MAX_SETTLED_REMOVALS_PER_BLOCK a block, oldest settlement first", () => {
    const chain = newChain();
    const total = 600;
    const at = chain.head.header.number + 1;
    write(chain, (s) => {
      for (let id = 0; id < total; id++) {
        const record: CommandRecord = { deviceId: DEVICE, command: { onOff: { on: false } }, validFrom: 1, validUntil: 1000, submitter: alice, submittedAt: 0, status: CommandStatus.Pending, receipt: null };
        openCommand(s, id, record);
        settleCommand(s, id, record, { status: CommandStatus.Cancelled }, at);
      }
      NextCommandId.set(s, total);
    });
    chain.advanceTo(at + RETENTION - 1);
    assert.equal(SettledHead.get(chain.state()), 0, "nothing removed before the retention has passed");
    const removedPerBlock: number[] = [];
    let head = 0;
    while (head < total) {
      chain.produceBlock([]);
      const next = SettledHead.get(chain.state());
      removedPerBlock.push(next - head);
      for (let id = 0; id < total; id++) assert.equal(Commands.contains(chain.state(), id), id >= next, `command ${id}`);
      head = next;
    }
    assert.deepEqual(removedPerBlock, [MAX_SETTLED_REMOVALS_PER_BLOCK, MAX_SETTLED_REMOVALS_PER_BLOCK, total - 2 * MAX_SETTLED_REMOVALS_PER_BLOCK]);
  });
});
