import { strict as assert } from "node:assert";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { toHex, u32ToBytes } from "../../../primitives/bytes.ts";
import { blake2b256 } from "../../../primitives/hash.ts";
import { nullLogger } from "../../../primitives/logger.ts";
import { Database } from "../../../node/db/database.ts";
import { READING_SIGNATURE_BUCKET, SignatureStore } from "../../../node/readings/signatureStore.ts";

/** A distinct fake reading encoding and 96-byte signature per (device, interval): the store keeps bytes, it verifies nothing. */
const encoded = (d: number, i: number) => Uint8Array.of(...u32ToBytes(d), ...u32ToBytes(i), 1);
const signature = (d: number, i: number) => new Uint8Array(96).fill((d * 31 + i) % 251);

async function bucketSize(db: Database): Promise<number> {
  let n = 0;
  for await (const _ of db.keys(Uint8Array.of(READING_SIGNATURE_BUCKET))) n++;
  return n;
}

describe("SignatureStore (LevelDB)", () => {
  let dir: string;
  let db: Database;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "arkreen-sigstore-"));
    db = await Database.open(dir);
  });
  afterEach(async () => {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("keeps the pooled signatures of a block's readings (only those the pool holds), survives a reopen, removes them after the window with bounded work per finalization", async () => {
    const store = new SignatureStore({ windowBlocks: 10, maxRemovalsPerFinalization: 3 }, { db, logger: nullLogger() });
    const block = (n: number, devices: number[]) => devices.map((d) => ({ deviceId: d, interval: 100 + n, encoded: encoded(d, 100 + n) }));
    // The pool holds device 2's reading of block 1 no more (e.g. it came by sync): no signature for it.
    await store.onBlock(1, block(1, [0, 1, 2]), (d, i) => (d === 2 ? undefined : signature(d, i)));
    await store.onBlock(2, block(2, [0, 1]), (d, i) => signature(d, i));
    await store.onBlock(5, block(5, [0]), (d, i) => signature(d, i));
    const kept = store.get(1, 101);
    assert.ok(kept);
    assert.equal(toHex(kept.signature), toHex(signature(1, 101)));
    assert.equal(toHex(kept.readingHash), toHex(blake2b256(encoded(1, 101))));
    assert.equal(kept.block, 1);
    assert.equal(store.get(2, 101), undefined);
    assert.equal(await bucketSize(db), 2 * 5, "an entry and an expiry index key per signature");

    await db.close();
    db = await Database.open(dir);
    const reopened = new SignatureStore({ windowBlocks: 10, maxRemovalsPerFinalization: 3 }, { db, logger: nullLogger() });
    assert.equal(reopened.get(0, 102)?.block, 2);

    await reopened.onFinalized(10); // cutoff 0: nothing is old enough
    assert.equal(await bucketSize(db), 10);
    await reopened.onFinalized(12); // cutoff 2: blocks 1 and 2 hold 4 signatures, at most 3 go
    assert.equal(await bucketSize(db), 2 * 2);
    assert.equal(reopened.get(0, 101), undefined, "oldest first");
    await reopened.onFinalized(13);
    assert.equal(await bucketSize(db), 2);
    assert.equal(reopened.get(0, 105)?.block, 5, "inside the window: kept");
  });

  it("a slot credited again by another block (a reorg) keeps one entry and one expiry key", async () => {
    const store = new SignatureStore({ windowBlocks: 1 }, { db, logger: nullLogger() });
    const reading = [{ deviceId: 3, interval: 7, encoded: encoded(3, 7) }];
    await store.onBlock(4, reading, (d, i) => signature(d, i));
    await store.onBlock(5, reading, (d, i) => signature(d, i));
    assert.equal(store.get(3, 7)?.block, 5);
    assert.equal(await bucketSize(db), 2);
    await store.onFinalized(6);
    assert.equal(await bucketSize(db), 0);
  });

  it("two blocks crediting a slot before the first one's write lands leave no stale expiry key to remove the current entry early", async () => {
    const store = new SignatureStore({ windowBlocks: 1 }, { db, logger: nullLogger() });
    const reading = [{ deviceId: 3, interval: 7, encoded: encoded(3, 7) }];
    // Not awaited in between: the second call comes while the first batch is still queued.
    const first = store.onBlock(4, reading, (d, i) => signature(d, i));
    const second = store.onBlock(5, reading, (d, i) => signature(d, i));
    await Promise.all([first, second]);
    assert.equal(store.get(3, 7)?.block, 5);
    assert.equal(await bucketSize(db), 2, "one entry and block 5's expiry key; block 4's is gone");
    await store.onFinalized(5); // cutoff 4: block 4's expiry key would remove the entry block 5 wrote
    assert.equal(store.get(3, 7)?.block, 5, "kept until block 5's own expiry");
    await store.onFinalized(6);
    assert.equal(await bucketSize(db), 0);
  });
});
