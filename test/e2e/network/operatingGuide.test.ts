import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ChainSpec, RuntimeGenesisConfig } from "../../../genesis/chainSpec.ts";
import { localChainSpec } from "../../../genesis/presets.ts";
import { fromHex, toHex } from "../../../primitives/bytes.ts";
import { encodeAddress } from "../../../primitives/keys/ss58.ts";
import { Authorities } from "../../../runtime/modules/aura/storage.ts";
import { blockHash, startLocalNet, type LocalNet } from "../../../harness/localNet.ts";
import { heads } from "../../../harness/devChain.ts";
import { freePorts, sleep, waitUntil, type NodeProcess, ProcessScope } from "../../../harness/process.ts";

/**
 * docs/operating.md's validator guide, run as written: the shell blocks of its "Validator keys"
 * section (up to "Keystore RPC") are extracted and executed in order by one bash session in the
 * repository root — `npx arkreen-node …`, `curl … | jq`, variables carried from block to block —
 * with only the values of its first block (where things are: chain spec, base path, secrets
 * directory, ports) replaced by a temporary directory and free ports. The two `npm start` blocks
 * are the node, run in a process group of their own and stopped as Ctrl-C stops it. The network
 * the guide joins is a local one (Alice … Dave, 1 s slots, 5-block sessions) whose chain spec's
 * `bootNodes` name its first validator, as a live network's spec does.
 */

const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const SLOT_MS = 1000;
const SESSION_BLOCKS = 5;
const BONDING_PERIOD_SESSIONS = 4;
const AKRE = 10n ** 18n;

/** The section's shell blocks, in order, each with what it must contain (an edit to the guide that adds, drops or reorders one fails here first). */
const EXPECTED_BLOCKS: ReadonlyArray<[name: string, shape: RegExp]> = [
  ["variables", /^CHAIN=/],
  ["follower", /^npm start -- (?!.*--validator)/],
  ["health", /system_health/],
  ["stash", /key generate[\s\S]*STASH=/],
  ["rotateKeys", /author_rotateKeys/],
  ["bond and validate", /staking\.bond[\s\S]*staking\.validate/],
  ["validator", /^npm start -- .*--validator$/],
  ["rotate again", /author_rotateKeys/],
  ["validate again", /^npx arkreen-node tx staking\.validate/],
  ["chill and unbond", /staking\.chill[\s\S]*staking\.unbond/],
  ["withdraw", /staking\.withdrawUnbonded/],
];

/** The names the first block sets and the test gives values (the rest of the block runs as written). */
const PLACES = ["CHAIN", "BASE", "SECRETS", "P2P_PORT", "RPC_PORT", "PROMETHEUS_PORT"] as const;

function guideBlocks(): Map<string, string> {
  const doc = readFileSync(join(REPO_ROOT, "docs", "operating.md"), "utf8");
  const start = doc.indexOf("\n## Validator keys");
  const end = doc.indexOf("\n### Keystore RPC", start);
  assert.ok(start >= 0 && end > start, "the Validator keys section of docs/operating.md");
  const blocks = [...doc.slice(start, end).matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1].trimEnd());
  assert.equal(blocks.length, EXPECTED_BLOCKS.length, `shell blocks in the guide:\n${blocks.join("\n---\n")}`);
  const named = new Map<string, string>();
  EXPECTED_BLOCKS.forEach(([name, shape], i) => {
    assert.match(blocks[i], shape, `block ${i} (${name})`);
    named.set(name, blocks[i]);
  });
  return named;
}

/** The first block with the test's values in place of the guide's (and nothing else changed). */
function placesBlock(block: string, values: Record<(typeof PLACES)[number], string>): string {
  const assigned = [...block.matchAll(/(?:^|\s)([A-Z][A-Z0-9_]*)=/g)].map((m) => m[1]);
  assert.deepEqual(assigned.sort(), [...PLACES, "ARKREEN_RPC_URL"].sort(), "the variables the guide's first block sets");
  return block.replace(/(^|\s)([A-Z][A-Z0-9_]*)=(\S+)/g, (whole, lead: string, name: string) =>
    name in values ? `${lead}${name}=${values[name as keyof typeof values]}` : whole,
  );
}

/** The local chain with short sessions and one endowed account of its own, so that no other test's node shares its genesis (mDNS is on for Local chains). */
function writeSpec(dir: string): string {
  const spec = localChainSpec();
  const config = (spec.genesis as { runtimeGenesis: { config: RuntimeGenesisConfig } }).runtimeGenesis.config;
  const staking = config.staking as Record<string, unknown>;
  staking.sessionLengthBlocks = SESSION_BLOCKS;
  assert.equal(staking.bondingPeriodSessions, BONDING_PERIOD_SESSIONS);
  config.balances.balances.push([encodeAddress(randomBytes(32)), AKRE.toString()]);
  const path = join(dir, "net.json");
  writeFileSync(path, JSON.stringify(spec, null, 2));
  return path;
}

/** The network's spec as its operators publish it: the first validator in `bootNodes`. */
function publishSpec(net: LocalNet, path: string): void {
  const spec = JSON.parse(readFileSync(net.plan.specPath, "utf8")) as ChainSpec;
  writeFileSync(path, JSON.stringify({ ...spec, bootNodes: [net.plan.nodes[0].multiaddr] }, null, 2));
}

function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("ARKREEN_")));
}

/**
 * One bash session, as a reader's terminal: each block is written to a file and sourced
 * (`set -e -o pipefail`: a failing line ends the session, and the test), so variables set by one
 * block are there for the next; a block's standard input is /dev/null.
 */
class GuideShell {
  private readonly child: ChildProcess;
  private readonly dir: string;
  private out = "";
  private count = 0;
  private exited = false;

  constructor(dir: string) {
    this.dir = dir;
    this.child = spawn("bash", ["--noprofile", "--norc", "-e", "-o", "pipefail"], { cwd: REPO_ROOT, env: cleanEnv(), stdio: ["pipe", "pipe", "pipe"] });
    const append = (chunk: string): void => void (this.out += chunk);
    this.child.stdout!.setEncoding("utf8").on("data", append);
    this.child.stderr!.setEncoding("utf8").on("data", append);
    this.child.once("close", () => (this.exited = true));
  }

  /** Runs `block` to its end and returns what it printed; rejects if a line fails or it outlasts `timeoutMs`. */
  async run(block: string, timeoutMs = 90_000): Promise<string> {
    const n = ++this.count;
    const file = join(this.dir, `block-${n}.sh`);
    writeFileSync(file, block + "\n");
    const marker = `--- block ${n} done ---`;
    const from = this.out.length;
    this.child.stdin!.write(`source ${file} < /dev/null\necho '${marker}'\n`);
    const deadline = Date.now() + timeoutMs;
    while (!this.out.includes(marker, from)) {
      if (this.exited) throw new Error(`a line of this guide block failed:\n${block}\n--- output ---\n${this.out.slice(from)}`);
      if (Date.now() > deadline) throw new Error(`guide block still running after ${timeoutMs} ms:\n${block}\n--- output ---\n${this.out.slice(from)}`);
      await sleep(50);
    }
    return this.out.slice(from, this.out.indexOf(marker, from));
  }

  /** A variable the blocks set. */
  async get(name: string): Promise<string> {
    return (await this.run(`printf '%s\\n' "$${name}"`)).trim();
  }

  close(): void {
    this.child.stdin!.end();
    if (!this.exited) this.child.kill("SIGKILL");
  }
}

/** The guide's node, started by one of its `npm start` blocks in a process group of its own (as a terminal's foreground job). */
class GuideNode {
  private readonly child: ChildProcess;
  output = "";

  constructor(places: string, line: string) {
    this.child = spawn("bash", ["--noprofile", "--norc", "-c", `${places}\n${line}`], { cwd: REPO_ROOT, env: cleanEnv(), detached: true, stdio: ["ignore", "pipe", "pipe"] });
    guideNodes.push(this);
    this.child.stdout!.setEncoding("utf8").on("data", (c: string) => void (this.output += c));
    this.child.stderr!.setEncoding("utf8").on("data", (c: string) => void (this.output += c));
  }

  async waitFor(pattern: RegExp, timeoutMs: number, from = 0): Promise<RegExpExecArray> {
    let match: RegExpExecArray | null = null;
    try {
      await waitUntil(() => (match = pattern.exec(this.output.slice(from))) !== null, timeoutMs, `${pattern} in the guide node's log`, 100);
    } catch (e) {
      throw new Error(`${(e as Error).message}\n--- its log ---\n${this.output.slice(-4000)}`);
    }
    return match!;
  }

  /** Ctrl-C: SIGINT to the whole group (bash, npm, node); resolves once every process of it is gone, the database closed. */
  async interrupt(timeoutMs = 20_000): Promise<void> {
    this.signal("SIGINT");
    await waitUntil(() => !this.groupAlive(), timeoutMs, "the guide node to stop after Ctrl-C", 100);
    assert.match(this.output, /Received SIGINT, shutting down/);
  }

  kill(): void {
    this.signal("SIGKILL");
  }

  private signal(signal: NodeJS.Signals): void {
    if (this.groupAlive()) process.kill(-this.child.pid!, signal);
  }

  private groupAlive(): boolean {
    try {
      process.kill(-this.child.pid!, 0);
      return true;
    } catch {
      return false;
    }
  }
}

async function rpcAt<T>(port: number, method: string, params: unknown[] = []): Promise<T> {
  const res = await fetch(`http://127.0.0.1:${port}/`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) });
  const body = (await res.json()) as { result?: T; error?: unknown };
  if (body.error !== undefined) throw new Error(`${method}: ${JSON.stringify(body.error)}`);
  return body.result as T;
}

/** The Aura authorities at `node`'s best block, hex. */
async function authorities(node: NodeProcess): Promise<string[]> {
  const raw = await node.rpc<string | null>("state_getStorage", [toHex(Authorities.key)]);
  return Authorities.get({ get: () => (raw === null ? undefined : fromHex(raw)) }).map(toHex);
}

interface Guide {
  net: LocalNet;
  shell: GuideShell;
  blocks: Map<string, string>;
  places: string;
  rpcPort: number;
  secrets: string;
  /** The guide's node now running. */
  node: GuideNode;
}

/** Steps 0-4 of the guide: a follower node of the network, a funded stash, session keys, bond and validate. */
async function followAndValidate(scope: ProcessScope): Promise<Guide & { sessionKeys: string; validatedAt: number }> {
  const blocks = guideBlocks();
  const dir = scope.tempDir("guide");
  const net = await startLocalNet(scope, { slotMs: SLOT_MS, chain: writeSpec(dir) });
  const alice = net.nodes[0];
  const chainPath = join(dir, "live.json");
  publishSpec(net, chainPath);
  const [p2p, rpc, prometheus] = await freePorts(3);
  const secrets = join(dir, "secrets");
  const places = placesBlock(blocks.get("variables")!, { CHAIN: chainPath, BASE: join(dir, "base"), SECRETS: secrets, P2P_PORT: String(p2p), RPC_PORT: String(rpc), PROMETHEUS_PORT: String(prometheus) });
  const shell = new GuideShell(dir);
  shells.push(shell);
  await shell.run(places);
  // 1. a node that follows the chain, found through the spec's bootNodes
  const follower = new GuideNode(places, blocks.get("follower")!);
  const guide: Guide = { net, shell, blocks, places, rpcPort: rpc, secrets, node: follower };
  await follower.waitFor(/Imported #\d+/, 60_000);
  await waitUntil(async () => (await rpcAt<{ isSyncing: boolean; peers: number }>(rpc, "system_health")).peers > 0, 30_000, "a peer", 250);
  const health = JSON.parse(await shell.run(blocks.get("health")!)) as { isSyncing: boolean; peers: number };
  assert.equal(health.isSyncing, false);

  // 2. the stash, its secret in an owner-only file; funded by someone (here Alice)
  await shell.run(blocks.get("stash")!);
  const stash = await shell.get("STASH");
  assert.match(stash, /^5[1-9A-HJ-NP-Za-km-z]{46,47}$/);
  assert.equal(statSync(join(secrets, "stash.key")).mode & 0o777, 0o600);
  const aliceFile = join(dir, "alice.key");
  writeFileSync(aliceFile, "//Alice\n", { mode: 0o600 });
  const funded = await scope.run(["tx", "transfer", "--from-file", aliceFile, "--to", stash, "--amount", "20001", "--rpc", alice.wsUrl], 60_000);
  assert.equal(funded.code, 0, funded.stderr + funded.stdout);

  // 3. session keys in the node's keystore, for that stash
  await shell.run(blocks.get("rotateKeys")!);
  const sessionKeys = readFileSync(join(secrets, "session-keys.hex"), "utf8").trim();
  assert.equal(fromHex(sessionKeys).length, 240, `aura ++ gran ++ their proofs: ${sessionKeys}`);
  assert.equal(await rpcAt(rpc, "author_hasSessionKeys", [sessionKeys]), true);

  // 4. bond and validate, `tx` through $ARKREEN_RPC_URL (the guide's node)
  const bonded = await shell.run(blocks.get("bond and validate")!, 120_000);
  const included = [...bonded.matchAll(/Included in block #(\d+)/g)].map((m) => Number(m[1]));
  assert.equal(included.length, 2, bonded);
  return { ...guide, sessionKeys, validatedAt: included[1] };
}

/** Step 5: Ctrl-C, then the validator command; resolves once it names the keys it took. */
async function restartAsValidator(guide: Guide): Promise<void> {
  await guide.node.interrupt();
  const node = new GuideNode(guide.places, guide.blocks.get("validator")!);
  guide.node = node;
  await node.waitFor(/Validator keys from the keystore \S+: authoring \S+, finality 0x[0-9a-f]+/, 60_000);
}

/** What the suites started outside their ProcessScope, ended by `stopAll` in their `after`. */
const shells: GuideShell[] = [];
const guideNodes: GuideNode[] = [];
function stopAll(): void {
  for (const shell of shells.splice(0)) shell.close();
  for (const node of guideNodes.splice(0)) node.kill();
}

describe("e2e: docs/operating.md's validator guide, its shell lines run as written", function () {
  this.timeout(240_000);
  const scope = new ProcessScope();
  after(async () => {
    stopAll();
    await scope.dispose();
  });

  it("a follower from the guide's command, a stash, author_rotateKeys, bond, validate, and the restart with --validator", async () => {
    const guide = await followAndValidate(scope);
    await restartAsValidator(guide);
    // The keys it took are the ones the stash registered (whether or not the election has put them in the set yet).
    const authoring = encodeAddress(fromHex(guide.sessionKeys.slice(0, 66)));
    const finality = "0x" + guide.sessionKeys.slice(66, 66 + 96);
    assert.match(guide.node.output, new RegExp(`Validator keys from the keystore \\S+/chains/local_testnet/keystore: authoring ${authoring}, finality ${finality}`));
  });
});

describe("e2e: the validator guide from nothing to leaving the set, its lines run as written @slow", function () {
  this.timeout(420_000);
  const scope = new ProcessScope();
  after(async () => {
    stopAll();
    await scope.dispose();
  });

  it("enters the set and authors; a rotation and restart keep the key the set holds on disk; chill and unbond take it out; the bond is withdrawn", async () => {
    const guide = await followAndValidate(scope);
    const alice = guide.net.nodes[0];
    const first = guide.sessionKeys.slice(0, 66);
    await restartAsValidator(guide);

    // 5. elected at the end of the session it validated in, in the set two sessions later, and authoring
    const entersBy = (Math.floor(guide.validatedAt / SESSION_BLOCKS) + 2) * SESSION_BLOCKS;
    await waitUntil(async () => (await authorities(alice)).includes(first), 20 * SESSION_BLOCKS * SLOT_MS, `the new validator in Aura's set (by #${entersBy})`, 500);
    const prepared = await guide.node.waitFor(/Prepared block for proposing at (\d+)/, 20 * SLOT_MS, guide.node.output.length);
    const own = Number(prepared[1]);
    await waitUntil(async () => (await heads(alice)).best.number >= own, 10 * SLOT_MS, `Alice at #${own}`, 250);
    assert.equal(await blockHash(alice, own), await rpcAt<string | null>(guide.rpcPort, "chain_getBlockHash", [own]), "Alice imported the new validator's block");

    // rotation: new keys in the keystore; a restart before they are registered keeps the key the set
    // holds — read from the node's database at start (genesis's set has neither key: it would take the newest)
    await guide.shell.run(guide.blocks.get("rotate again")!);
    const second = readFileSync(join(guide.secrets, "session-keys.hex"), "utf8").trim();
    assert.notEqual(second.slice(0, 66), first);
    await restartAsValidator(guide);
    assert.match(guide.node.output, new RegExp(`The keystore holds 2 aura keys: using the one in the current authority set, ${first}`));
    assert.match(guide.node.output, new RegExp(`The keystore holds 2 gran keys: using the one in the current finality set, 0x${guide.sessionKeys.slice(66, 66 + 96)}`));
    await guide.shell.run(guide.blocks.get("validate again")!, 120_000);

    // 6. chill and unbond: out of the set (neither key) and no more blocks of its own
    const unbonded = await guide.shell.run(guide.blocks.get("chill and unbond")!, 120_000);
    const unbondedAt = Math.max(...[...unbonded.matchAll(/Included in block #(\d+)/g)].map((m) => Number(m[1])));
    const keys = [first, second.slice(0, 66)];
    await waitUntil(async () => !(await authorities(alice)).some((k) => keys.includes(k)), 30 * SESSION_BLOCKS * SLOT_MS, "the validator out of Aura's set", 500);
    const left = guide.node.output.length;
    const leftAt = (await heads(alice)).best.number;

    // the bond unlocks bondingPeriodSessions after the unbond's session; then the guide's withdrawal succeeds
    const unlocksAt = (Math.floor(unbondedAt / SESSION_BLOCKS) + BONDING_PERIOD_SESSIONS + 1) * SESSION_BLOCKS;
    await waitUntil(async () => (await heads(alice)).best.number >= unlocksAt, 40 * SESSION_BLOCKS * SLOT_MS, `block #${unlocksAt}`, 500);
    const withdrawn = await guide.shell.run(guide.blocks.get("withdraw")!, 120_000);
    assert.match(withdrawn, /Included in block #\d+/);
    assert.ok((await heads(alice)).best.number >= leftAt + SESSION_BLOCKS);
    assert.doesNotMatch(guide.node.output.slice(left), /Prepared block for proposing/, "no block of its own once out of the set");
  });
});
