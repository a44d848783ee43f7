/**
 * Figures of REC proof bundles (docs/proofs.md, "REC bundle figures"): an in-process dev node
 * (LevelDB), a REC of 24 slots of one device and one of 720 slots over 12 devices (60 each: the
 * dev chain's acceptance window), every reading signed and its signature kept; the bundle's size
 * and `verifyRecBundle` time (Node, noble; median of 5 after a warm-up), with and without the
 * signatures. Run: `npx node test/integration/recs/measureRecBundle.ts`.
 */
import { fromHex, toHex } from "../../../primitives/bytes.ts";
import type { Call } from "../../../primitives/codec/index.ts";
import { devKeypair } from "../../../primitives/keys/devAccounts.ts";
import type { Ed25519Keypair } from "../../../primitives/keys/ed25519.ts";
import { encodeAddress } from "../../../primitives/keys/ss58.ts";
import { signExtrinsic } from "../../../runtime/extrinsic.ts";
import { certifyArgs, requestArgs } from "../../../runtime/modules/recs/types.ts";
import { buildGenesisBlock } from "../../../genesis/build.ts";
import { genesisCheckpoint } from "../../../node/finality/checkpoint.ts";
import { recBundleCodec, verifyRecBundle, type Checkpoint } from "../../../light/index.ts";
import { registerCall, TestDevice } from "../../../harness/energy.ts";
import { httpRpc, startDevNode, waitFor } from "../../../harness/devNode.ts";

const alice = devKeypair("Alice");
const bob = devKeypair("Bob");
const INTERVAL_MS = 60_000;

const t = await startDevNode({ slotDurationMs: 200 });
const call = async <T>(method: string, params: unknown[] = []): Promise<T> => {
  const res = await httpRpc(t.httpUrl, method, params);
  if (res.error) throw new Error(`${method}: ${res.error.message} ${JSON.stringify(res.error.data)}`);
  return res.result as T;
};
const genesisHash = fromHex(await call<string>("chain_getBlockHash", [0]));
const checkpoint: Checkpoint = genesisCheckpoint(buildGenesisBlock(t.node.spec));
const nonces = new Map<Ed25519Keypair, number>();
async function submitAll(signer: Ed25519Keypair, calls: Call[]): Promise<void> {
  for (const c of calls) {
    const nonce = nonces.get(signer) ?? 0;
    nonces.set(signer, nonce + 1);
    await call("author_submitExtrinsic", [toHex(signExtrinsic(genesisHash, signer.secretSeed, c, { nonce }))]);
  }
  const address = encodeAddress(signer.publicKey);
  await waitFor(async () => Number((await call<{ nonce: string }>("system_account", [address])).nonce) === nonces.get(signer), 30_000, "included");
}

const devices = Array.from({ length: 13 }, (_, i) => new TestDevice(20 + i, i));
await submitAll(bob, devices.map((d) => registerCall(genesisHash, bob, d.key, alice)));
const now = Math.floor(Date.now() / INTERVAL_MS);
// Device 0: 24 intervals; devices 1..12: 60 intervals each (720 slots).
for (const [i, d] of devices.entries()) {
  const count = i === 0 ? 24 : 60;
  const first = now - count;
  const readings = Array.from({ length: count }, (_, k) => d.json(genesisHash, d.next(first + k, 20 + (k % 50))));
  const results = await call<Array<{ accepted: boolean; reason?: string }>>("pog_submitReadings", [readings]);
  if (!results.every((r) => r.accepted)) throw new Error(JSON.stringify(results.find((r) => !r.accepted)));
}
await waitFor(async () => (await call<{ totalWh: number }>("pog_generation", [12, now - 60, now - 1])).totalWh > 0 && (await call<{ totalWh: number }>("pog_generation", [0, now - 24, now - 1])).totalWh > 0, 30_000, "credited");
await new Promise((r) => setTimeout(r, 2000));
await submitAll(bob, [
  { module: "recs", method: "request", args: requestArgs.encode({ deviceIds: [0], fromInterval: now - 24, toInterval: now - 1 }) },
  { module: "recs", method: "request", args: requestArgs.encode({ deviceIds: devices.slice(1).map((d) => d.deviceId), fromInterval: now - 60, toInterval: now - 1 }) },
]);
await submitAll(alice, [
  { module: "recs", method: "certify", args: certifyArgs.encode({ recId: 1, serial: "M-1" }) },
  { module: "recs", method: "certify", args: certifyArgs.encode({ recId: 2, serial: "M-2" }) },
]);
await new Promise((r) => setTimeout(r, 1000));

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
function time(bytes: Uint8Array): { ms: number; slots: number; signed: number } {
  let report = verifyRecBundle(checkpoint, bytes);
  const runs: number[] = [];
  for (let i = 0; i < 5; i++) {
    const start = performance.now();
    report = verifyRecBundle(checkpoint, bytes);
    runs.push(performance.now() - start);
  }
  return { ms: Math.round(median(runs)), slots: report.slots.length, signed: report.signedReadings };
}
for (const recId of [1, 2]) {
  const bytes = fromHex(await call<string>("rec_prove", [recId]));
  const bundle = recBundleCodec.decode(bytes);
  const unsigned = recBundleCodec.encode({ ...bundle, readings: bundle.readings.map((r) => ({ ...r, signature: new Uint8Array(0) })) });
  const signed = time(bytes);
  const plain = time(unsigned);
  console.log(
    `REC ${recId}: ${signed.slots} slots, bundle ${bytes.length} bytes (state proof ${bundle.stateProof.length} nodes, ${bundle.stateProof.reduce((n, x) => n + x.length, 0)} bytes; finality proof ${bundle.finalityProof.length} bytes); verify with ${signed.signed} signatures ${signed.ms} ms, without signatures ${plain.ms} ms (${unsigned.length} bytes)`,
  );
}
await t.stop();
