import { strict as assert } from "node:assert";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { utf8 } from "../../../primitives/bytes.ts";
import { nullLogger, type Logger } from "../../../primitives/logger.ts";
import { buildGenesisBlock } from "../../../genesis/build.ts";
import { headerHash } from "../../../node/chain/chain.ts";
import { PruningModeError, StateError } from "../../../node/chain/errors.ts";
import type { PruningRequest } from "../../../node/chain/statePruner.ts";
import { Bucket } from "../../../node/db/buckets.ts";
import { Database } from "../../../node/db/database.ts";
import { openChain } from "../../../node/openChain.ts";
import { pruningFromFlags } from "../../../cli/pruningFlags.ts";
import { fastDevSpec } from "../../../harness/devNode.ts";
import { BlockAuthor } from "../finality/harness.ts";

const genesis = buildGenesisBlock(fastDevSpec(1000));

/** A logger that keeps its info lines. */
function recordingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const logger: Logger = { ...nullLogger(), info: (m) => lines.push(m), child: () => logger };
  return { logger, lines };
}

async function withChain<T>(dir: string, pruning: PruningRequest | undefined, fn: (o: Awaited<ReturnType<typeof openChain>>, lines: string[]) => Promise<T>): Promise<T> {
  const db = await Database.open(dir);
  try {
    const { logger, lines } = recordingLogger();
    const opened = await openChain(genesis, db, { logger, metrics: null, pruning });
    try {
      return await fn(opened, lines);
    } finally {
      await opened.chain.idle();
    }
  } finally {
    await db.close();
  }
}

/** `count` blocks by Alice, each finalized at once (as a dev node does); their hashes from #1. */
async function produce(o: Awaited<ReturnType<typeof openChain>>, author: BlockAuthor, count: number): Promise<Uint8Array[]> {
  const hashes: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const block = author.build(o.chain, o.executive);
    await o.chain.importBlock(block, "network");
    const hash = headerHash(block.header);
    await o.chain.finalize(hash, null);
    hashes.push(hash);
  }
  return hashes;
}

describe("state pruning mode on restart: the flag given, or the database's own (LevelDB)", function () {
  this.timeout(60_000);
  const dirs: string[] = [];
  const dir = (): string => {
    dirs.push(mkdtempSync(join(tmpdir(), "arkreen-pruning-upgrade-")));
    return dirs[dirs.length - 1];
  };
  after(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it("the flags give only what was passed: no --state-pruning is no state request", () => {
    assert.deepEqual(pruningFromFlags({}), {});
    assert.deepEqual(pruningFromFlags({ blocksPruning: "archive" }), { blocks: "archive" });
    assert.deepEqual(pruningFromFlags({ statePruning: "256" }), { state: 256 });
    assert.deepEqual(pruningFromFlags({ pruning: "archive" }), { state: "archive" });
    assert.throws(() => pruningFromFlags({ statePruning: "7" }), /invalid --state-pruning "7"/);
    assert.throws(() => pruningFromFlags({ statePruning: "8", pruning: "8" }), /not both/);
  });

  it("a database from before pruning existed (no stored mode) starts as an archive without the flag, logged; an explicit number is refused", async () => {
    const path = dir();
    const author = new BlockAuthor(["Alice"]);
    // Written as an archive, then the stored mode is removed: what a database of an earlier
    // release holds (every state, no counts, no journals, no mode key).
    const hashes = await withChain(path, { state: "archive", blocks: "archive-canonical" }, (o) => produce(o, author, 20));
    const db = await Database.open(path);
    await db.batch([{ type: "del", key: Uint8Array.of(Bucket.chainMeta, ...utf8("statePruning")) }]);
    await db.close();

    // No --state-pruning (the CLI's `{}`, and `--blocks-pruning` alone): archive, said in the log.
    for (const request of [{}, { blocks: "archive-canonical" as const }, undefined]) {
      await withChain(path, request, async (o, lines) => {
        assert.equal(o.chain.pruning.state, "archive");
        assert.ok(
          lines.some((l) => /No --state-pruning given: the database was created as an archive/.test(l)),
          lines.join("\n"),
        );
        // Every old state still reads, and new blocks keep it an archive.
        for (const hash of hashes) assert.ok(o.chain.stateAt(hash).entries().next().done === false);
        hashes.push(...(await produce(o, author, 10)));
        for (const hash of hashes) o.chain.stateAt(hash);
      });
    }
    // An explicit number contradicts it: refused with the one-line reason, nothing written.
    for (const state of [256, 8]) {
      await assert.rejects(
        withChain(path, { state }, async () => undefined),
        (e: unknown) => e instanceof PruningModeError && /was created with --state-pruning archive/.test((e as Error).message),
      );
    }
    await withChain(path, { state: "archive" }, async (o, lines) => {
      assert.equal(o.chain.pruning.state, "archive");
      assert.ok(!lines.some((l) => /No --state-pruning given/.test(l)), "an explicit flag is not reported as absent");
      assert.equal(o.chain.best.number, 50);
    });
  });

  it("a pruned database without the flag keeps pruning (default window, logged); explicit archive is refused; a new database gets the default", async () => {
    const path = dir();
    const author = new BlockAuthor(["Alice"]);
    const hashes = await withChain(path, {}, async (o) => {
      assert.deepEqual(o.chain.pruning, { state: 256, blocks: "archive-canonical" }, "a new database without flags: Substrate's defaults");
      return produce(o, author, 5);
    });
    await withChain(path, { state: 8 }, async (o) => hashes.push(...(await produce(o, author, 20))));
    await withChain(path, {}, async (o, lines) => {
      assert.equal(o.chain.pruning.state, 256);
      assert.ok(lines.some((l) => /No --state-pruning given: the database was created with state pruning, keeping the last 256/.test(l)), lines.join("\n"));
      // Pruned states do not come back with the wider window.
      assert.throws(() => o.chain.stateAt(hashes[5]), (e: unknown) => e instanceof StateError && e.code === "STATE_PRUNED");
      o.chain.stateAt(hashes[24]);
    });
    await assert.rejects(
      withChain(path, { state: "archive" }, async () => undefined),
      (e: unknown) => e instanceof PruningModeError && /was created with state pruning/.test((e as Error).message),
    );
  });
});
