import assert from "node:assert/strict";
import { Registry } from "prom-client";
import { toHex, u32ToBytes } from "../../../primitives/bytes.ts";
import { nullLogger } from "../../../primitives/logger.ts";
import { TxPoolError } from "../../../node/txpool/errors.ts";
import type { TxPoolErrorType } from "../../../node/txpool/errors.ts";
import { createTxPoolMetrics } from "../../../node/txpool/metrics.ts";
import type { TxPoolOpts } from "../../../node/txpool/options.ts";
import { TxPool } from "../../../node/txpool/pool.ts";
import type { TxStatus, ValidTransaction } from "../../../node/txpool/types.ts";
import { FakeValidator, fakeTx, hashOf } from "./fakeValidator.ts";
import type { FakeTx } from "./fakeValidator.ts";

function setup(opts: Partial<TxPoolOpts> = {}) {
  const validator = new FakeValidator();
  const pool = new TxPool(opts, { validator, logger: nullLogger(), metrics: null });
  let number = opts.bestNumber ?? 0;
  /** Imports the next block with `txs` applied to the validator's state; returns its hash. */
  const importBlock = (txs: Uint8Array[] = []): Uint8Array => {
    number++;
    validator.apply(txs);
    const hash = u32ToBytes(number);
    pool.onBlockImported({ hash, number, extrinsicHashes: txs.map(hashOf) });
    return hash;
  };
  const submit = (tx: FakeTx): ValidTransaction => pool.submit(fakeTx(tx));
  return { pool, validator, importBlock, submit };
}

/** `A0` for sender A, nonce 0: compact expectations for orderings. */
function labels(txs: ValidTransaction[]): string[] {
  return txs.map((tx) => `${tx.sender}${tx.nonce}`);
}

function throwsCode(fn: () => unknown, expected: Partial<TxPoolErrorType>): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof TxPoolError, `expected a TxPoolError, got ${String(e)}`);
    assert.deepEqual({ ...e.type, ...expected }, e.type);
    return true;
  });
}

/** Collects the statuses a watcher sees, as type names (with the block for inBlock/finalized). */
function record(pool: TxPool, hash: Uint8Array): string[] {
  const seen: string[] = [];
  pool.watch(hash, (status: TxStatus) => {
    if (status.type === "inBlock" || status.type === "finalized" || status.type === "finalityTimeout") {
      seen.push(`${status.type}@${toHex(status.blockHash)}`);
    } else if (status.type === "usurped") {
      seen.push(`usurped by ${toHex(status.by)}`);
    } else {
      seen.push(status.type);
    }
  });
  return seen;
}

describe("TxPool", () => {
  describe("submission errors", () => {
    it("refuses a transaction already in the pool (ALREADY_IMPORTED)", () => {
      const { pool } = setup();
      const bytes = fakeTx({ sender: "A", nonce: 0 });
      pool.submit(bytes);
      throwsCode(() => pool.submit(bytes), { code: "ALREADY_IMPORTED", hash: toHex(hashOf(bytes)) });
    });

    it("passes the validator's INVALID verdict through and bans the bytes", () => {
      const { pool, validator } = setup();
      const bytes = fakeTx({ sender: "A", nonce: 0, badSignature: true });
      throwsCode(() => pool.submit(bytes), { code: "INVALID", reason: "BAD_PROOF" });
      throwsCode(() => pool.submit(bytes), { code: "TEMPORARILY_BANNED" });
      assert.equal(validator.validateCalls, 1, "a banned transaction is refused without validation");
    });

    it("rejects a nonce below the account nonce as INVALID/STALE", () => {
      const { submit, validator } = setup();
      validator.nonces.set("A", 3);
      throwsCode(() => submit({ sender: "A", nonce: 2 }), { code: "INVALID", reason: "STALE" });
    });

    it("rejects a transaction whose mortality ended as INVALID/OUTDATED", () => {
      const { submit } = setup({ bestNumber: 10 });
      throwsCode(() => submit({ sender: "A", nonce: 0, validUntil: 10 }), { code: "INVALID", reason: "OUTDATED" });
      assert.equal(submit({ sender: "A", nonce: 0, validUntil: 11 }).validUntil, 11, "valid until the next block is fine");
    });

    it("rejects an oversized transaction as INVALID/EXHAUSTS_RESOURCES before validating it", () => {
      const { pool, validator } = setup({ maxTxBytes: 200 });
      throwsCode(() => pool.submit(fakeTx({ sender: "A", nonce: 0, pad: 200 })), { code: "INVALID", reason: "EXHAUSTS_RESOURCES" });
      assert.equal(validator.validateCalls, 0);
    });

    it("passes UNKNOWN through without banning", () => {
      const { pool, validator } = setup();
      const bytes = fakeTx({ sender: "A", nonce: 0 });
      validator.unknown = true;
      throwsCode(() => pool.submit(bytes), { code: "UNKNOWN" });
      validator.unknown = false;
      assert.equal(pool.submit(bytes).nonce, 0);
    });

    it("refuses a same-nonce replacement without a strictly higher tip (PRIORITY_TOO_LOW)", () => {
      const { submit } = setup();
      submit({ sender: "A", nonce: 0, tip: 10 });
      throwsCode(() => submit({ sender: "A", nonce: 0, tip: 10, salt: "x" }), { code: "PRIORITY_TOO_LOW", old: 10n, new: 10n });
      throwsCode(() => submit({ sender: "A", nonce: 0, tip: 5 }), { code: "PRIORITY_TOO_LOW", old: 10n, new: 5n });
    });

    it("drops a newcomer that is the worst of a full pool (IMMEDIATELY_DROPPED)", () => {
      const { pool, submit } = setup({ ready: { count: 2, bytes: 1 << 20 } });
      submit({ sender: "A", nonce: 0, tip: 5 });
      submit({ sender: "B", nonce: 0, tip: 5 });
      const events: string[] = [];
      pool.onStatus((_hash, status) => events.push(status.type));
      throwsCode(() => submit({ sender: "C", nonce: 0, tip: 5 }), { code: "IMMEDIATELY_DROPPED" });
      throwsCode(() => submit({ sender: "C", nonce: 0, tip: 4 }), { code: "IMMEDIATELY_DROPPED" });
      assert.deepEqual(labels(pool.ready()), ["A0", "B0"]);
      assert.deepEqual(events, [], "listeners never hear of a transaction that did not get in");
    });
  });

  describe("ready and future queues", () => {
    it("puts the account nonce and its successors in ready, a nonce after a gap in future", () => {
      const { pool, submit, validator } = setup();
      validator.nonces.set("A", 5);
      submit({ sender: "A", nonce: 5 });
      submit({ sender: "A", nonce: 6 });
      submit({ sender: "A", nonce: 8 });
      assert.equal(pool.readyCount, 2);
      assert.equal(pool.futureCount, 1);
      assert.equal(pool.size, 3);
      assert.deepEqual(labels(pool.ready()), ["A5", "A6"]);
      assert.deepEqual(labels(pool.pending()), ["A5", "A6", "A8"]);
    });

    it("promotes future transactions when the gap is filled", () => {
      const { pool, submit } = setup();
      submit({ sender: "A", nonce: 2 });
      submit({ sender: "A", nonce: 1 });
      assert.equal(pool.readyCount, 0);
      submit({ sender: "A", nonce: 0 });
      assert.deepEqual(labels(pool.ready()), ["A0", "A1", "A2"]);
      assert.equal(pool.futureCount, 0);
    });

    it("promotes future transactions when an imported block moves the account nonce", () => {
      const { pool, submit, importBlock } = setup();
      submit({ sender: "A", nonce: 1 });
      submit({ sender: "A", nonce: 2 });
      assert.equal(pool.readyCount, 0);
      // Nonce 0 was included from elsewhere (another node's pool).
      importBlock([fakeTx({ sender: "A", nonce: 0, salt: "elsewhere" })]);
      assert.deepEqual(labels(pool.ready()), ["A1", "A2"]);
    });

    it("removes included transactions on import and keeps the rest", () => {
      const { pool, submit, importBlock } = setup();
      const a0 = fakeTx({ sender: "A", nonce: 0 });
      pool.submit(a0);
      submit({ sender: "A", nonce: 1 });
      submit({ sender: "B", nonce: 0 });
      importBlock([a0]);
      assert.deepEqual(labels(pool.ready()), ["A1", "B0"]);
      assert.equal(pool.has(hashOf(a0)), false);
    });

    it("drops transactions made stale by a block that used their nonce", () => {
      const { pool, submit, importBlock } = setup();
      const pooled = submit({ sender: "A", nonce: 0, tip: 1 });
      importBlock([fakeTx({ sender: "A", nonce: 0, tip: 2 })]);
      assert.equal(pool.has(pooled.hash), false);
      throwsCode(() => pool.submit(pooled.bytes), { code: "TEMPORARILY_BANNED" });
    });

    it("drops transactions that fail the recheck after a block", () => {
      const { pool, submit, importBlock, validator } = setup();
      submit({ sender: "A", nonce: 0 });
      submit({ sender: "B", nonce: 0 });
      validator.cannotPay.add("A");
      importBlock();
      assert.deepEqual(labels(pool.pending()), ["B0"]);
      assert.equal(validator.recheckCalls, 2);
    });

    it("remove() takes out a failing transaction and sends its successors back to future", () => {
      const { pool, submit } = setup();
      const a0 = submit({ sender: "A", nonce: 0 });
      submit({ sender: "A", nonce: 1 });
      submit({ sender: "B", nonce: 0 });
      assert.deepEqual(labels(pool.remove([a0.hash], "invalid")), ["A0"]);
      assert.deepEqual(labels(pool.ready()), ["B0"]);
      assert.equal(pool.futureCount, 1);
      throwsCode(() => pool.submit(a0.bytes), { code: "TEMPORARILY_BANNED" });
    });

    it("remove() with reason dropped does not ban", () => {
      const { pool, submit } = setup();
      const a0 = submit({ sender: "A", nonce: 0 });
      pool.remove([a0.hash], "dropped");
      assert.equal(pool.submit(a0.bytes).nonce, 0);
    });
  });

  describe("ready() order", () => {
    it("takes the best tip among each sender's next nonce, keeping each sender's nonces in order", () => {
      const { pool, submit } = setup();
      submit({ sender: "A", nonce: 0, tip: 1 });
      submit({ sender: "A", nonce: 1, tip: 100 });
      submit({ sender: "B", nonce: 0, tip: 50 });
      submit({ sender: "B", nonce: 1, tip: 2 });
      submit({ sender: "C", nonce: 0, tip: 10 });
      assert.deepEqual(labels(pool.ready()), ["B0", "C0", "B1", "A0", "A1"]);
    });

    it("breaks tip ties by submission order", () => {
      const { pool, submit } = setup();
      submit({ sender: "C", nonce: 0, tip: 7 });
      submit({ sender: "A", nonce: 0, tip: 7 });
      submit({ sender: "B", nonce: 0, tip: 7 });
      assert.deepEqual(labels(pool.ready()), ["C0", "A0", "B0"]);
    });

    it("matches a brute-force greedy order on thousands of transactions", () => {
      const { pool, submit } = setup();
      let seed = 42;
      const rand = (n: number): number => {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        return seed % n;
      };
      const chains = new Map<string, ValidTransaction[]>();
      const submittedAt = new Map<ValidTransaction, number>();
      for (let i = 0; i < 3000; i++) {
        const sender = `S${rand(200)}`;
        const chain = chains.get(sender) ?? [];
        chains.set(sender, chain);
        const tx = submit({ sender, nonce: chain.length, tip: rand(20) });
        chain.push(tx);
        submittedAt.set(tx, i);
      }
      // Reference: scan every sender's next transaction at each step.
      const expected: ValidTransaction[] = [];
      for (;;) {
        let best: ValidTransaction | undefined;
        for (const chain of chains.values()) {
          const head = chain[0];
          if (!head) continue;
          if (!best || head.priority > best.priority || (head.priority === best.priority && submittedAt.get(head)! < submittedAt.get(best)!)) {
            best = head;
          }
        }
        if (!best) break;
        expected.push(chains.get(best.sender)!.shift()!);
      }
      assert.equal(expected.length, 3000);
      assert.deepEqual(labels(pool.ready()), labels(expected));
    });
  });

  describe("replacement", () => {
    it("replaces a ready transaction with a higher tip at the same place in the chain", () => {
      const { pool, submit } = setup();
      const old = submit({ sender: "A", nonce: 0, tip: 1 });
      submit({ sender: "A", nonce: 1, tip: 1 });
      const seen = record(pool, old.hash);
      const better = submit({ sender: "A", nonce: 0, tip: 9 });
      assert.deepEqual(seen, [`usurped by ${toHex(better.hash)}`]);
      assert.equal(pool.has(old.hash), false);
      assert.deepEqual(
        pool.ready().map((tx) => tx.priority),
        [9n, 1n],
      );
      assert.equal(pool.size, 2);
    });

    it("replaces a future transaction and keeps it in future", () => {
      const { pool, submit } = setup();
      submit({ sender: "A", nonce: 3, tip: 1 });
      submit({ sender: "A", nonce: 3, tip: 2 });
      assert.equal(pool.futureCount, 1);
      assert.equal(pool.pending()[0].priority, 2n);
    });
  });

  describe("limits and eviction", () => {
    it("evicts the lowest-tip ready transaction for a better newcomer", () => {
      const { pool, submit } = setup({ ready: { count: 3, bytes: 1 << 20 } });
      const low = submit({ sender: "A", nonce: 0, tip: 1 });
      submit({ sender: "B", nonce: 0, tip: 5 });
      submit({ sender: "C", nonce: 0, tip: 3 });
      const seen = record(pool, low.hash);
      submit({ sender: "D", nonce: 0, tip: 2 });
      assert.deepEqual(labels(pool.ready()), ["B0", "C0", "D0"]);
      assert.deepEqual(seen, ["dropped"]);
    });

    it("evicts from the tail of a sender's chain, never leaving a nonce gap", () => {
      const { pool, submit } = setup({ ready: { count: 3, bytes: 1 << 20 } });
      // A0 has the lowest tip but A1 depends on it: the chain's tail A1 goes first.
      submit({ sender: "A", nonce: 0, tip: 1 });
      submit({ sender: "A", nonce: 1, tip: 2 });
      submit({ sender: "B", nonce: 0, tip: 5 });
      submit({ sender: "C", nonce: 0, tip: 4 });
      assert.deepEqual(labels(pool.ready()), ["B0", "C0", "A0"]);
      submit({ sender: "D", nonce: 0, tip: 3 });
      assert.deepEqual(labels(pool.ready()), ["B0", "C0", "D0"]);
      assert.equal(pool.futureCount, 0);
    });

    it("among equal tips evicts the most recent submission", () => {
      const { pool, submit } = setup({ ready: { count: 2, bytes: 1 << 20 } });
      submit({ sender: "A", nonce: 0, tip: 1 });
      submit({ sender: "B", nonce: 0, tip: 1 });
      submit({ sender: "C", nonce: 0, tip: 2 });
      assert.deepEqual(labels(pool.ready()), ["C0", "A0"]);
    });

    it("enforces the ready bytes limit", () => {
      const one = fakeTx({ sender: "A", nonce: 0, tip: 1, pad: 1000 }).length;
      const { pool, submit } = setup({ ready: { count: 100, bytes: 2 * one + 10 } });
      submit({ sender: "A", nonce: 0, tip: 1, pad: 1000 });
      submit({ sender: "B", nonce: 0, tip: 3, pad: 1000 });
      submit({ sender: "C", nonce: 0, tip: 2, pad: 1000 });
      assert.deepEqual(labels(pool.ready()), ["B0", "C0"]);
      throwsCode(() => submit({ sender: "D", nonce: 0, tip: 1, pad: 1000 }), { code: "IMMEDIATELY_DROPPED" });
    });

    it("enforces the future count and bytes limits separately from ready", () => {
      const { pool, submit } = setup({ future: { count: 2, bytes: 1 << 20 } });
      submit({ sender: "A", nonce: 0 });
      submit({ sender: "A", nonce: 5, tip: 1 });
      submit({ sender: "B", nonce: 5, tip: 3 });
      submit({ sender: "C", nonce: 5, tip: 2 });
      assert.equal(pool.readyCount, 1);
      assert.deepEqual(labels(pool.pending()), ["A0", "B5", "C5"]);
      throwsCode(() => submit({ sender: "D", nonce: 5, tip: 0 }), { code: "IMMEDIATELY_DROPPED" });

      const big = fakeTx({ sender: "E", nonce: 5, pad: 1000 }).length;
      const bytes = setup({ future: { count: 100, bytes: big + 10 } });
      bytes.submit({ sender: "E", nonce: 5, tip: 1, pad: 1000 });
      bytes.submit({ sender: "F", nonce: 5, tip: 2, pad: 1000 });
      assert.deepEqual(labels(bytes.pool.pending()), ["F5"]);
    });

    it("enforces the ready limit after an import promotes future transactions", () => {
      const { pool, submit, importBlock } = setup({ ready: { count: 2, bytes: 1 << 20 } });
      submit({ sender: "A", nonce: 1, tip: 1 });
      submit({ sender: "A", nonce: 2, tip: 1 });
      submit({ sender: "B", nonce: 0, tip: 5 });
      importBlock([fakeTx({ sender: "A", nonce: 0, salt: "elsewhere" })]);
      assert.equal(pool.readyCount, 2);
      assert.deepEqual(labels(pool.ready()), ["B0", "A1"]);
    });
  });

  describe("mortality", () => {
    it("invalidates a transaction once the next block is past its validUntil", () => {
      const { pool, submit, importBlock } = setup();
      const mortal = submit({ sender: "A", nonce: 0, validUntil: 3 });
      const seen = record(pool, mortal.hash);
      importBlock();
      importBlock();
      assert.equal(pool.has(mortal.hash), true, "block 3 may still include it");
      importBlock();
      assert.equal(pool.has(mortal.hash), false);
      assert.deepEqual(seen, ["invalid"]);
    });
  });

  describe("bans", () => {
    it("bans included transactions for banBlocks blocks", () => {
      const { pool, importBlock } = setup({ banBlocks: 3 });
      const bytes = fakeTx({ sender: "A", nonce: 0 });
      importBlock([bytes]); // #1: banned through #4
      importBlock();
      importBlock();
      importBlock();
      throwsCode(() => pool.submit(bytes), { code: "TEMPORARILY_BANNED" });
      importBlock(); // #5
      // The ban ended: the transaction is validated again, and is now stale.
      throwsCode(() => pool.submit(bytes), { code: "INVALID", reason: "STALE" });
    });

    it("remembers at most maxBanned hashes", () => {
      const { pool } = setup({ maxBanned: 2 });
      const bad = [0, 1, 2].map((nonce) => fakeTx({ sender: "A", nonce, badSignature: true }));
      for (const bytes of bad) throwsCode(() => pool.submit(bytes), { code: "INVALID", reason: "BAD_PROOF" });
      throwsCode(() => pool.submit(bad[0]), { code: "INVALID", reason: "BAD_PROOF" });
      throwsCode(() => pool.submit(bad[2]), { code: "TEMPORARILY_BANNED" });
    });
  });

  describe("watchers", () => {
    it("sees ready → inBlock → finalized, then is cleaned up", () => {
      const { pool, submit, importBlock } = setup();
      const tx = submit({ sender: "A", nonce: 0 });
      assert.deepEqual(pool.status(tx.hash), { type: "ready" });
      const seen = record(pool, tx.hash);
      const blockHash = importBlock([tx.bytes]);
      assert.deepEqual(pool.status(tx.hash), { type: "inBlock", blockHash });
      pool.onBlockFinalized({ hash: blockHash, extrinsicHashes: [tx.hash] });
      const block = toHex(blockHash);
      assert.deepEqual(seen, [`inBlock@${block}`, `finalized@${block}`]);
      assert.equal(pool.status(tx.hash), undefined);
      assert.throws(() => pool.watch(tx.hash, () => {}), /not in the pool/);
    });

    it("sees future → ready when the gap closes", () => {
      const { pool, submit } = setup();
      const a1 = submit({ sender: "A", nonce: 1 });
      assert.deepEqual(pool.status(a1.hash), { type: "future" });
      const seen = record(pool, a1.hash);
      submit({ sender: "A", nonce: 0 });
      assert.deepEqual(seen, ["ready"]);
    });

    it("sees dropped on eviction and invalid on a failed recheck", () => {
      const { pool, submit, importBlock, validator } = setup({ ready: { count: 1, bytes: 1 << 20 } });
      const evicted = submit({ sender: "A", nonce: 0, tip: 1 });
      const dropped = record(pool, evicted.hash);
      const kept = submit({ sender: "B", nonce: 0, tip: 2 });
      assert.deepEqual(dropped, ["dropped"]);
      const invalid = record(pool, kept.hash);
      validator.cannotPay.add("B");
      importBlock();
      assert.deepEqual(invalid, ["invalid"]);
    });

    it("sees future when remove() takes out a predecessor", () => {
      const { pool, submit } = setup();
      const a0 = submit({ sender: "A", nonce: 0 });
      const a1 = submit({ sender: "A", nonce: 1 });
      const seen = record(pool, a1.hash);
      pool.remove([a0.hash], "invalid");
      assert.deepEqual(seen, ["future"]);
    });

    it("reports finalityTimeout when the including block is not finalized in time", () => {
      const { pool, submit, importBlock } = setup({ finalityTimeoutBlocks: 2 });
      const tx = submit({ sender: "A", nonce: 0 });
      const seen = record(pool, tx.hash);
      const blockHash = importBlock([tx.bytes]); // #1
      importBlock(); // #2
      importBlock(); // #3
      assert.equal(seen.length, 1);
      importBlock(); // #4: more than 2 blocks after inclusion
      assert.deepEqual(seen, [`inBlock@${toHex(blockHash)}`, `finalityTimeout@${toHex(blockHash)}`]);
      pool.onBlockFinalized({ hash: blockHash, extrinsicHashes: [tx.hash] });
      assert.equal(seen.length, 2);
    });

    it("stops after unwatch, and a failing listener does not break the pool", () => {
      const { pool, submit } = setup();
      const a1 = submit({ sender: "A", nonce: 1 });
      const seen: string[] = [];
      const unwatch = pool.watch(a1.hash, (s) => seen.push(s.type));
      pool.watch(a1.hash, () => {
        throw new Error("listener bug");
      });
      unwatch();
      submit({ sender: "A", nonce: 0 });
      assert.deepEqual(seen, []);
      assert.equal(pool.readyCount, 2);
    });

    it("onStatus sees every transaction's statuses in order", () => {
      const { pool, submit, importBlock } = setup();
      const events: string[] = [];
      pool.onStatus((hash, status) => events.push(`${toHex(hash).slice(0, 6)} ${status.type}`));
      const a1 = submit({ sender: "A", nonce: 1 });
      const a0 = submit({ sender: "A", nonce: 0 });
      importBlock([a0.bytes, a1.bytes]);
      const [h0, h1] = [a0, a1].map((tx) => toHex(tx.hash).slice(0, 6));
      assert.deepEqual(events, [`${h1} future`, `${h0} ready`, `${h1} ready`, `${h0} inBlock`, `${h1} inBlock`]);
    });

    it("lets a status listener submit another transaction", () => {
      const { pool, submit } = setup();
      const follow = fakeTx({ sender: "B", nonce: 0 });
      pool.onStatus((_hash, status) => {
        if (status.type === "ready" && !pool.has(hashOf(follow))) pool.submit(follow);
      });
      submit({ sender: "A", nonce: 0 });
      assert.deepEqual(labels(pool.ready()), ["A0", "B0"]);
    });
  });

  describe("metrics", () => {
    it("reports queue sizes, submissions, validations and rejections by code", async () => {
      const registry = new Registry();
      const validator = new FakeValidator();
      const pool = new TxPool({}, { validator, logger: nullLogger(), metrics: createTxPoolMetrics(registry) });
      const a0 = fakeTx({ sender: "A", nonce: 0 });
      pool.submit(a0);
      pool.submit(fakeTx({ sender: "A", nonce: 2 }));
      assert.throws(() => pool.submit(a0));
      assert.throws(() => pool.submit(fakeTx({ sender: "B", nonce: 0, badSignature: true })));
      const text = await registry.metrics();
      assert.match(text, /^substrate_ready_transactions_number 1$/m);
      assert.match(text, /^substrate_future_transactions_number 1$/m);
      assert.match(text, /^substrate_sub_txpool_submitted_transactions 4$/m);
      assert.match(text, /^substrate_sub_txpool_validations_finished 3$/m);
      assert.match(text, /^arkreen_txpool_rejected_transactions_total\{code="ALREADY_IMPORTED"\} 1$/m);
      assert.match(text, /^arkreen_txpool_rejected_transactions_total\{code="INVALID"\} 1$/m);
    });
  });
});
