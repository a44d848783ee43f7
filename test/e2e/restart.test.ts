import assert from "node:assert/strict";
import { join } from "node:path";
import { ProcessScope, waitUntil, type NodeProcess } from "../../harness/process.ts";
import { AKRE, DEV_CHAIN_ACCOUNTS, accountOf, headerAt, heads, signedTransfer, writeFastDevSpec, type BalanceView } from "../../harness/devChain.ts";

const SLOT_MS = 500;
/** SIGTERM to exit (rejected beyond): stopping authoring, RPC and metrics and closing LevelDB takes milliseconds. */
const PROMPT_EXIT_MS = 3000;

function shortHash(hash: string): string {
  return `${hash.slice(0, 6)}…${hash.slice(-4)}`;
}

async function balances(node: NodeProcess): Promise<BalanceView[]> {
  return Promise.all(DEV_CHAIN_ACCOUNTS.map((id) => accountOf(node, id)));
}

describe("e2e: SIGTERM and restart on the same --base-path", function () {
  this.timeout(40_000);
  const scope = new ProcessScope();
  after(() => scope.dispose());

  it("exits 0 promptly and resumes with the same balances and heads, then keeps producing", async () => {
    const dir = scope.tempDir("restart");
    const opts = { chain: writeFastDevSpec(dir, SLOT_MS), basePath: join(dir, "base"), args: ["--alice"] };
    const first = await scope.startNode(opts);
    const genesis = await first.rpc<string>("chain_getBlockHash", [0]);
    // Balances that differ from genesis, so that a restart from genesis could not pass.
    await first.rpc("author_submitExtrinsic", [signedTransfer(genesis, "Bob", "Charlie", 7n * AKRE, 0)]);
    await waitUntil(async () => (await accountOf(first, "Bob")).nonce === 1, 10 * SLOT_MS, "the transfer to be included");
    await waitUntil(async () => (await heads(first)).best.number >= 4, 10 * SLOT_MS, "block #4");

    const seen = await heads(first);
    const hashesSeen = await Promise.all(Array.from({ length: seen.best.number + 1 }, (_, n) => first.rpc<string>("chain_getBlockHash", [n])));
    const balancesBefore = await balances(first);

    const status = await first.stop(PROMPT_EXIT_MS);
    assert.deepEqual(status, { code: 0, signal: null }, first.proc.tail());
    assert.match(first.proc.output, /Node stopped/);
    // Blocks may still be authored between the last RPC read and the shutdown: the log has the last one.
    const imported = [...first.proc.output.matchAll(/Imported #(\d+) \((0x[0-9a-f]{4}…[0-9a-f]{4})\)/g)];
    const last = { number: Number(imported[imported.length - 1][1]), short: imported[imported.length - 1][2] };
    assert.ok(last.number >= seen.best.number);

    const second = await scope.startNode(opts);
    const startup = await second.proc.waitForOutput(/Best block: #(\d+) \((\S+)\), finalized #(\d+)/, 5000);
    assert.deepEqual(
      { best: Number(startup[1]), bestHash: startup[2], finalized: Number(startup[3]) },
      { best: last.number, bestHash: last.short, finalized: last.number },
      "the restarted node's heads are the last block imported (and finalized) before shutdown",
    );
    const lastHash = await second.rpc<string>("chain_getBlockHash", [last.number]);
    assert.equal(shortHash(lastHash), last.short);
    for (let n = 0; n <= seen.best.number; n++) assert.equal(await second.rpc<string>("chain_getBlockHash", [n]), hashesSeen[n], `hash of #${n}`);
    assert.equal(await second.rpc<string>("chain_getBlockHash", [seen.finalized.number]), seen.finalized.hash);
    // Empty blocks since the transfer: balances at the best block are those before shutdown.
    assert.deepEqual(await balances(second), balancesBefore);

    await waitUntil(async () => (await heads(second)).finalized.number >= last.number + 3, 10 * SLOT_MS, "three more finalized blocks");
    const next = await headerAt(second, await second.rpc<string>("chain_getBlockHash", [last.number + 1]));
    assert.equal(next.parentHash, lastHash, "production continues on top of the pre-shutdown head");
    await second.rpc("author_submitExtrinsic", [signedTransfer(genesis, "Bob", "Charlie", AKRE, 1)]);
    await waitUntil(async () => (await accountOf(second, "Bob")).nonce === 2, 10 * SLOT_MS, "a transfer after restart to be included");
  });
});
