import assert from "node:assert/strict";
import { join } from "node:path";
import { toHex } from "../../primitives/bytes.ts";
import { devKeypair } from "../../primitives/keys/devAccounts.ts";
import { Account } from "../../runtime/modules/system/storage.ts";
import { STATE_PRUNED_CODE } from "../../rpc/namespaces/state.ts";
import { ProcessScope, RpcCallError, waitUntil, type NodeProcess } from "../../harness/process.ts";
import { heads, signedTransfer, writeFastDevSpec } from "../../harness/devChain.ts";

const SLOT_MS = 500;
const KEEP = 8;
const ALICE_KEY = toHex(Account.key(devKeypair("Alice").publicKey));

/** Every kind of read at a block: raw storage, a proof, events, and runtime reads (a module's `at`, a fee estimate run by the runtime). */
function readsAt(genesis: string, at: string): Array<[string, unknown[]]> {
  return [
    ["state_getStorage", [ALICE_KEY, at]],
    ["state_queryStorageAt", [[ALICE_KEY], at]],
    ["state_getReadProof", [[ALICE_KEY], at]],
    ["state_getEvents", [at]],
    ["device_registrars", [at]],
    ["payment_queryInfo", [signedTransfer(genesis, "Bob", "Charlie", 1n, 0), at]],
  ];
}

async function rpcErrorOf(node: NodeProcess, method: string, params: unknown[]): Promise<RpcCallError> {
  try {
    await node.rpc(method, params);
  } catch (e) {
    if (e instanceof RpcCallError) return e;
    throw e;
  }
  throw new Error(`${method} at a pruned block answered instead of failing`);
}

describe(`e2e: RPC reads of a pruned state (dev node, --state-pruning ${KEEP}) answer ${STATE_PRUNED_CODE}; an archive answers`, function () {
  this.timeout(60_000);
  const scope = new ProcessScope();
  after(() => scope.dispose());

  it("old block: code 4004 with the clear message from every state-reading method; kept blocks and an archive node answer", async () => {
    const dir = scope.tempDir("pruning-rpc");
    const chain = writeFastDevSpec(dir, SLOT_MS);
    const [pruned, archive] = await Promise.all([
      scope.startNode({ chain, basePath: join(dir, "pruned"), args: ["--alice", "--state-pruning", String(KEEP)] }),
      scope.startNode({ chain, basePath: join(dir, "archive"), args: ["--alice", "--state-pruning", "archive"] }),
    ]);
    assert.match(pruned.proc.output, new RegExp(`State pruning: the last ${KEEP} finalized states; blocks pruning: archive-canonical`));
    assert.match(archive.proc.output, /State pruning: archive \(every state kept\)/);
    await waitUntil(async () => (await heads(pruned)).finalized.number >= 2 * KEEP && (await heads(archive)).finalized.number >= 3, 40 * SLOT_MS, `#${2 * KEEP} finalized`);
    const genesis = await pruned.rpc<string>("chain_getBlockHash", [0]);

    const old = await pruned.rpc<string>("chain_getBlockHash", [2]);
    for (const [method, params] of readsAt(genesis, old)) {
      const e = await rpcErrorOf(pruned, method, params);
      assert.equal(e.code, STATE_PRUNED_CODE, `${method}: ${e.message}`);
      assert.match(
        e.message,
        new RegExp(`state of block #2 \\(${old}\\) is pruned: this node keeps the state of the last ${KEEP} finalized blocks \\(from #\\d+\\); run with --state-pruning archive to keep every state`),
        method,
      );
      assert.equal((e.data as { code: string; number: number }).code, "STATE_PRUNED", method);
      assert.equal((e.data as { code: string; number: number }).number, 2, method);
    }
    // The block itself is still known: its header and body are kept (archive-canonical).
    assert.equal(((await pruned.rpc<{ number: string }>("chain_getHeader", [old])).number), "0x2");
    assert.ok(await pruned.rpc("chain_getBlock", [old]));

    // The finalized head and the blocks just below it (inside the window) answer normally. The
    // window moves while the reads run (a block each 500 ms): each depth is taken from the head of
    // the moment, halfway into the window, so that a loaded machine does not see it pruned meanwhile.
    for (const depth of [0, 1, KEEP / 2]) {
      const n = (await heads(pruned)).finalized.number - depth;
      const at = await pruned.rpc<string>("chain_getBlockHash", [n]);
      for (const [method, params] of readsAt(genesis, at)) await pruned.rpc(method, params);
      assert.ok(await pruned.rpc<string | null>("state_getStorage", [ALICE_KEY, at]), `Alice's account at #${n}`);
    }

    // The archive answers every old block.
    const archiveOld = await archive.rpc<string>("chain_getBlockHash", [1]);
    for (const [method, params] of readsAt(genesis, archiveOld)) await archive.rpc(method, params);
    assert.ok(await archive.rpc<string | null>("state_getStorage", [ALICE_KEY, archiveOld]));
  });
});
