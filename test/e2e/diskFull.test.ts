import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { EXIT_DATABASE_WRITE_FAILED } from "../../cli/commands/run.ts";
import { databasePath } from "../../node/service.ts";
import { fastDevSpec } from "../../harness/devNode.ts";
import { freePorts, ProcessScope, waitUntil, type ExitStatus } from "../../harness/process.ts";
import { DEV_CHAIN_ACCOUNTS, accountAt, heads, totalIssuanceAt, writeFastDevSpec } from "../../harness/devChain.ts";
import { headsAt } from "./network/crashHarness.ts";

const SLOT_MS = 500;
/** The small disk: the node's first blocks fit many times over, then a filler takes the rest. */
const DISK_SIZE = "8m";
const CLI_BIN = fileURLToPath(new URL("../../cli/bin.ts", import.meta.url));

/**
 * Runs in a private mount namespace (unshare), so the tmpfs disappears with the process even if
 * the test dies: mounts the small disk, starts the node on it, fills the disk once the test
 * creates the trigger file, and after the node exits copies its base path to a large disk (the
 * operator's "move the data") and exits with the node's status.
 */
const WRAPPER = `
disk="$1"; trigger="$2"; moved="$3"; shift 3
mount -t tmpfs -o size=${DISK_SIZE} tmpfs "$disk" || exit 97
(while [ ! -e "$trigger" ]; do sleep 0.05; done; dd if=/dev/zero of="$disk/filler" bs=64k 2>/dev/null; touch "$trigger.filled") &
filler=$!
"$@"
status=$?
kill $filler 2>/dev/null
cp -a "$disk/base" "$moved" || exit 98
exit $status
`;

/** The same small disk, full before the node starts (its base path and database cannot be created). */
const WRAPPER_FULL_AT_START = `
disk="$1"; shift
mount -t tmpfs -o size=1m tmpfs "$disk" || exit 97
dd if=/dev/zero of="$disk/filler" bs=64k 2>/dev/null
"$@"
`;

/** The \`unshare\` flags that can mount a tmpfs here (root: -m; otherwise a user namespace: -rm), or why none can. */
function mountNamespace(dir: string): string[] | string {
  const reasons: string[] = [];
  for (const flags of [["-m"], ["-rm"]]) {
    const probe = spawnSync("unshare", [...flags, "sh", "-c", 'mount -t tmpfs -o size=1m tmpfs "$1"', "sh", dir], { encoding: "utf8" });
    if (probe.status === 0) return flags;
    reasons.push(`unshare ${flags.join(" ")}: ${(probe.error?.message ?? probe.stderr).trim() || `exit ${probe.status}`}`);
  }
  return reasons.join("; ");
}

/** The wrapped node: output captured, exit awaited; killed with its whole process group on cleanup. */
class WrappedNode {
  readonly exited: Promise<ExitStatus>;
  stdout = "";
  stderr = "";
  private readonly child: ChildProcess;
  private done = false;

  constructor(command: string[], env: NodeJS.ProcessEnv) {
    this.child = spawn(command[0], command.slice(1), { env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    this.child.stdout?.setEncoding("utf8").on("data", (c: string) => (this.stdout += c));
    this.child.stderr?.setEncoding("utf8").on("data", (c: string) => (this.stderr += c));
    this.exited = new Promise((resolve) =>
      this.child.once("close", (code, signal) => {
        this.done = true;
        resolve({ code, signal });
      }),
    );
  }

  get output(): string {
    return this.stdout + this.stderr;
  }

  kill(): void {
    if (!this.done && this.child.pid !== undefined) process.kill(-this.child.pid, "SIGKILL");
  }
}

describe("e2e: a full disk stops the node with a clear error; its data, moved to a larger disk, restarts", function () {
  this.timeout(60_000);
  const scope = new ProcessScope();
  let wrapped: WrappedNode | null = null;
  after(async () => {
    wrapped?.kill();
    await scope.dispose();
  });

  /**
   * A temporary directory with a mount point for the small disk and a dev node's arguments on it
   * (base path on the disk); skips the test where no tmpfs can be mounted. `wrap` starts the node
   * under `script` (with the mount point, then `scriptArgs`) and kills it when the suite ends.
   */
  async function smallDisk(test: Mocha.Context, name: string) {
    const dir = scope.tempDir(name);
    const disk = join(dir, "disk");
    mkdirSync(disk);
    const unshare = mountNamespace(disk);
    if (typeof unshare === "string") {
      console.log(`      skipped: cannot mount a small tmpfs (${unshare})`);
      test.skip();
    }
    const flags = unshare as string[];
    const spec = writeFastDevSpec(dir, SLOT_MS);
    const [rpcPort, p2pPort] = await freePorts(2);
    const nodeArgs = ["--chain", spec, "--base-path", join(disk, "base"), "--alice", "--rpc-port", String(rpcPort), "--port", String(p2pPort), "--listen-addr", "127.0.0.1", "--no-prometheus"];
    const wrap = (script: string, scriptArgs: string[]): WrappedNode => {
      wrapped = new WrappedNode(["unshare", ...flags, "sh", "-c", script, "sh", disk, ...scriptArgs, process.execPath, CLI_BIN, ...nodeArgs], {
        ...process.env,
        XDG_DATA_HOME: scope.tempDir("xdg"),
      });
      return wrapped;
    };
    return { dir, disk, spec, rpcPort, wrap };
  }

  it("exits 74 with 'no space left on device' and no block or vote after it; restarts at the last imported block with every block and a whole state", async function () {
    const { dir, disk, spec, rpcPort, wrap } = await smallDisk(this, "disk-full");
    const trigger = join(dir, "fill");
    const moved = join(dir, "moved");
    const node = wrap(WRAPPER, [trigger, moved]);
    let status: ExitStatus | null = null;
    void node.exited.then((s) => (status = s));
    await waitUntil(() => status !== null || /Imported #3 /.test(node.stderr), 15_000, "block #3 on the small disk");
    assert.equal(status, null, `the node exited before block #3\n${node.output.slice(-3000)}`);
    let seen = await headsAt(rpcPort);
    writeFileSync(trigger, "");
    await waitUntil(() => existsSync(`${trigger}.filled`), 5000, "the filler to take the rest of the disk");
    await waitUntil(
      async () => {
        seen = (await headsAt(rpcPort)) ?? seen;
        return status !== null;
      },
      15_000,
      "the node to stop on the full disk",
      100,
    );

    const dbPath = databasePath(join(disk, "base"), fastDevSpec(SLOT_MS));
    assert.deepEqual(status, { code: EXIT_DATABASE_WRITE_FAILED, signal: null }, `exit status\n${node.output.slice(-3000)}`);
    const error = `ERROR database write failed: no space left on device at ${dbPath}`;
    assert.ok(node.stderr.includes(error), `stderr names the full disk: ${error}\n${node.stderr.slice(-3000)}`);
    assert.match(node.stderr, /the node stopped to protect its data: free space on that disk or move the base path to a larger one/);
    const afterError = node.stderr.slice(node.stderr.indexOf(error));
    assert.doesNotMatch(afterError, /Prepared block for proposing|Imported #/, "nothing authored or imported after the failed write");
    assert.match(afterError, /Database write failed \(DISK_FULL\), shutting down[\s\S]*Node stopped/, "a clean stop");
    const lastImported = Math.max(...[...node.stderr.matchAll(/Imported #(\d+) /g)].map((m) => Number(m[1])));

    const restarted = await scope.startNode({ chain: spec, basePath: moved, args: ["--alice"], prometheus: false });
    const startup = await restarted.proc.waitForOutput(/Best block: #(\d+) \(\S+\), finalized #(\d+)/, 5000);
    const [best, finalized] = [Number(startup[1]), Number(startup[2])];
    assert.equal(best, lastImported, "the restart's best block is the last block imported before the disk filled");
    assert.ok(seen !== null && finalized >= seen.finalized.number, `finalized #${seen?.finalized.number} before the disk filled, #${finalized} after`);
    let parent = await restarted.rpc<string>("chain_getBlockHash", [0]);
    for (let n = 1; n <= best; n++) {
      const hash = await restarted.rpc<string>("chain_getBlockHash", [n]);
      const block = await restarted.rpc<{ block: { header: { parentHash: string } } } | null>("chain_getBlock", [hash]);
      assert.equal(block?.block.header.parentHash, parent, `block #${n} and its parent`);
      parent = hash;
    }
    const bestHash = await restarted.rpc<string>("chain_getBlockHash", [best]);
    const accounts = await Promise.all(DEV_CHAIN_ACCOUNTS.map((id) => accountAt(restarted, id, bestHash)));
    const total = accounts.reduce((sum, a) => sum + (a ? a.free + a.reserved : 0n), 0n);
    assert.equal(total, await totalIssuanceAt(restarted, bestHash), "the best block's state is whole: balances sum to the total issuance");
    await waitUntil(async () => (await heads(restarted)).finalized.number >= best + 2, 10 * SLOT_MS, "production and finality to resume on the larger disk");
  });

  it("exits 74 naming the full disk when the disk is full before the node has written anything", async function () {
    const { wrap } = await smallDisk(this, "disk-full-at-start");
    const node = wrap(WRAPPER_FULL_AT_START, []);
    const status = await node.exited;
    assert.deepEqual(status, { code: EXIT_DATABASE_WRITE_FAILED, signal: null }, `exit status\n${node.output.slice(-3000)}`);
    assert.match(node.stderr, /no space left on device|ENOSPC/i, "the error names the full disk");
    assert.doesNotMatch(node.output, /Imported #|Prepared block/, "nothing was produced");
  });
});
