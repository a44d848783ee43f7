import assert from "node:assert/strict";
import * as blst from "@chainsafe/blst";
import { createBlsVerifier, type AggregatePart, type BlsVerifier } from "../../../../primitives/bls/index.ts";
import { decodeJobs, encodeJobs } from "../../../../primitives/bls/workCodec.ts";
import { nullLogger } from "../../../../primitives/logger.ts";
import { badPublicKeys, badSignatures, validSets } from "./fixtures.ts";

/** `count` (key, message) parts and the aggregate of their signatures, as a block carries its readings. */
function aggregateOf(count: number, from = 0): { parts: AggregatePart[]; signature: Uint8Array } {
  const sets = validSets(count, from);
  const signature = blst.aggregateSerializedSignatures(sets.map((s) => s.signature), true).toBytes(true);
  return { parts: sets.map((s) => ({ publicKey: s.publicKey as Uint8Array, message: s.message })), signature };
}

describe("BLS aggregate over distinct messages: the codec", () => {
  it("round-trips an aggregate job among other jobs", () => {
    const { parts, signature } = aggregateOf(3);
    const jobs = [{ kind: "distinct" as const, sets: validSets(1), uncompressed: false }, { kind: "aggregate" as const, sets: parts, signature }];
    const decoded = decodeJobs(encodeJobs(jobs));
    assert.equal(decoded[1].kind, "aggregate");
    assert.deepEqual(
      decoded.map((j) => ({ ...j, sets: j.sets.map((s) => Object.fromEntries(Object.entries(s).map(([k, v]) => [k, new Uint8Array(v as Uint8Array)]))) })),
      jobs.map((j) => ({ ...j, sets: j.sets.map((s) => Object.fromEntries(Object.entries(s).map(([k, v]) => [k, new Uint8Array(v as Uint8Array)]))) })),
    );
  });
});

const implementations = [
  { name: "single-thread, native", opts: { mode: "single-thread", backend: "blst-native" } },
  { name: "pool, native", opts: { mode: "pool", backend: "blst-native", poolSize: 2 } },
  { name: "single-thread, WASM", opts: { mode: "single-thread", backend: "herumi-wasm" } },
  { name: "pool, WASM", opts: { mode: "pool", backend: "herumi-wasm", poolSize: 1 } },
] as const;

for (const impl of implementations) {
  describe(`BLS verifyAggregate (${impl.name})`, function () {
    let verifier: BlsVerifier;
    before(async () => {
      verifier = await createBlsVerifier(impl.opts, { logger: nullLogger(), metrics: null });
    });
    after(() => verifier.close());

    it("accepts the aggregate of one signature per part, and answers one boolean for the whole", async () => {
      const { parts, signature } = aggregateOf(40);
      assert.equal(await verifier.verifyAggregate(parts, signature), true);
      assert.equal(await verifier.verifyAggregate(parts.slice(0, 1), aggregateOf(1).signature), true);
    });

    it("refuses a wrong message, a wrong key, a missing or extra part, another aggregate, and no parts", async () => {
      const { parts, signature } = aggregateOf(8);
      const other = aggregateOf(8, 100);
      assert.equal(await verifier.verifyAggregate([{ ...parts[0], message: other.parts[0].message }, ...parts.slice(1)], signature), false);
      assert.equal(await verifier.verifyAggregate([{ ...parts[0], publicKey: other.parts[0].publicKey }, ...parts.slice(1)], signature), false);
      assert.equal(await verifier.verifyAggregate(parts.slice(1), signature), false);
      assert.equal(await verifier.verifyAggregate([...parts, other.parts[0]], signature), false);
      assert.equal(await verifier.verifyAggregate(parts, other.signature), false);
      assert.equal(await verifier.verifyAggregate([], signature), false);
    });

    it("answers false, never throws, for malformed keys and signatures", async () => {
      const { parts, signature } = aggregateOf(4);
      for (const [name, key] of Object.entries(badPublicKeys)) {
        assert.equal(await verifier.verifyAggregate([{ ...parts[0], publicKey: key }, ...parts.slice(1)], signature), false, name);
      }
      for (const [name, bad] of Object.entries(badSignatures)) {
        assert.equal(await verifier.verifyAggregate(parts, bad), false, name);
      }
    });
  });
}
