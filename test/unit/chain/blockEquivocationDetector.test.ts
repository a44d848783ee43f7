import { strict as assert } from "node:assert";
import { auraPreDigest } from "../../../primitives/digest.ts";
import type { Header } from "../../../primitives/codec/index.ts";
import { devKeypair } from "../../../primitives/keys/devAccounts.ts";
import { sealHeader } from "../../../primitives/seal.ts";
import { BlockEquivocationDetector } from "../../../node/chain/blockEquivocation.ts";
import { headerHash } from "../../../node/chain/chain.ts";

const alice = devKeypair("Alice");
const bob = devKeypair("Bob");

function header(slot: bigint, variant = 0): Header {
  const h: Header = { parentHash: new Uint8Array(32), number: 1, stateRoot: new Uint8Array(32).fill(variant), extrinsicsRoot: new Uint8Array(32), digest: [auraPreDigest(slot)] };
  return sealHeader(h, alice.secretSeed);
}

describe("BlockEquivocationDetector: sealed headers per (slot, author), in a bounded window", () => {
  it("tells a first header, the same one again (and whether it failed), and another one by the same author", () => {
    const d = new BlockEquivocationDetector({});
    const [a, b] = [header(10n), header(10n, 1)];
    assert.deepEqual(d.onSealed(a, headerHash(a), alice.publicKey, 10n), { kind: "first" });
    assert.deepEqual(d.onSealed(a, headerHash(a), alice.publicKey, 10n), { kind: "again", failed: false });
    d.markFailed(10n, headerHash(a));
    assert.deepEqual(d.onSealed(a, headerHash(a), alice.publicKey, 10n), { kind: "again", failed: true });
    assert.deepEqual(d.onSealed(b, headerHash(b), bob.publicKey, 10n), { kind: "first" }, "another author in the same slot (another fork's set) is no equivocation");
    const first = d.onSealed(b, headerHash(b), alice.publicKey, 10n);
    assert.equal(first.kind, "equivocation");
    assert.ok(first.kind === "equivocation" && first.first && first.detected.slot === 10n);
    const again = d.onSealed(header(10n, 2), headerHash(header(10n, 2)), alice.publicKey, 10n);
    assert.ok(again.kind === "equivocation" && !again.first, "reported once per (slot, author)");
  });

  it("a failed pairing refuses that header with that aggregate only (a relayer may have swapped it), and with any aggregate after four; a failed execution with any", () => {
    const d = new BlockEquivocationDetector({});
    const a = header(10n);
    const aggregate = (n: number) => new Uint8Array(96).fill(n);
    assert.equal(d.onSealed(a, headerHash(a), alice.publicKey, 10n, aggregate(1)).kind, "first");
    d.markAggregateFailed(10n, headerHash(a), aggregate(1));
    assert.deepEqual(d.onSealed(a, headerHash(a), alice.publicKey, 10n, aggregate(1)), { kind: "again", failed: true });
    assert.deepEqual(d.onSealed(a, headerHash(a), alice.publicKey, 10n, aggregate(2)), { kind: "again", failed: false }, "the author's own aggregate is still checked");
    for (const n of [2, 3, 4]) d.markAggregateFailed(10n, headerHash(a), aggregate(n));
    assert.deepEqual(d.onSealed(a, headerHash(a), alice.publicKey, 10n, aggregate(5)), { kind: "again", failed: true }, "past four failed aggregates, none is checked");

    const b = header(11n);
    d.onSealed(b, headerHash(b), alice.publicKey, 11n, aggregate(1));
    d.markFailed(11n, headerHash(b));
    assert.deepEqual(d.onSealed(b, headerHash(b), alice.publicKey, 11n, aggregate(2)), { kind: "again", failed: true });
  });

  it("keeps the slots from highest − maxSlots up; older ones are stale and never remembered", () => {
    const d = new BlockEquivocationDetector({ maxSlots: 4 });
    for (let s = 1n; s <= 20n; s++) d.onSealed(header(s), headerHash(header(s)), alice.publicKey, s);
    assert.equal(d.size, 5);
    assert.deepEqual(d.onSealed(header(15n, 1), headerHash(header(15n, 1)), alice.publicKey, 15n), { kind: "stale", floor: 16n });
    assert.equal(d.onSealed(header(16n, 1), headerHash(header(16n, 1)), alice.publicKey, 16n).kind, "equivocation");
    assert.equal(d.size, 5);
  });
});
