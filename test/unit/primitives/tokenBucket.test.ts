import assert from "node:assert/strict";
import { TokenBucket } from "../../../primitives/tokenBucket.ts";

describe("TokenBucket", () => {
  it("starts full (or at `initial`), refills at the rate and never holds more than its capacity", () => {
    const bucket = new TokenBucket({ capacity: 5, perSecond: 2, initial: 1 }, 0);
    assert.ok(bucket.tryTake(1, 0));
    assert.ok(!bucket.tryTake(1, 0));
    assert.ok(!bucket.tryTake(1, 499), "half a token");
    assert.ok(bucket.tryTake(1, 500));
    assert.equal(bucket.tokens(60_000), 5);
    assert.ok(bucket.isFull(60_000));
    assert.ok(new TokenBucket({ capacity: 3, perSecond: 1 }, 0).isFull(0), "full without `initial`");
  });

  it("takes work larger than the bucket only when it is full, leaving a debt to earn back", () => {
    const bucket = new TokenBucket({ capacity: 10, perSecond: 10 }, 0);
    assert.ok(bucket.tryTake(11, 0), "full: the large work passes");
    assert.equal(bucket.tokens(0), -1);
    assert.ok(!bucket.tryTake(11, 1_000), "9 tokens: not full");
    assert.equal(bucket.msUntil(10, 1_000), 100);
  });

  it("charges down to its floor, and says how long until it holds a token again", () => {
    const bucket = new TokenBucket({ capacity: 100, perSecond: 1, floor: -100 }, 0);
    bucket.charge(500, 0);
    assert.equal(bucket.tokens(0), -100);
    assert.equal(bucket.msUntil(1, 0), 101_000);
    assert.equal(bucket.msUntil(1, 101_000), 0);
  });
});
