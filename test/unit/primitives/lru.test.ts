import assert from "node:assert/strict";
import { BoundedLru } from "../../../primitives/lru.ts";

describe("BoundedLru", () => {
  it("never holds more than its capacity and evicts the least recently used", () => {
    const lru = new BoundedLru<string, number>(2);
    lru.set("a", 1);
    lru.set("b", 2);
    assert.equal(lru.get("a"), 1); // "b" is now the oldest
    lru.set("c", 3);
    assert.equal(lru.size, 2);
    assert.equal(lru.get("b"), undefined);
    assert.equal(lru.get("a"), 1);
    assert.equal(lru.get("c"), 3);
  });

  it("overwrites an existing key without evicting another", () => {
    const lru = new BoundedLru<string, number>(2);
    lru.set("a", 1);
    lru.set("b", 2);
    lru.set("a", 10);
    assert.equal(lru.size, 2);
    assert.equal(lru.get("a"), 10);
    assert.equal(lru.get("b"), 2);
  });

  it("refuses a capacity below one", () => {
    assert.throws(() => new BoundedLru(0), RangeError);
  });
});
