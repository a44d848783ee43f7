import { strict as assert } from "node:assert";
import type { Block } from "../../../primitives/codec/index.ts";
import { MAX_RANGE_READINGS, readingsBoundedChunks } from "../../../node/chain/chain.ts";

/** Blocks that carry `counts[i]` readings each (only the count matters to the chunking). */
function blocksWith(counts: number[]): Block[] {
  return counts.map((n) => ({ header: undefined as never, extrinsics: [], readings: Array.from({ length: n }, () => new Uint8Array(0)) }));
}

describe("range import chunks: a synced range is staged at most MAX_RANGE_READINGS readings at a time", () => {
  it("keeps empty and light ranges whole, cuts heavy ones before the block that would pass the bound, and gives an oversized block a chunk of its own", () => {
    assert.deepEqual(readingsBoundedChunks(blocksWith(Array(128).fill(0))), [{ from: 0, to: 128 }]);
    assert.deepEqual(readingsBoundedChunks(blocksWith([])), []);
    const full = 10_000;
    assert.deepEqual(readingsBoundedChunks(blocksWith([full, full, full, 0, full])), [
      { from: 0, to: 2 },
      { from: 2, to: 5 },
    ]);
    assert.deepEqual(readingsBoundedChunks(blocksWith([5, MAX_RANGE_READINGS + 1, 5])), [
      { from: 0, to: 1 },
      { from: 1, to: 2 },
      { from: 2, to: 3 },
    ]);
    const mixed = blocksWith(Array.from({ length: 128 }, (_, i) => (i * 997) % 6_000));
    const chunks = readingsBoundedChunks(mixed);
    assert.deepEqual(chunks.map((c) => [c.from, c.to]).flat(), [0, ...chunks.slice(1).flatMap((c) => [c.from, c.from]), 128], "contiguous, in order, covering the range");
    for (const chunk of chunks) {
      const total = mixed.slice(chunk.from, chunk.to).reduce((sum, b) => sum + (b.readings?.length ?? 0), 0);
      assert.ok(total <= MAX_RANGE_READINGS, `chunk ${chunk.from}-${chunk.to} holds ${total}`);
      if (chunk.to < 128) assert.ok(total + (mixed[chunk.to].readings?.length ?? 0) > MAX_RANGE_READINGS, "cut only where the next block would pass the bound");
    }
  });
});
