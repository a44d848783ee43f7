import assert from "node:assert/strict";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { RuntimeGenesisConfig } from "../../../genesis/chainSpec.ts";
import { localChainSpec } from "../../../genesis/presets.ts";
import { fromHex, toHex } from "../../../primitives/bytes.ts";
import { Authorities } from "../../../runtime/modules/aura/storage.ts";
import { blockHash, startLocalNet, type LocalNet } from "../../../harness/localNet.ts";
import { heads } from "../../../harness/devChain.ts";
import { waitUntil, type NodeProcess, ProcessScope } from "../../../harness/process.ts";

const SLOT_MS = 1000;
const SESSION_BLOCKS = 5;
const AKRE = 10n ** 18n;
/** More than half the genesis validators' 400,000 together: without the newcomer's votes nothing finalizes. */
const BOND = 300_000n * AKRE;

/** The local chain (Alice … Dave, Local chain type) with 1 s slots and 5-block sessions. */
function writeSpec(dir: string): string {
  const spec = localChainSpec();
  const config = (spec.genesis as { runtimeGenesis: { config: RuntimeGenesisConfig } }).runtimeGenesis.config;
  (config.staking as Record<string, unknown>).sessionLengthBlocks = SESSION_BLOCKS;
  const path = join(dir, "onboarding.json");
  writeFileSync(path, JSON.stringify(spec, null, 2));
  return path;
}

/** The Aura authorities at `node`'s best block. */
async function authorities(node: NodeProcess): Promise<string[]> {
  const raw = await node.rpc<string | null>("state_getStorage", [toHex(Authorities.key)]);
  return Authorities.get({ get: () => (raw === null ? undefined : fromHex(raw)) }).map(toHex);
}

/** What every process of the test ran with: no secret may be in it (`ps` shows it to every local user). */
function assertNoSecretOnCommandLine(args: readonly string[], secrets: readonly string[]): void {
  const line = args.join(" ");
  for (const secret of secrets) assert.ok(!line.includes(secret), `a secret is on the command line: ${line}`);
}

function cmdlineOf(node: NodeProcess): string {
  return readFileSync(`/proc/${node.proc.pid}/cmdline`, "utf8").split("\0").join(" ");
}

interface Onboarded {
  net: LocalNet;
  eve: NodeProcess;
  stashFile: string;
  stash: string;
  authoringKey: string;
  secrets: string[];
  rpcArgs: string[];
}

/**
 * From nothing: a fresh key becomes a funded stash; a non-validator node joins the running network,
 * makes session keys with author_rotateKeys, the stash bonds and validates with them through `tx`,
 * and the node restarts with `--validator`. Resolves once the new validator is in the Aura set,
 * authored a block the others imported, and finality ran on its votes.
 */
async function onboard(scope: ProcessScope, dir: string): Promise<Onboarded> {
  const net = await startLocalNet(scope, { slotMs: SLOT_MS, chain: writeSpec(dir) });
  const alice = net.nodes[0];

  // 1. a stash from nothing, funded by Alice (her dev key from a 0600 file, never the command line)
  const generated = await scope.run(["key", "generate", "--output-type", "json"]);
  assert.equal(generated.code, 0, generated.stderr);
  const { secretPhrase, ss58Address: stash } = JSON.parse(generated.stdout) as { secretPhrase: string; ss58Address: string };
  const stashFile = join(dir, "stash.key");
  writeFileSync(stashFile, secretPhrase + "\n", { mode: 0o600 });
  const aliceFile = join(dir, "alice.key");
  writeFileSync(aliceFile, "//Alice\n", { mode: 0o600 });
  const fund = ["tx", "transfer", "--from-file", aliceFile, "--to", stash, "--amount", "400000", "--rpc", alice.wsUrl];
  const funded = await scope.run(fund, 60_000);
  assert.equal(funded.code, 0, funded.stderr + funded.stdout);

  // 2. a fresh node that only follows; keys by RPC on its own loopback port
  const basePath = join(dir, "eve");
  const bootnodes = net.plan.nodes.map((n) => n.multiaddr);
  const start = (extra: string[]): Promise<NodeProcess> => scope.startNode({ chain: net.plan.specPath, basePath, args: ["--name", "Eve", "--bootnodes", ...bootnodes, ...extra] });
  let eve = await start([]);
  const blob = await eve.rpc<string>("author_rotateKeys", [stash]);
  assert.equal(fromHex(blob).length, 240, "aura ++ gran ++ their proofs for the stash");
  assert.equal(await eve.rpc("author_hasSessionKeys", [blob.slice(0, 2 + 160)]), true);
  const authoringKey = blob.slice(0, 66);
  const keystore = join(basePath, "chains", "local_testnet", "keystore");
  const seeds = readdirSync(keystore).map((f) => JSON.parse(readFileSync(join(keystore, f), "utf8")) as string);
  const secrets = [secretPhrase, "//Alice", ...seeds];

  // 3. bond and validate through the CLI, against the new node
  const rpcArgs = ["--rpc", eve.wsUrl];
  const bond = ["tx", "staking.bond", "--signer-file", stashFile, "--args", JSON.stringify({ value: BOND.toString() }), ...rpcArgs];
  const bonded = await scope.run(bond, 60_000);
  assert.equal(bonded.code, 0, bonded.stderr + bonded.stdout);
  const validate = ["tx", "staking.validate", "--signer-file", stashFile, "--session-keys", blob, ...rpcArgs];
  const validated = await scope.run(validate, 60_000);
  assert.equal(validated.code, 0, validated.stderr + validated.stdout);
  const validatedAt = Number(/Included in block #(\d+)/.exec(validated.stdout)?.[1]);
  for (const args of [fund, bond, validate]) assertNoSecretOnCommandLine(args, secrets);

  // 4. restart as a validator: the keys come from the keystore
  await eve.stop(15_000);
  eve = await start(["--validator"]);
  await eve.proc.waitForOutput(/Validator keys from the keystore /, 10_000);
  for (const node of [eve, ...net.nodes]) assertNoSecretOnCommandLine([cmdlineOf(node)], secrets);

  // 5. elected at the end of the session it validated in, in the set two sessions later
  const entersBy = (Math.floor(validatedAt / SESSION_BLOCKS) + 2) * SESSION_BLOCKS;
  await waitUntil(async () => (await authorities(alice)).includes(authoringKey), 20 * SESSION_BLOCKS * SLOT_MS, `the new validator in Aura's set (by #${entersBy})`, 500);
  const entered = (await heads(alice)).best.number;
  assert.ok(entered <= entersBy + SESSION_BLOCKS, `in the set at #${entered}, expected by #${entersBy}`);

  // 6. it authors blocks the others import, and finality (which needs its weight) moves on
  const prepared = await eve.proc.waitForOutput(/Prepared block for proposing at (\d+)/, 15 * SLOT_MS, eve.proc.output.length);
  const own = Number(prepared[1]);
  await waitUntil(async () => (await heads(alice)).finalized.number >= own + 2, 30 * SLOT_MS, `finality past the new validator's block #${own}`, 250);
  assert.equal(await blockHash(alice, own), await blockHash(eve, own), "Alice imported the new validator's block");
  assert.ok(!eve.proc.output.includes(secretPhrase) && seeds.every((s) => !eve.proc.output.includes(s)), "no secret in the log");
  return { net, eve, stashFile, stash, authoringKey, secrets, rpcArgs: ["--rpc", eve.wsUrl] };
}

describe("e2e: a validator onboards from nothing (rotateKeys, bond, validate, restart --validator)", function () {
  this.timeout(240_000);
  const scope = new ProcessScope();
  after(() => scope.dispose());

  it("enters the set two sessions later, authors blocks the others import, and its finality votes count", async () => {
    await onboard(scope, scope.tempDir("onboard"));
  });
});

describe("e2e: a validator onboards, then chills, unbonds and leaves the set @slow", function () {
  this.timeout(360_000);
  const scope = new ProcessScope();
  after(() => scope.dispose());

  it("leaves Aura's set two sessions after chill and unbond, and keeps following the chain", async () => {
    const { net, eve, stashFile, authoringKey, secrets, rpcArgs } = await onboard(scope, scope.tempDir("offboard"));
    const alice = net.nodes[0];
    const chill = ["tx", "staking.chill", "--signer-file", stashFile, ...rpcArgs];
    const chilled = await scope.run(chill, 60_000);
    assert.equal(chilled.code, 0, chilled.stderr + chilled.stdout);
    const unbond = ["tx", "staking.unbond", "--signer-file", stashFile, "--args", JSON.stringify({ value: BOND.toString() }), ...rpcArgs];
    const unbonded = await scope.run(unbond, 60_000);
    assert.equal(unbonded.code, 0, unbonded.stderr + unbonded.stdout);
    for (const args of [chill, unbond]) assertNoSecretOnCommandLine(args, secrets);
    await waitUntil(async () => !(await authorities(alice)).includes(authoringKey), 20 * SESSION_BLOCKS * SLOT_MS, "the validator out of Aura's set", 500);
    // out of the set: it authors no more, and the four others finalize without it
    const left = eve.proc.output.length;
    const { finalized } = await heads(alice);
    await waitUntil(async () => (await heads(alice)).finalized.number >= finalized.number + 2 * SESSION_BLOCKS, 60 * SLOT_MS, "finality without the departed validator", 250);
    assert.doesNotMatch(eve.proc.output.slice(left), /Prepared block for proposing/);
    const eveHeads = await heads(eve);
    assert.ok(eveHeads.best.number >= finalized.number + 2 * SESSION_BLOCKS - 2, "it keeps following the chain");
  });
});
