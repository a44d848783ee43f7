import { strict as assert } from "node:assert";
import { fromHex, toHex } from "../../primitives/bytes.ts";
import { blsKeypairFromSeed, blsSign } from "../../primitives/blsKeys.ts";
import type { Call } from "../../primitives/codec/index.ts";
import { devKeypair } from "../../primitives/keys/devAccounts.ts";
import type { Ed25519Keypair } from "../../primitives/keys/ed25519.ts";
import { encodeAddress } from "../../primitives/keys/ss58.ts";
import { verifyProofs } from "../../primitives/trie/proof.ts";
import { signExtrinsic } from "../../runtime/extrinsic.ts";
import { controlReceiptMessage } from "../../runtime/modules/control/receipt.ts";
import { Commands } from "../../runtime/modules/control/storage.ts";
import { acknowledgeArgs, ReceiptStatus, commandFromView, commandRecordCodec, submitArgs } from "../../runtime/modules/control/types.ts";
import { signRegistration } from "../../runtime/modules/devices/signing.ts";
import { DeviceKind, registerArgsCodec } from "../../runtime/modules/devices/types.ts";
import { WsRpcClient } from "../../cli/rpcClient.ts";
import type { CommandJson } from "../../rpc/namespaces/control.ts";
import { rpcError, startDevNode, waitFor, type TestNode } from "../../harness/devNode.ts";

const alice = devKeypair("Alice");
const bob = devKeypair("Bob");
const deviceKey = blsKeypairFromSeed(new Uint8Array(32).fill(42));

describe("control RPC (in-process dev node): control_pending, control_get, control_subscribePending", function () {
  this.timeout(30_000);
  let t: TestNode;
  let client: WsRpcClient;
  let genesisHash: Uint8Array;
  let deviceId: number;

  async function submit(signer: Ed25519Keypair, call: Call): Promise<void> {
    const nonce = await client.call<number>("system_accountNextIndex", [encodeAddress(signer.publicKey)]);
    await client.call("author_submitExtrinsic", [toHex(signExtrinsic(genesisHash, signer.secretSeed, call, { nonce }))]);
  }

  async function best(): Promise<number> {
    return parseInt((await client.call<{ number: string }>("chain_getHeader", [])).number, 16);
  }

  async function submitCommand(validFrom: number, validUntil: number, percent: number): Promise<void> {
    const args = submitArgs.encode({ deviceId, command: commandFromView({ kind: "curtail", percent }), validFrom, validUntil });
    await submit(alice, { module: "control", method: "submit", args });
  }

  before(async () => {
    t = await startDevNode({ slotDurationMs: 300 });
    client = await WsRpcClient.connect(t.wsUrl);
    genesisHash = fromHex(await client.call<string>("chain_getBlockHash", [0]));
    // A device registered the way a miner does it: countersigned by the dev registrar (Alice).
    const args = signRegistration({ genesisHash, owner: alice.publicKey, device: deviceKey, kind: DeviceKind.SolarPv, capacityW: 5_000, location: "u0yjjd", registrarSeed: alice.secretSeed });
    await submit(alice, { module: "devices", method: "register", args: registerArgsCodec.encode(args) });
    await waitFor(
      async () => (await client.call<Array<{ blsKey: string }>>("device_listByOwner", [encodeAddress(alice.publicKey)])).some((d) => d.blsKey === toHex(deviceKey.publicKey)),
      10_000,
      "device registration",
    );
    const devices = await client.call<Array<{ id: number; blsKey: string }>>("device_listByOwner", [encodeAddress(alice.publicKey)]);
    deviceId = devices.find((d) => d.blsKey === toHex(deviceKey.publicKey))!.id;
  });

  after(async () => {
    client.close();
    await t.stop();
  });

  it("streams a device's pending commands and records its signed receipt, provable against the state root", async () => {
    const lists: CommandJson[][] = [];
    const subscription = await client.subscribe("control_subscribePending", [deviceId], (r) => lists.push(r as CommandJson[]));
    await waitFor(() => lists.length >= 1, 5000, "the initial list");
    assert.deepEqual(lists[0], []);

    const from = await best();
    await submitCommand(from, from + 200, 30);
    await waitFor(() => lists.some((l) => l.length === 1), 5000, "the command in a notification");
    const [command] = lists.find((l) => l.length === 1)!;
    assert.deepEqual(
      { ...command, submittedAt: 0 },
      {
        id: command.id,
        deviceId,
        command: { kind: "curtail", percent: 30 },
        validFrom: from,
        validUntil: from + 200,
        submitter: encodeAddress(alice.publicKey),
        submittedAt: 0,
        status: "Pending",
        receipt: null,
      },
    );
    assert.deepEqual(await client.call("control_pending", [deviceId]), [command]);
    assert.deepEqual(await client.call("control_get", [command.id]), command);

    // The device answers through a gateway (Bob), which pays the fee.
    const signature = blsSign(deviceKey.secretKey, controlReceiptMessage(genesisHash, command.id, ReceiptStatus.Executed));
    await submit(bob, { module: "control", method: "acknowledge", args: acknowledgeArgs.encode({ commandId: command.id, status: ReceiptStatus.Executed, signature }) });
    await waitFor(() => lists.length >= 3 && lists[lists.length - 1].length === 0, 5000, "the emptied list");
    const settled = await client.call<CommandJson>("control_get", [command.id]);
    assert.equal(settled.status, "Acknowledged");
    assert.deepEqual({ ...settled.receipt, block: 0 }, { status: "Executed", signature: toHex(signature), block: 0, submittedBy: encodeAddress(bob.publicKey) });
    assert.deepEqual(await client.call("control_pending", [deviceId]), []);
    assert.equal(lists.length, 3, "one notification per change, none for blocks that changed nothing");

    // The receipt is in state and provable: a light client checks it against the header.
    const at = await client.call<string>("chain_getBlockHash", []);
    const header = await client.call<{ stateRoot: string }>("chain_getHeader", [at]);
    const key = Commands.key(command.id);
    const { proof } = await client.call<{ proof: string[] }>("state_getReadProof", [[toHex(key)], at]);
    const [entry] = verifyProofs(fromHex(header.stateRoot), [key], proof.map(fromHex));
    assert.ok(entry.found);
    assert.deepEqual(commandRecordCodec.decode(entry.value).receipt?.signature, signature);

    assert.equal(await client.call("control_unsubscribePending", [subscription]), true);
  });

  it("drops a command from the pending list when its window closes, and reports it Expired", async () => {
    const lists: CommandJson[][] = [];
    await client.subscribe("control_subscribePending", [deviceId], (r) => lists.push(r as CommandJson[]));
    const from = await best();
    await submitCommand(from, from + 6, 55);
    await waitFor(() => lists.some((l) => l.length === 1), 5000, "the command");
    const [command] = lists.find((l) => l.length === 1)!;
    await waitFor(() => lists[lists.length - 1].length === 0 && lists.length > 2, 8000, "the command to expire");
    assert.equal((await client.call<CommandJson>("control_get", [command.id])).status, "Expired");
  });

  it("answers bad parameters with -32602 and unknown commands with null", async () => {
    assert.equal(await client.call("control_get", [4_000_000]), null);
    assert.equal((await rpcError(client.call("control_pending", [deviceId + 1000]))).code, -32602);
    assert.equal((await rpcError(client.call("control_pending", ["zero"]))).code, -32602);
    assert.equal((await rpcError(client.call("control_get", [-1]))).code, -32602);
    assert.equal((await rpcError(client.call("control_pending", [deviceId, "0x" + "00".repeat(32)]))).code, 4003);
    assert.equal((await rpcError(client.subscribe("control_subscribePending", [deviceId + 1000], () => {}))).code, -32602);
    assert.equal((await rpcError(client.subscribe("control_subscribePending", [[deviceId, deviceId + 1000]], () => {}))).code, -32602);
    assert.equal((await rpcError(client.subscribe("control_subscribePending", [[]], () => {}))).code, -32602);
    assert.equal((await rpcError(client.subscribe("control_subscribePending", [new Array(1025).fill(deviceId)], () => {}))).code, -32602);
  });

  it("watches a gateway's devices in one subscription (a list of ids)", async () => {
    const lists: CommandJson[][] = [];
    await client.subscribe("control_subscribePending", [[deviceId]], (r) => lists.push(r as CommandJson[]));
    await waitFor(() => lists.length >= 1, 5000, "the initial list");
    const from = await best();
    await submitCommand(from, from + 200, 42);
    await waitFor(() => lists.some((l) => l.some((c) => c.command?.kind === "curtail" && (c.command as { percent: number }).percent === 42)), 5000, "the command");
    assert.ok(lists[lists.length - 1].every((c) => c.deviceId === deviceId));
  });
});
