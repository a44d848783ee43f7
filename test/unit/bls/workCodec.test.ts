import assert from "node:assert/strict";
import { decodeJobs, encodeJobs, encodeResults } from "../../../primitives/bls/workCodec.ts";
import type { VerifyJob } from "../../../primitives/bls/verifyJobs.ts";

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
    ];
    const decoded = decodeJobs(encodeJobs(jobs));
    // deepEqual compares Uint8Array contents; views into one buffer compare like copies.
    assert.deepEqual(decoded, jobs);
  });

  it("packs results one byte per set in job order", function () {
    assert.deepEqual([...encodeResults([[true, false], [], [false, true, true]])], [1, 0, 0, 1, 1]);
  });
});
