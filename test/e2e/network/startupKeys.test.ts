import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { RuntimeGenesisConfig } from "../../../genesis/chainSpec.ts";
import { devChainSpec } from "../../../genesis/presets.ts";
import { fromHex, toHex } from "../../../primitives/bytes.ts";
import { encodeAddress } from "../../../primitives/keys/ss58.ts";
import { keypairFromSuri } from "../../../primitives/keys/suri.ts";
import { Authorities } from "../../../runtime/modules/aura/storage.ts";
import { heads } from "../../../harness/devChain.ts";
import { waitUntil, ProcessScope, type NodeProcess } from "../../../harness/process.ts";

/**
 * Which session keys a `--validator` node takes at start when its keystore holds several of a type:
 * the one the best block's set holds, read from the node's own LevelDB database — not genesis's
 * set, not the newest file. A one-validator Development chain with 1 s slots and 2-block sessions:
 * Alice's node holds her genesis keys (oldest), keys it registers with `staking.validate` (middle)
 * and keys it never registers (newest). Once the registered keys are the set, the running node
 * (still on her genesis keys) stops authoring; after a restart it must take the registered ones
 * from the stored state — genesis's set would give her old keys, "the newest" the unregistered
 * ones — and the chain moves again.
 */

const SLOT_MS = 1000;
const SESSION_BLOCKS = 2;

function writeSpec(dir: string): string {
  const spec = devChainSpec();
  const config = (spec.genesis as { runtimeGenesis: { config: RuntimeGenesisConfig } }).runtimeGenesis.config;
  config.system.slotDurationMs = SLOT_MS;
  config.system.maxBlockWeight = Math.floor(SLOT_MS / 3) * 1_000_000;
  (config.staking as Record<string, unknown>).sessionLengthBlocks = SESSION_BLOCKS;
  const path = join(dir, "keys-dev.json");
  writeFileSync(path, JSON.stringify(spec, null, 2));
  return path;
}

async function authorities(node: NodeProcess): Promise<string[]> {
  const raw = await node.rpc<string | null>("state_getStorage", [toHex(Authorities.key)]);
  return Authorities.get({ get: () => (raw === null ? undefined : fromHex(raw)) }).map(toHex);
}

describe("e2e: a validator's keys at start come from the best state in its database", function () {
  this.timeout(120_000);
  const scope = new ProcessScope();
  after(() => scope.dispose());

  it("of three aura/gran keys, a restarted node takes the pair the stored set holds (not genesis's, not the newest) and authors again", async () => {
    const dir = scope.tempDir("startup-keys");
    const chain = writeSpec(dir);
    const basePath = join(dir, "alice");
    const aliceFile = join(dir, "alice.key");
    writeFileSync(aliceFile, "//Alice\n", { mode: 0o600 });
    const alice = encodeAddress(keypairFromSuri("//Alice").publicKey);

    // The genesis keys, then the keys to register (made offline, proofs for Alice's stash).
    for (const type of ["aura", "gran"]) {
      const inserted = await scope.run(["key", "insert", "--chain", chain, "--base-path", basePath, "--key-type", type, "--suri-file", aliceFile]);
      assert.equal(inserted.code, 0, inserted.stderr);
    }
    const generated = await scope.run(["key", "generate-session-keys", "--chain", chain, "--base-path", basePath, "--stash", alice, "--output-type", "json"]);
    assert.equal(generated.code, 0, generated.stderr);
    const registered = /0x[0-9a-f]{480}/.exec(generated.stdout)?.[0];
    assert.ok(registered !== undefined, generated.stdout);
    const registeredAura = registered.slice(0, 66);
    const registeredGran = "0x" + registered.slice(66, 66 + 96);

    // First start: the genesis state's set holds Alice's genesis keys.
    const start = (): Promise<NodeProcess> => scope.startNode({ chain, basePath, args: ["--validator"], prometheus: false });
    let node = await start();
    await node.proc.waitForOutput(/The keystore holds 2 aura keys: using the one in the current authority set, (0x[0-9a-f]{64})/, 10_000);
    assert.match(node.proc.output, new RegExp(`The keystore holds 2 aura keys: using the one in the current authority set, ${toHex(keypairFromSuri("//Alice").publicKey)}`));
    await waitUntil(async () => (await heads(node)).best.number >= 1, 15 * SLOT_MS, "Alice authoring", 200);

    const validated = await scope.run(["tx", "staking.validate", "--signer-file", aliceFile, "--session-keys", registered, "--rpc", node.wsUrl], 60_000);
    assert.equal(validated.code, 0, validated.stderr + validated.stdout);
    // The newest keys, never registered.
    const newest = await node.rpc<string>("author_rotateKeys", [alice]);
    assert.notEqual(newest.slice(0, 66), registeredAura);

    // The registered keys become the set; the node, on its genesis keys, stops authoring.
    await waitUntil(async () => (await authorities(node)).includes(registeredAura), 20 * SESSION_BLOCKS * SLOT_MS, "the registered keys in Aura's set", 250);
    const stalledAt = (await heads(node)).best.number;
    assert.deepEqual(await node.stop(15_000), { code: 0, signal: null });

    node = await start();
    await node.proc.waitForOutput(/Validator keys from the keystore/, 15_000);
    assert.match(node.proc.output, new RegExp(`The keystore holds 3 aura keys: using the one in the current authority set, ${registeredAura}`));
    assert.match(node.proc.output, new RegExp(`The keystore holds 3 gran keys: using the one in the current finality set, ${registeredGran}`));
    assert.doesNotMatch(node.proc.output, /not in the current finality set/);
    await waitUntil(async () => (await heads(node)).best.number > stalledAt + 2, 20 * SLOT_MS, `blocks after #${stalledAt}, sealed with the registered key`, 250);
  });
});
