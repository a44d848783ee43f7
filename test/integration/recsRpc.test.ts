import { strict as assert } from "node:assert";
import { fromHex, toHex } from "../../primitives/bytes.ts";
import type { Call } from "../../primitives/codec/index.ts";
import { blsKeypairFromSeed, blsSign } from "../../primitives/blsKeys.ts";
import { devKeypair } from "../../primitives/keys/devAccounts.ts";
import type { Ed25519Keypair } from "../../primitives/keys/ed25519.ts";
import { encodeAddress } from "../../primitives/keys/ss58.ts";
import { verifyProofs } from "../../primitives/trie/proof.ts";
import { signExtrinsic } from "../../runtime/extrinsic.ts";
import { signRegistration } from "../../runtime/modules/devices/signing.ts";
import { DeviceKind, registerArgsCodec } from "../../runtime/modules/devices/types.ts";
import { readingHash, readingSigningRoot, type Reading } from "../../runtime/modules/pog/types.ts";
import { RecSlots, Recs } from "../../runtime/modules/recs/storage.ts";
import { certifyArgs, recRecordCodec, recSlotListCodec, requestArgs, retireArgs, transferArgs } from "../../runtime/modules/recs/types.ts";
import type { RecDetailJson, RecJson, RetirementJson } from "../../rpc/namespaces/recs.ts";
import { httpRpc, startDevNode, waitFor, type TestNode } from "../../harness/devNode.ts";

const alice = devKeypair("Alice"); // the dev registrar, issuer and block author
const bob = devKeypair("Bob");
const charlie = devKeypair("Charlie");
const device = blsKeypairFromSeed(new Uint8Array(32).fill(9));
const ENERGY_WH = [40, 50, 60, 70];
const TOTAL_WH = 220;
const REQUEST_FEE = (10n ** 18n).toString();
/** The dev chain's reading interval. */
const INTERVAL_MS = 60_000;

describe("recs JSON-RPC (in-process dev node)", function () {
  this.timeout(30_000);
  let t: TestNode;
  let genesisHash: Uint8Array;
  let firstInterval: number;
  /** The readings credited for device 0, in interval order. */
  const sent: Reading[] = [];
  const nonces = new Map<Ed25519Keypair, number>();

  async function call<T>(method: string, params: unknown[] = []): Promise<T> {
    const res = await httpRpc(t.httpUrl, method, params);
    if (res.error) throw new Error(`${method}: ${res.error.message} ${JSON.stringify(res.error.data)}`);
    return res.result as T;
  }

  async function submit(signer: Ed25519Keypair, c: Call): Promise<void> {
    const nonce = nonces.get(signer) ?? 0;
    nonces.set(signer, nonce + 1);
    await call("author_submitExtrinsic", [toHex(signExtrinsic(genesisHash, signer.secretSeed, c, { nonce }))]);
  }

  async function included(signer: Ed25519Keypair): Promise<void> {
    const address = encodeAddress(signer.publicKey);
    await waitFor(async () => Number((await call<{ nonce: string }>("system_account", [address])).nonce) === nonces.get(signer), 10_000, "extrinsic included");
  }

  /**
   * Bob registers a device (the dev registrar countersigns) and reports four past intervals
   * through pog_submitReadings; the node includes and credits them.
   */
  before(async () => {
    t = await startDevNode({ slotDurationMs: 200 });
    genesisHash = fromHex(await call<string>("chain_getBlockHash", [0]));
    const args = signRegistration({ genesisHash, owner: bob.publicKey, device, kind: DeviceKind.SolarPv, capacityW: 4_000, location: "u4pruyd", registrarSeed: alice.secretSeed });
    await submit(bob, { module: "devices", method: "register", args: registerArgsCodec.encode(args) });
    await waitFor(async () => (await call<unknown[]>("device_listByOwner", [encodeAddress(bob.publicKey)])).length === 1, 10_000, "device registered");

    firstInterval = Math.floor(Date.now() / INTERVAL_MS) - ENERGY_WH.length;
    let cumulativeWh = 10_000;
    const readings = ENERGY_WH.map((energyWh, i) => {
      cumulativeWh += energyWh;
      const reading: Reading = { deviceId: 0, interval: firstInterval + i, cumulativeWh, energyWh, peakW: 3_000 };
      sent.push(reading);
      return { ...reading, signature: toHex(blsSign(device.secretKey, readingSigningRoot(genesisHash, reading))) };
    });
    const results = await call<Array<{ accepted: boolean }>>("pog_submitReadings", [readings]);
    assert.ok(results.every((r) => r.accepted), JSON.stringify(results));
    const credited = async () => (await call<{ totalWh: number }>("pog_generation", [0, firstInterval, firstInterval + 3])).totalWh === TOTAL_WH;
    await waitFor(credited, 10_000, "readings credited");
  });
  after(async () => {
    await t.stop();
  });

  it("answers null or [] where there is nothing, and Invalid params for bad input", async () => {
    assert.equal(await call("rec_get", [1]), null);
    assert.equal(await call("rec_getRetirement", [1]), null);
    assert.deepEqual(await call("rec_listByOwner", [encodeAddress(bob.publicKey)]), []);
    for (const [method, params] of [
      ["rec_get", []],
      ["rec_get", ["1"]],
      ["rec_get", [-1]],
      ["rec_get", [1, "0x1234"]],
      ["rec_getRetirement", [1.5]],
      ["rec_listByOwner", ["not an address"]],
      ["rec_listByOwner", [encodeAddress(bob.publicKey), null, 1.5]],
    ] as const) {
      const res = await httpRpc(t.httpUrl, method, [...params]);
      assert.equal(res.error?.code, -32602, `${method} ${JSON.stringify(params)}`);
    }
  });

  it("request → certify → transfer part → retire, read back with rec_get, rec_listByOwner, rec_getRetirement and proven by state_getReadProof", async () => {
    const range = { deviceIds: [0], fromInterval: firstInterval, toInterval: firstInterval + 3 };
    await submit(bob, { module: "recs", method: "request", args: requestArgs.encode(range) });
    await included(bob);
    const beforeCertify = await call<string>("chain_getBlockHash", []);
    assert.equal((await call<RecJson>("rec_get", [1])).status, "Pending");

    await submit(alice, { module: "recs", method: "certify", args: certifyArgs.encode({ recId: 1, serial: "AKRE-DEV-0001" }) });
    await included(alice);
    await submit(bob, { module: "recs", method: "transfer", args: transferArgs.encode({ recId: 1, to: charlie.publicKey, amountWh: 80 }) });
    await included(bob);
    await submit(charlie, { module: "recs", method: "retire", args: retireArgs.encode({ recId: 2, amountWh: 30, beneficiary: "Charlie GmbH", message: "March" }) });
    await included(charlie);
    // The same energy again: the call fails in the runtime and creates nothing.
    await submit(bob, { module: "recs", method: "request", args: requestArgs.encode(range) });
    await included(bob);
    assert.equal(await call("rec_get", [3]), null);

    // Each slot as its page held it when requested: energy, the hash of the reading, the crediting block.
    const creditedIn = new Map((await call<{ intervals: Array<{ interval: number; block: number }> }>("pog_generation", [0, firstInterval, firstInterval + 3])).intervals.map((g) => [g.interval, g.block]));
    const slots = sent.map((r) => ({ deviceId: 0, interval: r.interval, energyWh: r.energyWh, readingHash: toHex(readingHash(r)), creditedBlock: creditedIn.get(r.interval) }));
    const rec1 = await call<RecDetailJson>("rec_get", [1]);
    assert.deepEqual({ ...rec1, createdAt: 0, decidedAt: 0 }, {
      id: 1,
      status: "Certified",
      owner: encodeAddress(bob.publicKey),
      energyWh: TOTAL_WH - 80,
      retiredWh: 0,
      fee: REQUEST_FEE,
      createdAt: 0,
      decidedAt: 0,
      issuer: encodeAddress(alice.publicKey),
      serial: "AKRE-DEV-0001",
      rejectReason: null,
      parent: null,
      origin: null,
      slots,
    });
    assert.ok(rec1.decidedAt! > rec1.createdAt);
    const rec2 = await call<RecDetailJson>("rec_get", [2]);
    assert.deepEqual(
      { status: rec2.status, owner: rec2.owner, energyWh: rec2.energyWh, retiredWh: rec2.retiredWh, fee: rec2.fee, parent: rec2.parent, origin: rec2.origin, serial: rec2.serial, issuer: rec2.issuer, slots: rec2.slots },
      { status: "Certified", owner: encodeAddress(charlie.publicKey), energyWh: 50, retiredWh: 30, fee: "0", parent: 1, origin: 1, serial: "AKRE-DEV-0001", issuer: encodeAddress(alice.publicKey), slots },
      "a split traces to its origin's slots and serial",
    );
    assert.equal((await call<RecJson>("rec_get", [1, beforeCertify])).status, "Pending", "rec_get at an earlier block");

    assert.deepEqual((await call<RecJson[]>("rec_listByOwner", [encodeAddress(bob.publicKey)])).map((r) => r.id), [1]);
    assert.deepEqual((await call<RecJson[]>("rec_listByOwner", [encodeAddress(bob.publicKey), null, 0])).map((r) => r.id), [1], "the page after id 0");
    assert.deepEqual(await call("rec_listByOwner", [encodeAddress(bob.publicKey), null, 1]), [], "the page after id 1");
    const charlieRecs = await call<RecJson[]>("rec_listByOwner", [toHex(charlie.publicKey)]);
    assert.deepEqual(charlieRecs, [(({ slots: _, ...summary }) => summary)(rec2)]);

    const retirement = await call<RetirementJson>("rec_getRetirement", [1]);
    assert.deepEqual({ ...retirement, block: 0 }, { id: 1, recId: 2, owner: encodeAddress(charlie.publicKey), amountWh: 30, beneficiary: "Charlie GmbH", message: "March", block: 0 });

    const at = await call<string>("chain_getBlockHash", []);
    const header = await call<{ stateRoot: string }>("chain_getHeader", [at]);
    const keys = [Recs.key(2), RecSlots.key(1)];
    const { proof } = await call<{ proof: string[] }>("state_getReadProof", [keys.map(toHex), at]);
    const [recProof, slotsProof] = verifyProofs(fromHex(header.stateRoot), keys, proof.map(fromHex));
    if (!recProof.found || !slotsProof.found) assert.fail("REC 2 and REC 1's slots not proven");
    assert.equal(recRecordCodec.decode(recProof.value).origin, 1);
    assert.deepEqual(recSlotListCodec.decode(slotsProof.value).slots, slots.map((x) => ({ ...x, readingHash: fromHex(x.readingHash) })));
  });
});
