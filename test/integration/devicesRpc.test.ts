import { strict as assert } from "node:assert";
import { fromHex, toHex } from "../../primitives/bytes.ts";
import { blsKeypairFromSeed } from "../../primitives/blsKeys.ts";
import { devKeypair } from "../../primitives/keys/devAccounts.ts";
import { encodeAddress } from "../../primitives/keys/ss58.ts";
import { verifyProofs } from "../../primitives/trie/proof.ts";
import { signExtrinsic } from "../../runtime/extrinsic.ts";
import { signRegistration } from "../../runtime/modules/devices/signing.ts";
import { Devices } from "../../runtime/modules/devices/storage.ts";
import { DeviceKind, deviceRecordCodec, registerArgsCodec } from "../../runtime/modules/devices/types.ts";
import { httpRpc, startDevNode, waitFor, type TestNode } from "../../harness/devNode.ts";

const alice = devKeypair("Alice"); // the dev registrar
const bob = devKeypair("Bob");
const charlie = devKeypair("Charlie");

describe("devices JSON-RPC (in-process dev node)", function () {
  this.timeout(30_000);
  let t: TestNode;
  let genesisHash: Uint8Array;
  /** The best block before any registration. */
  let beforeRegistration: string;

  async function call<T>(method: string, params: unknown[] = []): Promise<T> {
    const res = await httpRpc(t.httpUrl, method, params);
    if (res.error) throw new Error(`${method}: ${res.error.message} ${JSON.stringify(res.error.data)}`);
    return res.result as T;
  }

  /** Registers three devices for Bob through author_submitExtrinsic and waits until they are in the best block. */
  before(async () => {
    t = await startDevNode({ slotDurationMs: 200 });
    genesisHash = fromHex(await call<string>("chain_getBlockHash", [0]));
    beforeRegistration = await call<string>("chain_getBlockHash", []);
    for (let i = 0; i < 3; i++) {
      const args = signRegistration({
        genesisHash,
        owner: bob.publicKey,
        device: blsKeypairFromSeed(new Uint8Array(32).fill(i + 1)),
        kind: i === 2 ? DeviceKind.Battery : DeviceKind.SolarPv,
        capacityW: 4_000 + i,
        location: "u4pruyd",
        registrarSeed: alice.secretSeed,
      });
      const xt = signExtrinsic(genesisHash, bob.secretSeed, { module: "devices", method: "register", args: registerArgsCodec.encode(args) }, { nonce: i });
      await call("author_submitExtrinsic", [toHex(xt)]);
    }
    await waitFor(async () => (await call<unknown[]>("device_listByOwner", [encodeAddress(bob.publicKey)])).length === 3, 10_000, "three registered devices");
  });
  after(async () => {
    await t.stop();
  });

  it("device_get returns the registered device as JSON, null for an unknown id or before it existed", async () => {
    const device = await call<Record<string, unknown>>("device_get", [0]);
    assert.deepEqual(device, {
      id: 0,
      owner: encodeAddress(bob.publicKey),
      blsKey: toHex(blsKeypairFromSeed(new Uint8Array(32).fill(1)).publicKey),
      kind: "SolarPv",
      capacityW: 4_000,
      location: "u4pruyd",
      status: "Active",
      registrar: encodeAddress(alice.publicKey),
      registeredAt: device.registeredAt,
    });
    assert.ok((device.registeredAt as number) > 0);
    assert.equal((await call<{ kind: string }>("device_get", [2])).kind, "Battery");
    assert.equal(await call("device_get", [99]), null);
    assert.equal(await call("device_get", [0, beforeRegistration]), null);
  });

  it("device_listByOwner lists the owner's devices in storage order, pages after a returned id with startAfter, and is empty for others", async () => {
    const all = await call<Array<{ id: number; capacityW: number }>>("device_listByOwner", [encodeAddress(bob.publicKey)]);
    assert.deepEqual(all.map((d) => [d.id, d.capacityW]).sort((a, b) => a[0] - b[0]), [[0, 4_000], [1, 4_001], [2, 4_002]]);
    const page = await call<Array<{ id: number }>>("device_listByOwner", [toHex(bob.publicKey), null, all[0].id]);
    assert.deepEqual(page.map((d) => d.id), all.slice(1).map((d) => d.id));
    assert.deepEqual(await call("device_listByOwner", [encodeAddress(charlie.publicKey)]), []);
    assert.deepEqual(await call("device_listByOwner", [encodeAddress(bob.publicKey), beforeRegistration]), []);
  });

  it("device_registrars lists the dev registrar", async () => {
    assert.deepEqual(await call("device_registrars"), [{ account: encodeAddress(alice.publicKey), name: "Dev registrar" }]);
  });

  it("answers bad parameters with Invalid params", async () => {
    for (const [method, params] of [
      ["device_get", ["0"]],
      ["device_get", [-1]],
      ["device_listByOwner", ["not an address"]],
      ["device_listByOwner", [encodeAddress(bob.publicKey), null, 1.5]],
    ] as const) {
      const res = await httpRpc(t.httpUrl, method, [...params]);
      assert.equal(res.error?.code, -32602, `${method} ${JSON.stringify(params)}`);
    }
  });

  it("state_queryStorageAt reads many keys at one block, null for absent ones, and refuses too many", async () => {
    const at = await call<string>("chain_getBlockHash", []);
    const [present, absent] = [Devices.key(1), Devices.key(99)].map(toHex);
    const [changeSet] = await call<Array<{ block: string; changes: [string, string | null][] }>>("state_queryStorageAt", [[present, absent], at]);
    assert.equal(changeSet.block, at);
    assert.deepEqual(changeSet.changes.map(([key]) => key), [present, absent]);
    assert.equal(changeSet.changes[0][1], await call<string>("state_getStorage", [present, at]));
    assert.equal(changeSet.changes[1][1], null);
    const tooMany = await httpRpc(t.httpUrl, "state_queryStorageAt", [Array.from({ length: 1001 }, () => present)]);
    assert.equal(tooMany.error?.code, -32602);
  });

  it("state_getReadProof proves a device record against the block's state root", async () => {
    const at = await call<string>("chain_getBlockHash", []);
    const header = await call<{ stateRoot: string }>("chain_getHeader", [at]);
    const key = Devices.key(1);
    const absent = Devices.key(99);
    const { proof } = await call<{ proof: string[] }>("state_getReadProof", [[toHex(key), toHex(absent)], at]);
    const [present, missing] = verifyProofs(fromHex(header.stateRoot), [key, absent], proof.map(fromHex));
    if (!present.found) assert.fail("device 1 not proven");
    const record = deviceRecordCodec.decode(present.value);
    assert.equal(record.capacityW, 4_001);
    assert.equal(toHex(record.owner), toHex(bob.publicKey));
    assert.equal(missing.found, false);
    // The proof does not authenticate against any other root.
    const otherRoot = fromHex(header.stateRoot).map((b, i) => (i === 0 ? b ^ 1 : b));
    assert.throws(() => verifyProofs(otherRoot, [key], proof.map(fromHex)), /ROOT_MISMATCH/);
  });
});
