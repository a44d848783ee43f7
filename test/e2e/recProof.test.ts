import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fromHex, toHex } from "../../primitives/bytes.ts";
import type { Call } from "../../primitives/codec/index.ts";
import { devKeypair } from "../../primitives/keys/devAccounts.ts";
import type { Ed25519Keypair } from "../../primitives/keys/ed25519.ts";
import { encodeAddress } from "../../primitives/keys/ss58.ts";
import { signExtrinsic } from "../../runtime/extrinsic.ts";
import { certifyArgs, requestArgs, retireArgs, transferArgs } from "../../runtime/modules/recs/types.ts";
import { recBundleCodec } from "../../light/index.ts";
import { lightReadingCodec } from "../../light/recBundle.ts";
import { writeFastDevSpec } from "../../harness/devChain.ts";
import { registerCall, TestDevice } from "../../harness/energy.ts";
import { ProcessScope, waitUntil, type NodeProcess } from "../../harness/process.ts";

const alice = devKeypair("Alice");
const bob = devKeypair("Bob");
const charlie = devKeypair("Charlie");
/** The dev chain's reading interval. */
const INTERVAL_MS = 60_000;

/**
 * A REC proven by one process and verified by another with no node running: a dev node process,
 * a device registered with signed readings streamed, a REC requested, certified, split and
 * retired; `rec prove` over RPC, then the node stopped and `rec verify --chain <spec>` reading
 * only the files.
 */
describe("e2e: REC proof bundle — rec prove, then rec verify offline (node and CLI processes)", function () {
  this.timeout(90_000);
  const scope = new ProcessScope();
  let node: NodeProcess;
  let dir: string;
  let spec: string;
  const nonces = new Map<Ed25519Keypair, number>();

  async function submit(signer: Ed25519Keypair, c: Call): Promise<void> {
    const genesisHash = fromHex(await node.rpc<string>("chain_getBlockHash", [0]));
    const nonce = nonces.get(signer) ?? 0;
    nonces.set(signer, nonce + 1);
    await node.rpc("author_submitExtrinsic", [toHex(signExtrinsic(genesisHash, signer.secretSeed, c, { nonce }))]);
    const address = encodeAddress(signer.publicKey);
    await waitUntil(async () => Number((await node.rpc<{ nonce: string }>("system_account", [address])).nonce) === nonce + 1, 15_000, "extrinsic included");
  }

  after(() => scope.dispose());

  it("proves a split, retired REC; verifies it from the chain spec and from a checkpoint file with the node stopped; refuses a tampered bundle and another chain", async () => {
    dir = scope.tempDir("rec-proof");
    spec = writeFastDevSpec(dir, 300);
    node = await scope.startNode({ chain: spec, basePath: join(dir, "base"), args: ["--alice"] });
    const genesisHash = fromHex(await node.rpc<string>("chain_getBlockHash", [0]));
    const device = new TestDevice(7, 0);
    await submit(bob, registerCall(genesisHash, bob, device.key, alice));
    const first = Math.floor(Date.now() / INTERVAL_MS) - 3;
    const readings = [30, 45, 60].map((wh, i) => device.json(genesisHash, device.next(first + i, wh)));
    const accepted = await node.rpc<Array<{ accepted: boolean }>>("pog_submitReadings", [readings]);
    assert.ok(accepted.every((r) => r.accepted), JSON.stringify(accepted));
    await waitUntil(async () => (await node.rpc<{ totalWh: number }>("pog_generation", [0, first, first + 2])).totalWh === 135, 15_000, "readings credited");
    await submit(bob, { module: "recs", method: "request", args: requestArgs.encode({ deviceIds: [0], fromInterval: first, toInterval: first + 2 }) });
    await submit(alice, { module: "recs", method: "certify", args: certifyArgs.encode({ recId: 1, serial: "AKRE-E2E-1" }) });
    await submit(bob, { module: "recs", method: "transfer", args: transferArgs.encode({ recId: 1, to: charlie.publicKey, amountWh: 100 }) });
    await submit(charlie, { module: "recs", method: "retire", args: retireArgs.encode({ recId: 2, amountWh: 100, beneficiary: "Charlie GmbH", message: "Q1" }) });

    const proved = await scope.run(["rec", "prove", "2", "--rpc", node.wsUrl], 30_000);
    assert.equal(proved.code, 0, proved.stderr);
    const bundlePath = join(dir, "bundle.json");
    writeFileSync(bundlePath, proved.stdout);
    const checkpoint = await scope.run(["rec", "checkpoint", "--chain", spec, "--rpc", node.wsUrl], 30_000);
    assert.equal(checkpoint.code, 0, checkpoint.stderr);
    const checkpointPath = join(dir, "checkpoint.json");
    writeFileSync(checkpointPath, checkpoint.stdout);
    await node.stop(10_000);

    // The network unplugged: no node runs; the verifier reads the two files.
    const verified = await scope.run(["rec", "verify", bundlePath, "--chain", spec], 60_000);
    assert.equal(verified.code, 0, verified.stdout + verified.stderr);
    for (const level of ["[1/4] finality", "[2/4] REC 2", "Retired, serial AKRE-E2E-1", "retirement 1: 100 Wh for \"Charlie GmbH\"", "[3/4] readings: 3 credited", "[4/4] device signatures: 3 verified", "OK: every check passed"]) {
      assert.ok(verified.stdout.includes(level), `missing "${level}" in:\n${verified.stdout}`);
    }
    const fromCheckpoint = await scope.run(["rec", "verify", bundlePath, "--checkpoint", checkpointPath], 60_000);
    assert.equal(fromCheckpoint.code, 0, fromCheckpoint.stdout + fromCheckpoint.stderr);

    // One reading's energy changed in the bundle: refused, naming the check and the reading.
    const file = JSON.parse(readFileSync(bundlePath, "utf8")) as { bundle: string };
    const bundle = recBundleCodec.decode(fromHex(file.bundle));
    const shown = lightReadingCodec.decode(bundle.readings[0].reading);
    const reading = lightReadingCodec.encode({ ...shown, energyWh: shown.energyWh + 5 });
    const tampered = recBundleCodec.encode({ ...bundle, readings: bundle.readings.map((r, i) => (i === 0 ? { ...r, reading } : r)) });
    const tamperedPath = join(dir, "tampered.json");
    writeFileSync(tamperedPath, JSON.stringify({ ...file, bundle: toHex(tampered) }));
    const refused = await scope.run(["rec", "verify", tamperedPath, "--chain", spec], 60_000);
    assert.equal(refused.code, 1, refused.stdout + refused.stderr);
    assert.match(refused.stdout, /FAILED check READING_ENERGY_MISMATCH: \{"index":0,"deviceId":0,"interval":\d+,"energyWh":35,"slotWh":30\}/);

    // The dev preset's genesis is another chain (its slot differs from this spec's).
    const otherChain = await scope.run(["rec", "verify", bundlePath, "--chain", "dev"], 60_000);
    assert.equal(otherChain.code, 1, otherChain.stdout + otherChain.stderr);
    assert.match(otherChain.stdout, /FAILED check INSTANT_BAD_SIGNATURE/);
  });
});
