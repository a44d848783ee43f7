import assert from "node:assert/strict";
import { bytesEqual, toHex } from "../../../../../primitives/bytes.ts";
import { blsKeypairFromSeed, blsSign, type BlsKeypair } from "../../../../../primitives/blsKeys.ts";
import type { Call } from "../../../../../primitives/codec/index.ts";
import { devKeypair } from "../../../../../primitives/keys/devAccounts.ts";
import { sign } from "../../../../../primitives/keys/ed25519.ts";
import { activeDevice, deviceIdsOfOwner, popMessage, registrationSigningPayload, signRegistration, signRotation } from "../../../../../runtime/modules/devices/index.ts";
import { MAX_CAPACITY_W } from "../../../../../runtime/modules/devices/rules.ts";
import { keyForBlock, keyHistory } from "../../../../../runtime/modules/devices/queries.ts";
import { DeviceIdByKey, Devices, KeyHistory, NextDeviceId, Registrars } from "../../../../../runtime/modules/devices/storage.ts";
import {
  addRegistrarArgsCodec,
  DeviceKind,
  DeviceStatus,
  deviceIdArgsCodec,
  registerArgsCodec,
  removeRegistrarArgsCodec,
  rotateKeyArgsCodec,
  transferOwnershipArgsCodec,
  type DevicesRegisterArgs,
  type DevicesRotateKeyArgs,
} from "../../../../../runtime/modules/devices/types.ts";
import { sudoArgsCodec } from "../../../../../runtime/modules/sudo/types.ts";
import { expectApplied, TestChain, type DecodedEvent } from "../../../../utils/runtime.ts";

const alice = devKeypair("Alice"); // the dev registrar and sudo key
const bob = devKeypair("Bob"); // a device owner
const charlie = devKeypair("Charlie");

function deviceKey(n: number): BlsKeypair {
  return blsKeypairFromSeed(new Uint8Array(32).fill(n));
}

const call = {
  register: (args: DevicesRegisterArgs): Call => ({ module: "devices", method: "register", args: registerArgsCodec.encode(args) }),
  suspend: (deviceId: number): Call => ({ module: "devices", method: "suspend", args: deviceIdArgsCodec.encode({ deviceId }) }),
  resume: (deviceId: number): Call => ({ module: "devices", method: "resume", args: deviceIdArgsCodec.encode({ deviceId }) }),
  terminate: (deviceId: number): Call => ({ module: "devices", method: "terminate", args: deviceIdArgsCodec.encode({ deviceId }) }),
  transferOwnership: (deviceId: number, newOwner: Uint8Array): Call => ({
    module: "devices",
    method: "transferOwnership",
    args: transferOwnershipArgsCodec.encode({ deviceId, newOwner }),
  }),
  rotateKey: (args: DevicesRotateKeyArgs): Call => ({ module: "devices", method: "rotateKey", args: rotateKeyArgsCodec.encode(args) }),
  addRegistrar: (account: Uint8Array, name: string): Call => ({ module: "devices", method: "addRegistrar", args: addRegistrarArgsCodec.encode({ account, name }) }),
  removeRegistrar: (account: Uint8Array): Call => ({ module: "devices", method: "removeRegistrar", args: removeRegistrarArgsCodec.encode({ account }) }),
  sudo: (inner: Call): Call => ({ module: "sudo", method: "sudo", args: sudoArgsCodec.encode({ call: inner }) }),
};

type Signer = typeof alice;

/** The outcome of one call in its own block: success, the dispatch error code if any, and the block's events. */
interface Dispatched {
  success: boolean;
  error?: string;
  events: DecodedEvent[];
}

function submit(chain: TestChain, signer: Signer, c: Call): Dispatched {
  const nonce = chain.account(signer.publicKey).nonce;
  const outcome = expectApplied(chain.produceBlock([chain.sign(signer, c, { nonce })]).results[0]);
  return { success: outcome.success, error: outcome.error?.type.code, events: chain.events().filter((e) => e.module === "devices" || e.module === "sudo") };
}

/** Dispatches `c` as root through sudo; returns the inner result from the `Sudid` event. */
function asRoot(chain: TestChain, c: Call): Dispatched {
  const outer = submit(chain, alice, call.sudo(c));
  assert.equal(outer.success, true, `sudo.sudo failed: ${outer.error}`);
  const sudid = outer.events.find((e) => e.name === "Sudid");
  assert.ok(sudid);
  return { success: sudid.data.result === "Ok", error: (sudid.data.error as string | null) ?? undefined, events: outer.events.filter((e) => e.name !== "Sudid") };
}

function registration(chain: TestChain, over: Partial<{ owner: Uint8Array; device: BlsKeypair; kind: number; capacityW: number; location: string; registrarSeed: Uint8Array }> = {}): DevicesRegisterArgs {
  return signRegistration({
    genesisHash: chain.genesis.hash,
    owner: over.owner ?? bob.publicKey,
    device: over.device ?? deviceKey(1),
    kind: over.kind ?? DeviceKind.SolarPv,
    capacityW: over.capacityW ?? 5_000,
    location: over.location ?? "u4pruydqqvj",
    registrarSeed: over.registrarSeed ?? alice.secretSeed,
  });
}

/** Registers `device` for Bob (or `owner`) and returns its id. */
function registerDevice(chain: TestChain, device: BlsKeypair, owner: Signer = bob): number {
  const id = NextDeviceId.get(chain.state());
  const r = submit(chain, owner, call.register(registration(chain, { device, owner: owner.publicKey })));
  assert.equal(r.success, true, `register failed: ${r.error}`);
  return id;
}

function status(chain: TestChain, id: number): number | undefined {
  return Devices.get(chain.state(), id)?.status;
}

describe("devices", () => {
  describe("register", () => {
    it("registers an Active device with the next id, indexed by key and owner, and emits Registered", () => {
      const chain = new TestChain();
      const key = deviceKey(1);
      const r = submit(chain, bob, call.register(registration(chain, { device: key, kind: DeviceKind.Wind, capacityW: 2_500_000, location: "gcpvj0d" })));
      assert.equal(r.success, true, r.error);
      const state = chain.state();
      const record = Devices.get(state, 0);
      assert.ok(record);
      assert.ok(bytesEqual(record.owner, bob.publicKey));
      assert.ok(bytesEqual(record.blsKey, key.publicKey));
      assert.ok(bytesEqual(record.registrar, alice.publicKey));
      assert.deepEqual([record.kind, record.capacityW, record.location, record.status, record.registeredAt], [DeviceKind.Wind, 2_500_000, "gcpvj0d", DeviceStatus.Active, 1]);
      assert.equal(DeviceIdByKey.get(state, key.publicKey), 0);
      assert.deepEqual(deviceIdsOfOwner(state, bob.publicKey), [0]);
      assert.ok(activeDevice(state, 0));
      assert.deepEqual(r.events.map((e) => e.name), ["Registered"]);
      assert.deepEqual(r.events[0].data, {
        deviceId: 0,
        owner: toHex(bob.publicKey),
        blsKey: toHex(key.publicKey),
        kind: "Wind",
        capacityW: 2_500_000,
        location: "gcpvj0d",
        registrar: toHex(alice.publicKey),
      });
      assert.equal(registerDevice(chain, deviceKey(2)), 1);
      assert.deepEqual(deviceIdsOfOwner(chain.state(), bob.publicKey), [0, 1]);
    });

    /** Each bad registration fails with its code and leaves no device behind. */
    function expectRejected(chain: TestChain, args: DevicesRegisterArgs, code: string, signer: Signer = bob): void {
      const next = NextDeviceId.get(chain.state());
      const r = submit(chain, signer, call.register(args));
      assert.equal(r.success, false);
      assert.equal(r.error, code);
      assert.deepEqual(r.events, []);
      assert.equal(NextDeviceId.get(chain.state()), next);
      assert.equal(DeviceIdByKey.get(chain.state(), args.blsKey) === next, false);
    }

    it("rejects a registrar signature that does not cover the registration, or made for another chain", () => {
      const chain = new TestChain();
      const good = registration(chain);
      expectRejected(chain, { ...good, capacityW: good.capacityW + 1 }, "BadRegistrarSignature");
      expectRejected(chain, { ...good, location: "u4pruydqqvk" }, "BadRegistrarSignature");
      // Signed for Charlie as owner, submitted by Bob.
      expectRejected(chain, registration(chain, { owner: charlie.publicKey }), "BadRegistrarSignature");
      const otherChain = signRegistration({
        genesisHash: new Uint8Array(32).fill(9),
        owner: bob.publicKey,
        device: deviceKey(1),
        kind: DeviceKind.SolarPv,
        capacityW: 5_000,
        location: "u4pruydqqvj",
        registrarSeed: alice.secretSeed,
      });
      expectRejected(chain, { ...otherChain, proofOfPossession: good.proofOfPossession }, "BadRegistrarSignature");
    });

    it("rejects a registrar that is not in Registrars", () => {
      const chain = new TestChain();
      expectRejected(chain, registration(chain, { registrarSeed: charlie.secretSeed }), "UnknownRegistrar");
    });

    it("rejects a proof of possession not signed by the device key over (chain, owner, key)", () => {
      const chain = new TestChain();
      const key = deviceKey(1);
      const good = registration(chain, { device: key });
      expectRejected(chain, { ...good, proofOfPossession: blsSign(deviceKey(2).secretKey, popMessage(chain.genesis.hash, bob.publicKey, key.publicKey)) }, "BadProofOfPossession");
      expectRejected(chain, { ...good, proofOfPossession: blsSign(key.secretKey, popMessage(chain.genesis.hash, charlie.publicKey, key.publicKey)) }, "BadProofOfPossession");
      expectRejected(chain, { ...good, proofOfPossession: new Uint8Array(96) }, "BadProofOfPossession");
    });

    it("registers a key once, ever: again by the same or another owner is KeyAlreadyRegistered", () => {
      const chain = new TestChain();
      registerDevice(chain, deviceKey(1));
      expectRejected(chain, registration(chain, { device: deviceKey(1) }), "KeyAlreadyRegistered");
      expectRejected(chain, registration(chain, { device: deviceKey(1), owner: charlie.publicKey }), "KeyAlreadyRegistered", charlie);
    });

    it("rejects a kind outside DeviceKind, a capacity of 0 or above the bound, a bad geohash, an invalid key", () => {
      const chain = new TestChain();
      // The registrar signs exactly what is submitted: only the rule can reject these.
      expectRejected(chain, registration(chain, { kind: 0 }), "InvalidKind");
      expectRejected(chain, registration(chain, { kind: 7 }), "InvalidKind");
      expectRejected(chain, registration(chain, { capacityW: 0 }), "InvalidCapacity");
      expectRejected(chain, registration(chain, { capacityW: MAX_CAPACITY_W + 1 }), "InvalidCapacity");
      for (const location of ["", "u4pruydqqvjuu", "u4pa", "U4PR", "u4 p", "u4pi", "u4pl", "u4po"]) {
        expectRejected(chain, registration(chain, { location }), "InvalidLocation");
      }
      expectRejected(chain, { ...registration(chain), blsKey: new Uint8Array(48) }, "InvalidKey");
      expectRejected(chain, { ...registration(chain), blsKey: deviceKey(1).publicKey.subarray(0, 47) }, "InvalidKey");
      // The bounds themselves are accepted.
      assert.equal(submit(chain, bob, call.register(registration(chain, { device: deviceKey(3), capacityW: MAX_CAPACITY_W, location: "0" }))).success, true);
      assert.equal(submit(chain, bob, call.register(registration(chain, { device: deviceKey(4), kind: DeviceKind.RemoteShare, capacityW: 1, location: "zzzzzzzzzzzz" }))).success, true);
    });

    it("needs a signed origin: root cannot register", () => {
      const chain = new TestChain();
      const r = asRoot(chain, call.register(registration(chain)));
      assert.equal(r.success, false);
      assert.equal(r.error, "BadOrigin");
      assert.equal(NextDeviceId.get(chain.state()), 0);
    });

    it("registrarSignature is ed25519 over registrationSigningPayload, as a registrar tool would compute it", () => {
      const chain = new TestChain();
      const key = deviceKey(5);
      const payload = registrationSigningPayload(chain.genesis.hash, { owner: bob.publicKey, blsKey: key.publicKey, kind: DeviceKind.Battery, capacityW: 10_000, location: "u4pr" });
      const args: DevicesRegisterArgs = {
        blsKey: key.publicKey,
        kind: DeviceKind.Battery,
        capacityW: 10_000,
        location: "u4pr",
        registrar: alice.publicKey,
        registrarSignature: sign(alice.secretSeed, payload),
        proofOfPossession: blsSign(key.secretKey, popMessage(chain.genesis.hash, bob.publicKey, key.publicKey)),
      };
      assert.equal(submit(chain, bob, call.register(args)).success, true);
    });
  });

  describe("status changes", () => {
    it("the device's registrar suspends (Active → Suspended) and resumes (Suspended → Active); each emits StatusChanged", () => {
      const chain = new TestChain();
      const id = registerDevice(chain, deviceKey(1));
      const s = submit(chain, alice, call.suspend(id));
      assert.equal(s.success, true, s.error);
      assert.equal(status(chain, id), DeviceStatus.Suspended);
      assert.equal(activeDevice(chain.state(), id), null);
      assert.deepEqual(s.events.map((e) => [e.name, e.data]), [["StatusChanged", { deviceId: id, from: "Active", to: "Suspended", by: toHex(alice.publicKey) }]]);
      const r = submit(chain, alice, call.resume(id));
      assert.equal(r.success, true, r.error);
      assert.equal(status(chain, id), DeviceStatus.Active);
      assert.deepEqual(r.events[0].data, { deviceId: id, from: "Suspended", to: "Active", by: toHex(alice.publicKey) });
    });

    it("root suspends and resumes any device (by: null)", () => {
      const chain = new TestChain();
      const id = registerDevice(chain, deviceKey(1));
      const s = asRoot(chain, call.suspend(id));
      assert.equal(s.success, true, s.error);
      assert.equal(s.events[0].data.by, null);
      assert.equal(asRoot(chain, call.resume(id)).success, true);
      assert.equal(status(chain, id), DeviceStatus.Active);
    });

    it("the owner, another registrar or a removed registrar cannot suspend or resume: NotDeviceRegistrar", () => {
      const chain = new TestChain();
      const id = registerDevice(chain, deviceKey(1));
      for (const who of [bob, charlie]) {
        const r = submit(chain, who, call.suspend(id));
        assert.deepEqual([r.success, r.error], [false, "NotDeviceRegistrar"]);
      }
      assert.equal(asRoot(chain, call.addRegistrar(charlie.publicKey, "Other registrar")).success, true);
      assert.equal(submit(chain, charlie, call.suspend(id)).error, "NotDeviceRegistrar");
      assert.equal(submit(chain, alice, call.suspend(id)).success, true);
      assert.equal(submit(chain, bob, call.resume(id)).error, "NotDeviceRegistrar");
      assert.equal(asRoot(chain, call.removeRegistrar(alice.publicKey)).success, true);
      assert.equal(submit(chain, alice, call.resume(id)).error, "NotDeviceRegistrar");
      assert.equal(status(chain, id), DeviceStatus.Suspended);
    });

    it("suspending a suspended device or resuming an active one is InvalidTransition", () => {
      const chain = new TestChain();
      const id = registerDevice(chain, deviceKey(1));
      assert.equal(submit(chain, alice, call.resume(id)).error, "InvalidTransition");
      submit(chain, alice, call.suspend(id));
      assert.equal(submit(chain, alice, call.suspend(id)).error, "InvalidTransition");
      assert.equal(status(chain, id), DeviceStatus.Suspended);
    });

    it("the owner or root terminates from any status; the registrar cannot; terminated is final", () => {
      const chain = new TestChain();
      const a = registerDevice(chain, deviceKey(1));
      const b = registerDevice(chain, deviceKey(2));
      assert.equal(submit(chain, alice, call.terminate(a)).error, "NotOwner");
      assert.equal(submit(chain, charlie, call.terminate(a)).error, "NotOwner");
      submit(chain, alice, call.suspend(a));
      const t = submit(chain, bob, call.terminate(a));
      assert.equal(t.success, true, t.error);
      assert.deepEqual(t.events[0].data, { deviceId: a, from: "Suspended", to: "Terminated", by: toHex(bob.publicKey) });
      assert.equal(asRoot(chain, call.terminate(b)).success, true);
      assert.equal(status(chain, b), DeviceStatus.Terminated);
      // Terminated cannot resume, be terminated again, change hands or keys.
      assert.equal(asRoot(chain, call.resume(a)).error, "InvalidTransition");
      assert.equal(submit(chain, alice, call.resume(a)).error, "InvalidTransition");
      assert.equal(submit(chain, bob, call.terminate(a)).error, "InvalidTransition");
      assert.equal(submit(chain, bob, call.transferOwnership(a, charlie.publicKey)).error, "DeviceTerminated");
      assert.equal(submit(chain, bob, call.rotateKey(signRotation(chain.genesis.hash, a, deviceKey(1), deviceKey(9)))).error, "DeviceTerminated");
      assert.equal(status(chain, a), DeviceStatus.Terminated);
      assert.equal(activeDevice(chain.state(), a), null);
    });

    it("an unknown device id is DeviceNotFound", () => {
      const chain = new TestChain();
      assert.equal(submit(chain, alice, call.suspend(42)).error, "DeviceNotFound");
      assert.equal(submit(chain, bob, call.terminate(42)).error, "DeviceNotFound");
      assert.equal(submit(chain, bob, call.transferOwnership(42, charlie.publicKey)).error, "DeviceNotFound");
    });
  });

  describe("transferOwnership", () => {
    it("moves the device and its owner index to the new owner, who alone may then act as owner", () => {
      const chain = new TestChain();
      const id = registerDevice(chain, deviceKey(1));
      const r = submit(chain, bob, call.transferOwnership(id, charlie.publicKey));
      assert.equal(r.success, true, r.error);
      assert.deepEqual(r.events.map((e) => [e.name, e.data]), [["OwnershipTransferred", { deviceId: id, from: toHex(bob.publicKey), to: toHex(charlie.publicKey) }]]);
      const state = chain.state();
      assert.ok(bytesEqual(Devices.get(state, id)!.owner, charlie.publicKey));
      assert.deepEqual(deviceIdsOfOwner(state, bob.publicKey), []);
      assert.deepEqual(deviceIdsOfOwner(state, charlie.publicKey), [id]);
      assert.equal(submit(chain, bob, call.terminate(id)).error, "NotOwner");
      assert.equal(submit(chain, charlie, call.terminate(id)).success, true);
    });

    it("a non-owner cannot transfer; transferring to oneself or to a malformed account fails", () => {
      const chain = new TestChain();
      const id = registerDevice(chain, deviceKey(1));
      assert.equal(submit(chain, charlie, call.transferOwnership(id, charlie.publicKey)).error, "NotOwner");
      assert.equal(asRoot(chain, call.transferOwnership(id, charlie.publicKey)).error, "BadOrigin");
      assert.equal(submit(chain, bob, call.transferOwnership(id, bob.publicKey)).error, "SameOwner");
      assert.equal(submit(chain, bob, call.transferOwnership(id, new Uint8Array(31))).error, "InvalidAccount");
      assert.ok(bytesEqual(Devices.get(chain.state(), id)!.owner, bob.publicKey));
    });
  });

  describe("rotateKey", () => {
    it("moves the device to the new key; both keys stay taken forever", () => {
      const chain = new TestChain();
      const id = registerDevice(chain, deviceKey(1));
      const r = submit(chain, bob, call.rotateKey(signRotation(chain.genesis.hash, id, deviceKey(1), deviceKey(2))));
      assert.equal(r.success, true, r.error);
      assert.deepEqual(r.events.map((e) => [e.name, e.data]), [["KeyRotated", { deviceId: id, oldKey: toHex(deviceKey(1).publicKey), newKey: toHex(deviceKey(2).publicKey) }]]);
      const state = chain.state();
      assert.ok(bytesEqual(Devices.get(state, id)!.blsKey, deviceKey(2).publicKey));
      assert.equal(DeviceIdByKey.get(state, deviceKey(1).publicKey), id);
      assert.equal(DeviceIdByKey.get(state, deviceKey(2).publicKey), id);
      // The retired key can neither register again nor be rotated back in.
      assert.equal(submit(chain, bob, call.register(registration(chain, { device: deviceKey(1) }))).error, "KeyAlreadyRegistered");
      assert.equal(submit(chain, bob, call.rotateKey(signRotation(chain.genesis.hash, id, deviceKey(2), deviceKey(1)))).error, "KeyAlreadyRegistered");
    });

    it("records each key with the block that set it; the key for block B's readings is the last one set before B", () => {
      const chain = new TestChain();
      const id = registerDevice(chain, deviceKey(1)); // block 1
      const state0 = chain.state();
      assert.equal(KeyHistory.get(state0, id), undefined, "no entry until the first rotation");
      assert.deepEqual(keyHistory(state0, id, Devices.get(state0, id)!).map((e) => [toHex(e.key), e.setAt]), [[toHex(deviceKey(1).publicKey), 1]]);
      assert.equal(keyForBlock(state0, id, 1), undefined, "registered in block 1: no reading of block 1 can be its");
      chain.produceBlock([]); // block 2
      assert.equal(submit(chain, bob, call.rotateKey(signRotation(chain.genesis.hash, id, deviceKey(1), deviceKey(2)))).success, true); // block 3
      assert.equal(submit(chain, bob, call.rotateKey(signRotation(chain.genesis.hash, id, deviceKey(2), deviceKey(3)))).success, true); // block 4
      const state = chain.state();
      assert.deepEqual(
        KeyHistory.get(state, id)!.keys.map((e) => [toHex(e.key), e.setAt]),
        [
          [toHex(deviceKey(1).publicKey), 1],
          [toHex(deviceKey(2).publicKey), 3],
          [toHex(deviceKey(3).publicKey), 4],
        ],
      );
      const keyAt = (block: number) => toHex(keyForBlock(state, id, block)!);
      assert.equal(keyAt(2), toHex(deviceKey(1).publicKey));
      assert.equal(keyAt(3), toHex(deviceKey(1).publicKey), "block 3 is checked against its parent's key: the rotation in block 3 applies from block 4");
      assert.equal(keyAt(4), toHex(deviceKey(2).publicKey));
      assert.equal(keyAt(5), toHex(deviceKey(3).publicKey));
      assert.equal(keyAt(1_000_000), toHex(Devices.get(state, id)!.blsKey), "the last entry is the record's key");
      assert.equal(keyForBlock(state, id + 1, 5), undefined, "no such device");
    });

    it("a refused rotation writes no history", () => {
      const chain = new TestChain();
      const id = registerDevice(chain, deviceKey(1));
      const good = signRotation(chain.genesis.hash, id, deviceKey(1), deviceKey(2));
      assert.equal(submit(chain, bob, call.rotateKey({ ...good, newKeySignature: good.oldKeySignature })).error, "BadNewKeySignature");
      assert.equal(KeyHistory.get(chain.state(), id), undefined);
    });

    it("works while suspended, so a leaked key can be replaced before the registrar resumes", () => {
      const chain = new TestChain();
      const id = registerDevice(chain, deviceKey(1));
      submit(chain, alice, call.suspend(id));
      assert.equal(submit(chain, bob, call.rotateKey(signRotation(chain.genesis.hash, id, deviceKey(1), deviceKey(2)))).success, true);
    });

    it("rejects a bad old-key or new-key signature, a signature for another device, a non-owner, a key already registered", () => {
      const chain = new TestChain();
      const id = registerDevice(chain, deviceKey(1));
      const other = registerDevice(chain, deviceKey(3));
      const good = signRotation(chain.genesis.hash, id, deviceKey(1), deviceKey(2));
      const byWrongOldKey = signRotation(chain.genesis.hash, id, deviceKey(4), deviceKey(2));
      assert.equal(submit(chain, bob, call.rotateKey({ ...good, oldKeySignature: byWrongOldKey.oldKeySignature })).error, "BadOldKeySignature");
      assert.equal(submit(chain, bob, call.rotateKey({ ...good, newKeySignature: good.oldKeySignature })).error, "BadNewKeySignature");
      // Signatures bind the device id: a rotation signed for `id` does not apply to `other`.
      assert.equal(submit(chain, bob, call.rotateKey({ ...good, deviceId: other })).error, "BadOldKeySignature");
      assert.equal(submit(chain, charlie, call.rotateKey(good)).error, "NotOwner");
      assert.equal(submit(chain, bob, call.rotateKey(signRotation(chain.genesis.hash, id, deviceKey(1), deviceKey(3)))).error, "KeyAlreadyRegistered");
      assert.equal(submit(chain, bob, call.rotateKey({ ...good, newKey: new Uint8Array(48) })).error, "InvalidKey");
      assert.ok(bytesEqual(Devices.get(chain.state(), id)!.blsKey, deviceKey(1).publicKey));
      assert.equal(DeviceIdByKey.get(chain.state(), deviceKey(2).publicKey), undefined);
    });
  });

  describe("registrars", () => {
    it("root adds a registrar, who can then countersign registrations; root removes it again", () => {
      const chain = new TestChain();
      const added = asRoot(chain, call.addRegistrar(charlie.publicKey, "Charlie Energy"));
      assert.equal(added.success, true, added.error);
      assert.deepEqual(added.events.map((e) => [e.name, e.data]), [["RegistrarAdded", { account: toHex(charlie.publicKey), name: "Charlie Energy" }]]);
      assert.deepEqual(Registrars.get(chain.state(), charlie.publicKey), { name: "Charlie Energy" });
      assert.equal(submit(chain, bob, call.register(registration(chain, { registrarSeed: charlie.secretSeed }))).success, true);
      const removed = asRoot(chain, call.removeRegistrar(charlie.publicKey));
      assert.deepEqual(removed.events.map((e) => [e.name, e.data]), [["RegistrarRemoved", { account: toHex(charlie.publicKey) }]]);
      assert.equal(Registrars.contains(chain.state(), charlie.publicKey), false);
      assert.equal(submit(chain, bob, call.register(registration(chain, { device: deviceKey(2), registrarSeed: charlie.secretSeed }))).error, "UnknownRegistrar");
      // Devices it onboarded keep their status.
      assert.equal(status(chain, 0), DeviceStatus.Active);
    });

    it("a signed origin, even a registrar's, cannot add or remove registrars: BadOrigin", () => {
      const chain = new TestChain();
      assert.equal(submit(chain, alice, call.addRegistrar(charlie.publicKey, "x")).error, "BadOrigin");
      assert.equal(submit(chain, alice, call.removeRegistrar(alice.publicKey)).error, "BadOrigin");
      assert.equal(Registrars.contains(chain.state(), charlie.publicKey), false);
      assert.equal(Registrars.contains(chain.state(), alice.publicKey), true);
    });

    it("rejects a duplicate, an empty or too long name, a malformed account, removing an unknown registrar", () => {
      const chain = new TestChain();
      assert.equal(asRoot(chain, call.addRegistrar(alice.publicKey, "again")).error, "RegistrarExists");
      assert.equal(asRoot(chain, call.addRegistrar(charlie.publicKey, "")).error, "InvalidRegistrarName");
      assert.equal(asRoot(chain, call.addRegistrar(charlie.publicKey, "x".repeat(65))).error, "InvalidRegistrarName");
      assert.equal(asRoot(chain, call.addRegistrar(new Uint8Array(20), "short")).error, "InvalidAccount");
      assert.equal(asRoot(chain, call.removeRegistrar(charlie.publicKey)).error, "RegistrarNotFound");
      assert.deepEqual(Registrars.get(chain.state(), alice.publicKey), { name: "Dev registrar" });
    });
  });
});
