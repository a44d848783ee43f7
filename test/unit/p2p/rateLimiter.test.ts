import assert from "node:assert/strict";
import { PeerRateLimiter } from "../../../p2p/rateLimiter.ts";

describe("p2p: per-peer rate limiter", () => {
  it("allows a burst, then the average rate, per peer", () => {
    let now = 0;
    const limiter = new PeerRateLimiter({ perSecond: 1, burst: 5 }, { now: () => now });
    for (let i = 0; i < 5; i++) assert.equal(limiter.take("a"), true);
    assert.equal(limiter.take("a"), false, "over the burst");
    assert.equal(limiter.take("b"), true, "another peer has its own bucket");
    now += 1000;
    assert.equal(limiter.take("a"), true, "one token a second");
    assert.equal(limiter.take("a"), false);
  });

  it("holds buckets only for peers that asked recently: 100,000 peer ids one request each leave a bounded map", () => {
    let now = 0;
    const limiter = new PeerRateLimiter({ perSecond: 1, burst: 5 }, { now: () => now });
    for (let i = 0; i < 100_000; i++) {
      limiter.take(`peer-${i}`);
      now += 10; // 100 new peer ids a second; a bucket is full again 1 s after its one request
    }
    assert.ok(limiter.size <= 2 * 100 + 64, `${limiter.size} buckets held`);
  });

  it("a peer over its rate stays limited across a sweep (reconnecting does not refill it)", () => {
    const limiter = new PeerRateLimiter({ perSecond: 1, burst: 5 }, { now: () => 0 });
    for (let i = 0; i < 5; i++) limiter.take("greedy");
    for (let i = 0; i < 200; i++) limiter.take(`other-${i}`);
    assert.equal(limiter.take("greedy"), false);
  });
});
