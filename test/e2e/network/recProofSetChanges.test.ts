import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { RuntimeGenesisConfig } from "../../../genesis/chainSpec.ts";
import { localChainSpec } from "../../../genesis/presets.ts";
import { bigintToBytes, fromHex, toHex } from "../../../primitives/bytes.ts";
import type { Call } from "../../../primitives/codec/index.ts";
import { devKeypair } from "../../../primitives/keys/devAccounts.ts";
import type { Ed25519Keypair } from "../../../primitives/keys/ed25519.ts";
import { encodeAddress } from "../../../primitives/keys/ss58.ts";
import { signExtrinsic } from "../../../runtime/extrinsic.ts";
import { genesisPresets } from "../../../runtime/api.ts";
import { certifyArgs, requestArgs, retireArgs, transferArgs } from "../../../runtime/modules/recs/types.ts";
import { amountArgsCodec } from "../../../runtime/modules/staking/types.ts";
import { FINALITY_AUTHORITIES_KEY, lightFinalitySetCodec } from "../../../light/index.ts";
import { registerCall, TestDevice } from "../../../harness/energy.ts";
import { startLocalNet, waitFinalized, type LocalNet } from "../../../harness/localNet.ts";
import { ProcessScope, waitUntil, type NodeProcess } from "../../../harness/process.ts";

const SLOT_MS = 500;
const SESSION_BLOCKS = 4;
const AKRE = 10n ** 18n;
const INTERVAL_MS = 60_000;
const alice = devKeypair("Alice");
const bob = devKeypair("Bob");
const charlie = devKeypair("Charlie");
const dave = devKeypair("Dave");
const eve = devKeypair("Eve");

/** The local chain (Alice … Dave) with 4-block sessions and the dev chain's one-minute readings. */
function writeSpec(dir: string): string {
  const spec = localChainSpec();
  const config = (spec.genesis as { runtimeGenesis: { config: RuntimeGenesisConfig } }).runtimeGenesis.config;
  (config.staking as Record<string, unknown>).sessionLengthBlocks = SESSION_BLOCKS;
  (config as Record<string, unknown>).pog = genesisPresets.pogDevSection();
  const path = join(dir, "rec-proof-local.json");
  writeFileSync(path, JSON.stringify(spec, null, 2));
  return path;
}

/**
 * Issue 16's end-to-end: four validator processes go through authority set changes (stakes change,
 * a validator leaves); a device streams signed readings; a REC is requested, certified, split and
 * retired; `rec prove` from set 0 and from a later checkpoint, each verified by `rec verify` with
 * every node stopped.
 */
describe("e2e network: REC proof bundles across authority set changes @slow", function () {
  this.timeout(300_000);
  const scope = new ProcessScope();
  let net: LocalNet;
  let node: NodeProcess;
  const nonces = new Map<Ed25519Keypair, number>();
  after(() => scope.dispose());

  async function submit(signer: Ed25519Keypair, c: Call): Promise<void> {
    const genesisHash = fromHex(await node.rpc<string>("chain_getBlockHash", [0]));
    const nonce = nonces.get(signer) ?? 0;
    nonces.set(signer, nonce + 1);
    await node.rpc("author_submitExtrinsic", [toHex(signExtrinsic(genesisHash, signer.secretSeed, c, { nonce }))]);
    const address = encodeAddress(signer.publicKey);
    await waitUntil(async () => Number((await node.rpc<{ nonce: string }>("system_account", [address])).nonce) === nonce + 1, 30_000, `${c.module}.${c.method} included`);
  }

  async function finalizedSetId(): Promise<number> {
    const head = await node.rpc<string>("chain_getFinalizedHead");
    const raw = await node.rpc<string | null>("state_getStorage", [toHex(FINALITY_AUTHORITIES_KEY), head]);
    return raw === null ? 0 : lightFinalitySetCodec.decode(fromHex(raw)).setId;
  }

  async function waitSet(atLeast: number): Promise<void> {
    await waitUntil(async () => (await finalizedSetId()) >= atLeast, 90_000, `finality set ${atLeast}`, 250);
  }

  const bondExtra = (amount: bigint): Call => ({ module: "staking", method: "bondExtra", args: amountArgsCodec.encode({ value: bigintToBytes(amount) }) });

  it("verifies from the genesis checkpoint and from a later checkpoint, with every node stopped", async () => {
    const dir = scope.tempDir("rec-sets");
    net = await startLocalNet(scope, { slotMs: SLOT_MS, chain: writeSpec(dir) });
    // The testnet plan writes the spec the nodes run (with its slot): the chain the user trusts.
    const spec = net.plan.specPath;
    node = net.nodes[0];
    await waitFinalized(net.nodes, 2, 60_000, "finality running");
    const genesisHash = fromHex(await node.rpc<string>("chain_getBlockHash", [0]));

    // Set change 1: Alice's stake grows.
    await submit(alice, bondExtra(50_000n * AKRE));
    await waitSet(1);
    const checkpoint = await scope.run(["rec", "checkpoint", "--chain", spec, "--rpc", node.wsUrl], 60_000);
    assert.equal(checkpoint.code, 0, checkpoint.stderr);
    const checkpointPath = join(dir, "checkpoint.json");
    writeFileSync(checkpointPath, checkpoint.stdout);
    assert.ok((JSON.parse(checkpoint.stdout) as { setId: number }).setId >= 1);

    // Energy: Eve's device, readings, a REC requested, certified, split and retired.
    const device = new TestDevice(31, 0);
    await submit(eve, registerCall(genesisHash, eve, device.key, alice));
    const first = Math.floor(Date.now() / INTERVAL_MS) - 3;
    const readings = [30, 40, 50].map((wh, i) => device.json(genesisHash, device.next(first + i, wh)));
    const accepted = await node.rpc<Array<{ accepted: boolean }>>("pog_submitReadings", [readings]);
    assert.ok(accepted.every((r) => r.accepted), JSON.stringify(accepted));
    await waitUntil(async () => (await node.rpc<{ totalWh: number }>("pog_generation", [0, first, first + 2])).totalWh === 120, 30_000, "readings credited");
    await submit(eve, { module: "recs", method: "request", args: requestArgs.encode({ deviceIds: [0], fromInterval: first, toInterval: first + 2 }) });
    await submit(alice, { module: "recs", method: "certify", args: certifyArgs.encode({ recId: 1, serial: "AKRE-NET-1" }) });
    await submit(eve, { module: "recs", method: "transfer", args: transferArgs.encode({ recId: 1, to: charlie.publicKey, amountWh: 70 }) });
    await submit(charlie, { module: "recs", method: "retire", args: retireArgs.encode({ recId: 2, amountWh: 70, beneficiary: "Charlie Works", message: "" }) });

    // Set change 2: Dave leaves the validators; set change 3: Bob's stake grows.
    await submit(dave, { module: "staking", method: "chill", args: new Uint8Array(0) });
    const afterChill = (await finalizedSetId()) + 1;
    await waitSet(afterChill);
    await submit(bob, bondExtra(70_000n * AKRE));
    await waitSet(afterChill + 1);
    const finalSet = await finalizedSetId();
    assert.ok(finalSet >= 3, `set ${finalSet}`);
    await waitUntil(async () => (await node.rpc<{ status: string }>("rec_get", [2, await node.rpc<string>("chain_getFinalizedHead")]))?.status === "Retired", 30_000, "retirement finalized");

    const fromGenesis = await scope.run(["rec", "prove", "2", "--rpc", node.wsUrl], 60_000);
    assert.equal(fromGenesis.code, 0, fromGenesis.stderr);
    const fromCheckpoint = await scope.run(["rec", "prove", "2", "--rpc", node.wsUrl, "--checkpoint", checkpointPath], 60_000);
    assert.equal(fromCheckpoint.code, 0, fromCheckpoint.stderr);
    writeFileSync(join(dir, "genesis-bundle.json"), fromGenesis.stdout);
    writeFileSync(join(dir, "checkpoint-bundle.json"), fromCheckpoint.stdout);
    await Promise.all(net.nodes.map((n) => n.stop(15_000)));

    const fromSpec = await scope.run(["rec", "verify", join(dir, "genesis-bundle.json"), "--chain", spec], 120_000);
    assert.equal(fromSpec.code, 0, fromSpec.stdout + fromSpec.stderr);
    assert.match(fromSpec.stdout, /\[1\/4\] finality: block #\d+ 0x[0-9a-f]{64} is final \(finalized by more than 2\/3 of the stake of authority set (\d+); (\d+) proof fragment/);
    const fragments = Number(/; (\d+) proof fragment/.exec(fromSpec.stdout)![1]);
    assert.ok(fragments >= 4, `three hand-overs and the target: ${fragments}`);
    assert.match(fromSpec.stdout, /REC 2 in the state of that block: Retired, serial AKRE-NET-1/);
    assert.match(fromSpec.stdout, /\[4\/4\] device signatures: 3 verified/);
    const fromFile = await scope.run(["rec", "verify", join(dir, "checkpoint-bundle.json"), "--checkpoint", checkpointPath], 120_000);
    assert.equal(fromFile.code, 0, fromFile.stdout + fromFile.stderr);
    // The later checkpoint's bundle does not verify from genesis: its proof starts at another set.
    const mismatched = await scope.run(["rec", "verify", join(dir, "checkpoint-bundle.json"), "--chain", spec], 120_000);
    assert.equal(mismatched.code, 1, mismatched.stdout);
    assert.match(mismatched.stdout, /FAILED check JUSTIFICATION_WRONG_SET/);
  });
});
