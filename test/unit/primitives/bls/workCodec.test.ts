import assert from "node:assert/strict";
import { decodeJobs, decodeResults, encodeJobs, encodeResults } from "../../../../primitives/bls/workCodec.ts";
import type { VerifyJob } from "../../../../primitives/bls/verifyJobs.ts";

const bytes = (length: number, fill: number): Uint8Array => new Uint8Array(length).fill(fill);

describe("BLS work codec", function () {
  it("carries jobs to a worker byte for byte, malformed lengths included", function () {
    const jobs: VerifyJob[] = [
      {
        kind: "distinct",
        sets: [
          { publicKey: bytes(48, 1), message: bytes(32, 2), signature: bytes(96, 3) },
          { publicKey: [bytes(48, 4), bytes(47, 5)], message: bytes(0, 0), signature: bytes(95, 6) },
          { publicKey: [], message: bytes(1000, 7), signature: bytes(0, 0) },
        ],
      },
      { kind: "same", message: bytes(32, 8), sets: [{ publicKey: bytes(49, 9), signature: bytes(96, 10) }] },
      { kind: "same", message: bytes(32, 11), sets: [] },
      { kind: "distinct", sets: [{ publicKey: bytes(48, 12), message: bytes(32, 13), signature: bytes(96, 14) }], uncompressed: true },
    ];
    const decoded = decodeJobs(encodeJobs(jobs));
    // deepEqual compares Uint8Array contents; views into one buffer compare like copies.
    assert.deepEqual(decoded, [{ ...jobs[0], uncompressed: false }, jobs[1], jobs[2], jobs[3]]);
  });

  it("packs results one byte per set in job order, and the uncompressed signatures of valid sets that asked", function () {
    const sig = (fill: number): Uint8Array => bytes(192, fill);
    const results = [
      { valid: [true, false], uncompressed: null },
      { valid: [], uncompressed: null },
      { valid: [false, true, true], uncompressed: [null, sig(1), sig(2)] },
    ];
    const encoded = encodeResults(results);
    assert.deepEqual([...encoded.valid], [1, 0, 0, 1, 1]);
    assert.equal(encoded.uncompressed.length, 2 * 192);
    const jobs = results.map((r) => ({ setCount: r.valid.length, uncompressed: r.uncompressed !== null }));
    assert.deepEqual(decodeResults(encoded, jobs), results);
  });
});
