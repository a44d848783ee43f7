import assert from "node:assert/strict";
import { AdaptiveBatchSize } from "../../../../primitives/bls/batchSize.ts";

describe("AdaptiveBatchSize", function () {
  it("starts at the maximum, halves on each failed batch down to the minimum, and grows back on clean ones", function () {
    const size = new AdaptiveBatchSize({ min: 8, max: 128 });
    assert.equal(size.current, 128);
    const afterFailures = [1, 2, 3, 4, 5].map(() => (size.record(true), size.current));
    assert.deepEqual(afterFailures, [64, 32, 16, 8, 8]);
    for (let i = 0; i < 100; i++) size.record(false);
    assert.equal(size.current, 128);
  });

  it("settles well below the maximum under one invalid set in 128", function () {
    const size = new AdaptiveBatchSize({ min: 8, max: 128 });
    const seen: number[] = [];
    // Sets stream past with an invalid one at every multiple of 128.
    for (let position = 0; position < 128 * 200; ) {
      const next = position + size.current;
      const failed = Math.ceil(position / 128) * 128 < next;
      size.record(failed);
      seen.push(size.current);
      position = next;
    }
    const average = seen.slice(-200).reduce((a, b) => a + b, 0) / 200;
    assert.ok(average >= 16 && average <= 64, `average batch ${average}`);
  });
});
