import { strict as assert } from "node:assert";
import { fromHex, toHex } from "../../../primitives/bytes.ts";
import type { Call } from "../../../primitives/codec/index.ts";
import { devKeypair } from "../../../primitives/keys/devAccounts.ts";
import type { Ed25519Keypair } from "../../../primitives/keys/ed25519.ts";
import { encodeAddress } from "../../../primitives/keys/ss58.ts";
import { signExtrinsic } from "../../../runtime/extrinsic.ts";
import { certifyArgs, requestArgs, retireArgs, transferArgs } from "../../../runtime/modules/recs/types.ts";
import { signRotation } from "../../../runtime/modules/devices/signing.ts";
import { rotateKeyArgsCodec } from "../../../runtime/modules/devices/types.ts";
import { buildGenesisBlock } from "../../../genesis/build.ts";
import { genesisCheckpoint } from "../../../node/finality/checkpoint.ts";
import { LightVerifyError, recBundleCodec, verifyRecBundle, type Checkpoint, type RecBundle } from "../../../light/index.ts";
import { lightReadingCodec } from "../../../light/recBundle.ts";
import { registerCall, TestDevice } from "../../../harness/energy.ts";
import { httpRpc, startDevNode, waitFor, type TestNode } from "../../../harness/devNode.ts";

const alice = devKeypair("Alice"); // the dev registrar, issuer and block author
const bob = devKeypair("Bob");
const charlie = devKeypair("Charlie");
const INTERVAL_MS = 60_000;
const ENERGY_WH = [40, 50, 60, 70];

/** The check a bundle fails, or "OK". */
function verdict(checkpoint: Checkpoint, bytes: Uint8Array): string {
  try {
    verifyRecBundle(checkpoint, bytes);
    return "OK";
  } catch (e) {
    if (e instanceof LightVerifyError) return e.code;
    throw e;
  }
}

describe("rec_prove and the light REC bundle verifier (in-process dev node)", function () {
  this.timeout(60_000);
  let t: TestNode;
  let genesisHash: Uint8Array;
  let checkpoint: Checkpoint;
  /** A finalized block after the certification, before the split. */
  let certifiedAt: string;
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
    const address = encodeAddress(signer.publicKey);
    await waitFor(async () => Number((await call<{ nonce: string }>("system_account", [address])).nonce) === nonce + 1, 10_000, "extrinsic included");
  }

  /** Bob registers a device and streams four signed readings; REC 1 is requested, certified, split to Charlie (REC 2) who retires part. */
  before(async () => {
    t = await startDevNode({ slotDurationMs: 200 });
    genesisHash = fromHex(await call<string>("chain_getBlockHash", [0]));
    checkpoint = genesisCheckpoint(buildGenesisBlock(t.node.spec));
    const device = new TestDevice(9, 0);
    await submit(bob, registerCall(genesisHash, bob, device.key, alice));
    const first = Math.floor(Date.now() / INTERVAL_MS) - ENERGY_WH.length;
    const readings = ENERGY_WH.map((wh, i) => device.json(genesisHash, device.next(first + i, wh)));
    const results = await call<Array<{ accepted: boolean }>>("pog_submitReadings", [readings]);
    assert.ok(results.every((r) => r.accepted), JSON.stringify(results));
    await waitFor(async () => (await call<{ totalWh: number }>("pog_generation", [0, first, first + 3])).totalWh === 220, 10_000, "readings credited");
    await submit(bob, { module: "recs", method: "request", args: requestArgs.encode({ deviceIds: [0], fromInterval: first, toInterval: first + 3 }) });
    await submit(alice, { module: "recs", method: "certify", args: certifyArgs.encode({ recId: 1, serial: "AKRE-DEV-0001" }) });
    await waitFor(async () => (await call<{ status: string }>("rec_get", [1, await call<string>("chain_getFinalizedHead")])).status === "Certified", 10_000, "certification finalized");
    certifiedAt = await call<string>("chain_getFinalizedHead");
    await submit(bob, { module: "recs", method: "transfer", args: transferArgs.encode({ recId: 1, to: charlie.publicKey, amountWh: 80 }) });
    await submit(charlie, { module: "recs", method: "retire", args: retireArgs.encode({ recId: 2, amountWh: 30, beneficiary: "Charlie GmbH", message: "March" }) });
    await submit(charlie, { module: "recs", method: "retire", args: retireArgs.encode({ recId: 2, amountWh: 50, beneficiary: "Charlie AG", message: "" }) });
  });
  after(async () => {
    await t.stop();
  });

  it("a certified REC and a retired split verify from the genesis checkpoint, level by level, with every device signature", async () => {
    const one = verifyRecBundle(checkpoint, fromHex(await call<string>("rec_prove", [1])));
    assert.equal(one.rec.status, "Certified");
    assert.equal(one.rec.serial, "AKRE-DEV-0001");
    assert.equal(one.rec.energyWh, 140);
    assert.deepEqual(one.slots.map((s) => s.energyWh), ENERGY_WH);
    assert.equal(one.slotsWh, 220);
    assert.equal(one.signedReadings, 4, "the authoring node kept every signature it pooled");
    assert.equal(one.devices[0].kind, "SolarPv");
    const two = verifyRecBundle(checkpoint, fromHex(await call<string>("rec_prove", [2, 0])));
    assert.equal(two.rec.status, "Retired");
    assert.equal(two.rec.serial, "AKRE-DEV-0001", "a split's serial is its origin's");
    assert.deepEqual(two.retirements.map((r) => [r.amountWh, r.beneficiary]), [[30, "Charlie GmbH"], [50, "Charlie AG"]]);
  });

  it("at an earlier finalized block: the finality proof ends there and the REC is as it was", async () => {
    const report = verifyRecBundle(checkpoint, fromHex(await call<string>("rec_prove", [1, 0, certifiedAt])));
    assert.equal(report.finality.hash, certifiedAt);
    assert.equal(report.rec.energyWh, 220, "before the split");
    const notFinal = await httpRpc(t.httpUrl, "rec_prove", [1, 0, toHex(new Uint8Array(32).fill(3))]);
    assert.equal((notFinal.error?.data as { code: string }).code, "AT_NOT_FINALIZED");
  });

  it("a device that rotated its key between readings: each signature verified against the key in force at its crediting block", async () => {
    const before = new TestDevice(11, 1);
    await submit(charlie, registerCall(genesisHash, charlie, before.key, alice));
    const first = Math.floor(Date.now() / INTERVAL_MS) - 4;
    const early = [0, 1].map((k) => before.json(genesisHash, before.next(first + k, 20 + k)));
    assert.ok((await call<Array<{ accepted: boolean }>>("pog_submitReadings", [early])).every((r) => r.accepted));
    await waitFor(async () => (await call<{ totalWh: number }>("pog_generation", [1, first, first + 1])).totalWh === 41, 10_000, "early readings credited");
    // The same meter (its count goes on) with a new key.
    const after = new TestDevice(12, 1);
    for (const k of [0, 1]) after.next(first + k, 20 + k);
    await submit(charlie, { module: "devices", method: "rotateKey", args: rotateKeyArgsCodec.encode(signRotation(genesisHash, 1, before.key, after.key)) });
    const late = [2, 3].map((k) => after.json(genesisHash, after.next(first + k, 20 + k)));
    assert.ok((await call<Array<{ accepted: boolean }>>("pog_submitReadings", [late])).every((r) => r.accepted));
    await waitFor(async () => (await call<{ totalWh: number }>("pog_generation", [1, first, first + 3])).totalWh === 86, 10_000, "late readings credited");
    await submit(charlie, { module: "recs", method: "request", args: requestArgs.encode({ deviceIds: [1], fromInterval: first, toInterval: first + 3 }) });
    const recId = (await call<Array<{ id: number }>>("rec_listByOwner", [encodeAddress(charlie.publicKey)])).map((r) => r.id).find((id) => id > 2)!;
    await submit(alice, { module: "recs", method: "certify", args: certifyArgs.encode({ recId, serial: "AKRE-DEV-ROT" }) });
    await waitFor(async () => (await call<{ status: string }>("rec_get", [recId, await call<string>("chain_getFinalizedHead")])).status === "Certified", 10_000, "finalized");
    const bytes = fromHex(await call<string>("rec_prove", [recId]));
    const report = verifyRecBundle(checkpoint, bytes);
    assert.deepEqual(report.devices[0].keys.map((k) => k.key), [toHex(before.key.publicKey), toHex(after.key.publicKey)]);
    assert.equal(report.signedReadings, 4);
    // A signature by the new key shown for a reading credited before the rotation is refused.
    const bundle = recBundleCodec.decode(bytes);
    const reading0 = lightReadingCodec.decode(bundle.readings[0].reading);
    const wrongKey = after.sign(genesisHash, { ...reading0 });
    const forged = recBundleCodec.encode({ ...bundle, readings: bundle.readings.map((r, i) => (i === 0 ? { ...r, signature: wrongKey } : r)) });
    assert.equal(verdict(checkpoint, forged), "READING_BAD_SIGNATURE");
  });

  it("rec_prove answers typed errors: an unknown REC, bad params", async () => {
    const unknown = await httpRpc(t.httpUrl, "rec_prove", [99]);
    assert.equal(unknown.error?.code, 4021);
    assert.equal((unknown.error?.data as { code: string }).code, "UNKNOWN_REC");
    assert.equal((await httpRpc(t.httpUrl, "rec_prove", ["1"])).error?.code, -32602);
  });

  it("refuses a bundle for another chain, a reading whose energy differs, a REC shown as certified when it was retired, a dropped retirement", async () => {
    const bytes = fromHex(await call<string>("rec_prove", [2]));
    const bundle = recBundleCodec.decode(bytes);
    const encode = (b: RecBundle) => recBundleCodec.encode(b);
    assert.equal(verdict({ ...checkpoint, genesisHash: new Uint8Array(32).fill(1) }, bytes), "INSTANT_BAD_SIGNATURE", "another chain's genesis");
    const reading = lightReadingCodec.decode(bundle.readings[1].reading);
    const more = { ...bundle, readings: bundle.readings.map((r, i) => (i === 1 ? { ...r, reading: lightReadingCodec.encode({ ...reading, energyWh: reading.energyWh + 1 }) } : r)) };
    assert.equal(verdict(checkpoint, encode(more)), "READING_ENERGY_MISMATCH");
    // The REC record's status byte inside its trie leaf, Retired (5) → Certified (2): the leaf no longer has the hash its parent names.
    const recordNodes = bundle.stateProof.map((n, i) => [n, i] as const).filter(([n]) => toHex(n).includes("1005"));
    let refused = 0;
    for (const [node, i] of recordNodes) {
      const hex = toHex(node);
      const forged = fromHex(hex.replace("1005", "1002"));
      const proof = bundle.stateProof.map((n, j) => (j === i ? forged : n));
      const code = verdict(checkpoint, encode({ ...bundle, stateProof: proof }));
      assert.notEqual(code, "OK");
      refused++;
    }
    assert.ok(refused > 0, "the retired REC's status is in the proof");
    assert.equal(verdict(checkpoint, encode({ ...bundle, retirementIds: bundle.retirementIds.slice(1) })), "RETIREMENTS_INCOMPLETE");
    assert.equal(verdict(checkpoint, encode({ ...bundle, readings: bundle.readings.slice(1) })), "READINGS_COUNT");
    assert.equal(verdict(checkpoint, encode({ ...bundle, stateProof: [...bundle.stateProof, bundle.stateProof[0]] })), "STATE_PROOF_EXTRA_NODES");
    const swapped = { ...bundle, readings: bundle.readings.map((r, i) => (i === 0 ? { ...r, signature: bundle.readings[1].signature } : r)) };
    assert.equal(verdict(checkpoint, encode(swapped)), "READING_BAD_SIGNATURE");
  });

  it("changing a byte of any field, or a sample of raw byte positions, fails with a named check", async () => {
    const bytes = fromHex(await call<string>("rec_prove", [2]));
    const bundle = recBundleCodec.decode(bytes);
    const flip = (b: Uint8Array, at: number): Uint8Array => {
      const c = Uint8Array.from(b);
      c[at % c.length] ^= 0x01;
      return c;
    };
    const variants: Array<[string, RecBundle]> = [
      ["version", { ...bundle, version: 2 }],
      ["recId", { ...bundle, recId: 1 }],
      ["header", { ...bundle, header: flip(bundle.header, 40) }],
      ["retirementIds", { ...bundle, retirementIds: [bundle.retirementIds[0], bundle.retirementIds[1] + 1] }],
    ];
    for (let at = 0; at < bundle.finalityProof.length; at += Math.max(1, Math.floor(bundle.finalityProof.length / 12))) variants.push([`finalityProof@${at}`, { ...bundle, finalityProof: flip(bundle.finalityProof, at) }]);
    bundle.stateProof.forEach((node, i) => variants.push([`stateProof[${i}]`, { ...bundle, stateProof: bundle.stateProof.map((n, j) => (j === i ? flip(node, 7 * i + 3) : n)) }]));
    bundle.readings.forEach((r, i) => {
      for (let at = 0; at < r.reading.length; at++) variants.push([`readings[${i}].reading@${at}`, { ...bundle, readings: bundle.readings.map((x, j) => (j === i ? { ...x, reading: flip(r.reading, at) } : x)) }]);
      variants.push([`readings[${i}].signature`, { ...bundle, readings: bundle.readings.map((x, j) => (j === i ? { ...x, signature: flip(r.signature, 50) } : x)) }]);
    });
    const failed = new Map<string, number>();
    for (const [field, variant] of variants) {
      const code = verdict(checkpoint, recBundleCodec.encode(variant));
      assert.notEqual(code, "OK", `changing ${field} went unnoticed`);
      failed.set(code, (failed.get(code) ?? 0) + 1);
    }
    // Raw positions: every 97th byte of the encoded bundle.
    let positions = 0;
    for (let at = 0; at < bytes.length; at += 97) {
      assert.notEqual(verdict(checkpoint, flip(bytes, at)), "OK", `byte ${at} of ${bytes.length}`);
      positions++;
    }
    assert.ok(positions >= 10);
    assert.ok(failed.size >= 5, JSON.stringify([...failed]));
  });
});
