import assert from "node:assert/strict";
import { join } from "node:path";
import { toHex } from "../../primitives/bytes.ts";
import { devKeypair, type DevAccountName } from "../../primitives/keys/devAccounts.ts";
import { ProcessScope, sleep, waitUntil, type NodeProcess, type NodeStartOpts } from "../../harness/process.ts";
import { AKRE, DEV_CHAIN_ACCOUNTS, accountAt, heads, signedTransfer, totalIssuanceAt, writeFastDevSpec, type Heads } from "../../harness/devChain.ts";

const SLOT_MS = 500;
/** Each sender pays the next one, so every dev account but the author both sends and receives. */
const SENDERS: Array<[DevAccountName, DevAccountName]> = [
  ["Bob", "Charlie"],
  ["Charlie", "Dave"],
  ["Dave", "Eve"],
  ["Eve", "Ferdie"],
  ["Ferdie", "Bob"],
];
/** One transfer per sender every 60 ms: about 40 extrinsics a 500 ms block. */
const LOAD_INTERVAL_MS = 60;

/**
 * Submits transfers over RPC until halted. Submissions in flight when the node is killed fail,
 * which is expected once halted; any failure before that is reported by `stop()`.
 */
class TransferLoad {
  private running = true;
  private error: unknown = null;
  private readonly done: Promise<void>;

  constructor(node: NodeProcess, genesisHash: string) {
    this.done = this.run(node, genesisHash);
  }

  /** No more submissions: call before killing the node. */
  halt(): void {
    this.running = false;
  }

  async stop(): Promise<void> {
    this.halt();
    await this.done;
    if (this.error) throw this.error;
  }

  private async run(node: NodeProcess, genesisHash: string): Promise<void> {
    try {
      const nonces = new Map<DevAccountName, number>();
      for (const [from] of SENDERS) nonces.set(from, await node.rpc<number>("system_accountNextIndex", [toHex(devKeypair(from).publicKey)]));
      while (this.running) {
        await Promise.all(
          SENDERS.map(async ([from, to]) => {
            const nonce = nonces.get(from) as number;
            await node.rpc("author_submitExtrinsic", [signedTransfer(genesisHash, from, to, AKRE / 10n, nonce)]);
            nonces.set(from, nonce + 1);
          }),
        );
        await sleep(LOAD_INTERVAL_MS);
      }
    } catch (e) {
      if (this.running) this.error = e;
    }
  }
}

/**
 * What must hold after any crash: the node starts with finalized ≤ best, keeps every block it
 * reported before the crash, serves every block 1..best by number with parents linked, and the
 * best block's state is whole: balances sum to the total issuance, and the nonces sum to the
 * number of extrinsics in the chain (each included extrinsic bumps its sender's nonce once).
 */
async function assertConsistentAfterCrash(node: NodeProcess, seenBeforeCrash: Heads): Promise<Heads> {
  const startup = await node.proc.waitForOutput(/Best block: #(\d+) \(\S+\), finalized #(\d+)/, 5000);
  const [startBest, startFinalized] = [Number(startup[1]), Number(startup[2])];
  assert.ok(startFinalized <= startBest, `started with finalized #${startFinalized} above best #${startBest}`);
  assert.ok(startBest >= seenBeforeCrash.best.number, `best #${seenBeforeCrash.best.number} was reported before the crash, the node restarted at #${startBest}`);
  assert.ok(startFinalized >= seenBeforeCrash.finalized.number, `finalized #${seenBeforeCrash.finalized.number} before the crash, #${startFinalized} after`);

  const now = await heads(node);
  assert.ok(now.finalized.number <= now.best.number);
  assert.equal(await node.rpc<string>("chain_getBlockHash", [seenBeforeCrash.finalized.number]), seenBeforeCrash.finalized.hash, "a finalized block changed");
  let parent = await node.rpc<string>("chain_getBlockHash", [0]);
  let extrinsics = 0;
  for (let n = 1; n <= now.best.number; n++) {
    const hash = await node.rpc<string | null>("chain_getBlockHash", [n]);
    assert.ok(hash, `no block #${n}`);
    const block = await node.rpc<{ block: { header: { number: string; parentHash: string }; extrinsics: string[] } } | null>("chain_getBlock", [hash]);
    assert.ok(block, `block #${n} (${hash}) is not retrievable`);
    assert.equal(parseInt(block.block.header.number, 16), n);
    assert.equal(block.block.header.parentHash, parent, `parent of #${n}`);
    extrinsics += block.block.extrinsics.length;
    parent = hash;
  }
  const accounts = await Promise.all(DEV_CHAIN_ACCOUNTS.map((id) => accountAt(node, id, now.best.hash)));
  const total = accounts.reduce((sum, a) => sum + (a ? a.free + a.reserved : 0n), 0n);
  assert.equal(total, await totalIssuanceAt(node, now.best.hash), "balances do not sum to the total issuance");
  const nonces = accounts.reduce((sum, a) => sum + (a?.nonce ?? 0), 0);
  assert.equal(nonces, extrinsics, "account nonces do not match the extrinsics in the chain");

  await waitUntil(async () => (await heads(node)).finalized.number >= now.best.number + 2, 10 * SLOT_MS, "production and finality to resume");
  return now;
}

interface CrashMoment {
  name: string;
  /** Resolves at the moment to kill, with transfers being submitted. */
  reach(node: NodeProcess): Promise<void>;
}

function afterLine(pattern: RegExp, delayMs = 0): CrashMoment["reach"] {
  return async (node) => {
    await node.proc.waitForOutput(pattern, 10 * SLOT_MS, node.proc.output.length);
    if (delayMs > 0) await sleep(delayMs);
  };
}

const WHILE_AUTHORING: CrashMoment = {
  name: "while a block carrying transfers is being authored",
  reach: afterLine(/Prepared block for proposing at \d+ extrinsics=[1-9]/),
};
const SLOW_MOMENTS: CrashMoment[] = [
  { name: "right after a block with transfers is imported, as it is being finalized", reach: afterLine(/Imported #\d+ \(\S+\) extrinsics=[1-9]/) },
  { name: "half a slot after a block with transfers is imported", reach: afterLine(/Imported #\d+ \(\S+\) extrinsics=[1-9]/, SLOT_MS / 2) },
  ...[0.15, 0.85].map((fraction) => ({
    name: `${fraction * 100}% of a slot after a block is imported`,
    reach: afterLine(/Imported #\d+ /, fraction * SLOT_MS),
  })),
];

/** Runs the node on one base path, killing it with SIGKILL at each moment in turn and checking every restart. */
async function crashRounds(scope: ProcessScope, moments: CrashMoment[]): Promise<void> {
  const dir = scope.tempDir("crash");
  const opts: NodeStartOpts = { chain: writeFastDevSpec(dir, SLOT_MS), basePath: join(dir, "base"), args: ["--alice"], prometheus: false };
  let node = await scope.startNode(opts);
  const genesis = await node.rpc<string>("chain_getBlockHash", [0]);
  for (const moment of moments) {
    const load = new TransferLoad(node, genesis);
    // Transfers in the chain before the crash, so that there is state for the crash to tear.
    await node.proc.waitForOutput(/Imported #\d+ \(\S+\) extrinsics=[1-9]/, 10 * SLOT_MS, node.proc.output.length);
    // Read before the moment, so that reading does not delay the kill: a lower bound of what survives.
    const seen = await heads(node);
    await moment.reach(node);
    load.halt();
    const status = await node.kill();
    assert.equal(status.signal, "SIGKILL", `${moment.name}: the node exited before the kill`);
    await load.stop();
    node = await scope.startNode(opts);
    await assertConsistentAfterCrash(node, seen).catch((e: Error) => {
      e.message = `after kill -9 ${moment.name}: ${e.message}`;
      throw e;
    });
  }
}

describe("e2e: kill -9 under load, then restart", function () {
  this.timeout(40_000);
  const scope = new ProcessScope();
  after(() => scope.dispose());

  it(`recovers a consistent chain after a kill ${WHILE_AUTHORING.name}`, () => crashRounds(scope, [WHILE_AUTHORING]));
});

describe("e2e: kill -9 at several moments on one base path @slow", function () {
  this.timeout(90_000);
  const scope = new ProcessScope();
  after(() => scope.dispose());

  it(`recovers each time: ${SLOW_MOMENTS.map((m) => m.name).join("; ")}`, () => crashRounds(scope, SLOW_MOMENTS));
});
