import { strict as assert } from "node:assert";
import { bytesEqual, toHex, utf8 } from "../../../primitives/bytes.ts";
import { codecs } from "../../../primitives/codec/index.ts";
import { finalityJustificationCodec } from "../../../primitives/finality/vote.ts";
import { prng } from "../../../primitives/prng.ts";
import { FINALITY_AUTHORITIES_KEY, finalityProofCodec, LightVerifyError, verifyFinalityProof, verifyStorage, type Checkpoint, type FinalityProofFragment } from "../../../light/index.ts";
import {
  chainWithSetChanges,
  checkpointOf,
  encodeProof,
  everyone,
  fragment,
  GENESIS_HASH,
  instantChain,
  justify,
  makeBlock,
  OTHER_GENESIS_HASH,
  SAMPLE_KEY,
  type TestSet,
} from "./chainFixture.ts";

const set0: TestSet = { setId: 0, members: [0, 1, 2, 3].map((validator) => ({ validator, weight: 1n })) };
// Unequal stakes: 3 of 4 members hold only half the weight.
const set1: TestSet = { setId: 1, members: [{ validator: 1, weight: 10n }, { validator: 2, weight: 10n }, { validator: 3, weight: 10n }, { validator: 4, weight: 30n }] };
const set2: TestSet = { setId: 2, members: [5, 6, 7, 8, 9].map((validator) => ({ validator, weight: 7n })) };

/** Runs `fn`, which must throw a `LightVerifyError` with `code`; returns the error. */
function refused(fn: () => unknown, code: string): LightVerifyError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof LightVerifyError, `expected a LightVerifyError, got ${String(e)}`);
    assert.equal(e.code, code, JSON.stringify(e.toObject()));
    return e;
  }
  assert.fail(`expected ${code}, but it verified`);
}

describe("light: verifyFinalityProof", function () {
  this.timeout(120_000);
  const chain = chainWithSetChanges([set0, set1, set2]);
  const checkpoint = checkpointOf(set0);

  it("verifies two set hand-overs and the target, ending in the last set", () => {
    const result = verifyFinalityProof(checkpoint, chain.proof);
    assert.ok(bytesEqual(result.hash, chain.target.hash));
    assert.equal(result.header.number, chain.target.header.number);
    assert.equal(result.setId, 2);
    assert.deepEqual(result.authorities.map((a) => a.weight), [7n, 7n, 7n, 7n, 7n]);
    assert.equal(result.complete, true);
    assert.equal(result.fragments, 3);
  });

  it("verifies a proof without set changes, and one from a later checkpoint", () => {
    const target = makeBlock(3, GENESIS_HASH, set0);
    const proof = encodeProof([fragment(target, justify(target, set0, [0, 1, 2]), false)]);
    assert.equal(verifyFinalityProof(checkpoint, proof).header.number, 3);
    const fromSet1 = encodeProof(chain.fragments.slice(1));
    assert.equal(verifyFinalityProof(checkpointOf(set1), fromSet1).setId, 2);
  });

  it("continues an incomplete proof from the set it ended with", () => {
    const first = verifyFinalityProof(checkpoint, encodeProof(chain.fragments.slice(0, 1), false));
    assert.equal(first.complete, false);
    assert.equal(first.setId, 1);
    const next: Checkpoint = { genesisHash: GENESIS_HASH, setId: first.setId, authorities: first.authorities, instantAuthority: null };
    assert.ok(bytesEqual(verifyFinalityProof(next, encodeProof(chain.fragments.slice(1))).hash, chain.target.hash));
  });

  it("refuses a justification signed by 2/3 of the stake or less", () => {
    const target = makeBlock(3, GENESIS_HASH, set0);
    const half = encodeProof([fragment(target, justify(target, set0, [0, 1]), false)]);
    const e = refused(() => verifyFinalityProof(checkpoint, half), "JUSTIFICATION_INSUFFICIENT_WEIGHT");
    assert.deepEqual([e.type.code === "JUSTIFICATION_INSUFFICIENT_WEIGHT" && e.type.weight, e.type.code === "JUSTIFICATION_INSUFFICIENT_WEIGHT" && e.type.totalWeight], [2n, 4n]);
    // By weight, not by head count: three of set 1's four members hold 30 of 60; exactly 2/3 (40) is not enough either.
    const t1 = makeBlock(12, chain.handovers[0].hash, set1);
    for (const signers of [[0, 1, 2], [0, 3]]) {
      refused(() => verifyFinalityProof(checkpoint, encodeProof([chain.fragments[0], fragment(t1, justify(t1, set1, signers), false)])), "JUSTIFICATION_INSUFFICIENT_WEIGHT");
    }
    assert.equal(verifyFinalityProof(checkpoint, encodeProof([chain.fragments[0], fragment(t1, justify(t1, set1, [0, 1, 3]), false)])).header.number, 12);
  });

  it("refuses a wrong set id, in the justification or in the checkpoint", () => {
    const target = makeBlock(3, GENESIS_HASH, set0);
    refused(() => verifyFinalityProof(checkpoint, encodeProof([fragment(target, justify(target, set0, everyone(set0), { setId: 1 }), false)])), "JUSTIFICATION_WRONG_SET");
    refused(() => verifyFinalityProof({ ...checkpoint, setId: 1 }, chain.proof), "JUSTIFICATION_WRONG_SET");
    // A hand-over left out: set 2's justification where set 1's was due.
    refused(() => verifyFinalityProof(checkpoint, encodeProof([chain.fragments[0], chain.fragments[2]])), "JUSTIFICATION_WRONG_SET");
  });

  it("refuses another chain's proof, and this chain's proof from another chain's checkpoint", () => {
    refused(() => verifyFinalityProof({ ...checkpoint, genesisHash: OTHER_GENESIS_HASH }, chain.proof), "JUSTIFICATION_BAD_SIGNATURE");
    const target = makeBlock(3, GENESIS_HASH, set0);
    const foreign = encodeProof([fragment(target, justify(target, set0, everyone(set0), { genesisHash: OTHER_GENESIS_HASH }), false)]);
    refused(() => verifyFinalityProof(checkpoint, foreign), "JUSTIFICATION_BAD_SIGNATURE");
    // Signed by other keys than the checkpoint's.
    refused(() => verifyFinalityProof(checkpointOf({ setId: 0, members: [10, 11, 12, 13].map((validator) => ({ validator, weight: 1n })) }), chain.proof), "JUSTIFICATION_BAD_SIGNATURE");
  });

  it("refuses a forged new set", () => {
    const attackers: TestSet = { setId: 1, members: [20, 21, 22].map((validator) => ({ validator, weight: 100n })) };
    const honest = chain.handovers[0];
    // The attackers' set proven in another state than the header names.
    const forgedState = makeBlock(honest.header.number, GENESIS_HASH, attackers);
    const swapped: FinalityProofFragment = { ...chain.fragments[0], setProof: forgedState.trie.prove([FINALITY_AUTHORITIES_KEY]) };
    refused(() => verifyFinalityProof(checkpoint, encodeProof([swapped, chain.fragments[1], chain.fragments[2]])), "SET_PROOF_INVALID");
    // A header naming the forged state: its hash is not what set 0 signed.
    const forgedHeader = { ...chain.fragments[0], header: forgedState.encoded, setProof: forgedState.trie.prove([FINALITY_AUTHORITIES_KEY]) };
    refused(() => verifyFinalityProof(checkpoint, encodeProof([forgedHeader])), "JUSTIFICATION_TARGET");
    // A hand-over to a set that is not newer.
    const stale = makeBlock(10, GENESIS_HASH, set0);
    refused(() => verifyFinalityProof(checkpoint, encodeProof([fragment(stale, justify(stale, set0, everyone(set0)), true)])), "SET_ID_NOT_INCREASING");
    // A proof of another key (the sample item) in place of the set.
    const wrongItem = { ...chain.fragments[0], setProof: honest.trie.prove([SAMPLE_KEY]) };
    refused(() => verifyFinalityProof(checkpoint, encodeProof([wrongItem, chain.fragments[1], chain.fragments[2]])), "SET_PROOF_INVALID");
  });

  it("refuses truncated and malformed proofs", () => {
    for (const cut of [1, 10, Math.floor(chain.proof.length / 2), chain.proof.length - 1]) {
      refused(() => verifyFinalityProof(checkpoint, chain.proof.subarray(0, cut)), "PROOF_MALFORMED");
    }
    refused(() => verifyFinalityProof(checkpoint, encodeProof([])), "PROOF_EMPTY");
    refused(() => verifyFinalityProof(checkpoint, encodeProof(chain.fragments, true, 2)), "PROOF_VERSION");
    // A hand-over without its set proof, and an incomplete proof that does not end at a hand-over.
    refused(() => verifyFinalityProof(checkpoint, encodeProof([{ ...chain.fragments[0], setProof: [] }, ...chain.fragments.slice(1)])), "SET_PROOF_MISSING");
    refused(() => verifyFinalityProof(checkpoint, encodeProof(chain.fragments, false)), "SET_PROOF_MISSING");
    const earlier = makeBlock(chain.handovers[0].header.number - 2, GENESIS_HASH, set1);
    refused(() => verifyFinalityProof(checkpoint, encodeProof([chain.fragments[0], fragment(earlier, justify(earlier, set1, everyone(set1)), false)])), "FRAGMENT_NOT_ASCENDING");
    refused(() => verifyFinalityProof({ ...checkpoint, authorities: [] }, chain.proof), "CHECKPOINT_INVALID");
  });

  it("names the first fragment whose signature fails, though signatures are checked together", () => {
    // Signed by the right keys over another chain's signing root: only the signature is wrong.
    const badSignature = (f: FinalityProofFragment, signer: TestSet, block: ReturnType<typeof makeBlock>): FinalityProofFragment => ({
      ...f,
      justification: codecs.justification.encode(justify(block, signer, everyone(signer), { genesisHash: OTHER_GENESIS_HASH })),
    });
    const middle = badSignature(chain.fragments[1], set1, chain.handovers[1]);
    const e = refused(() => verifyFinalityProof(checkpoint, encodeProof([chain.fragments[0], middle, chain.fragments[2]])), "JUSTIFICATION_BAD_SIGNATURE");
    assert.equal(e.type.code === "JUSTIFICATION_BAD_SIGNATURE" && e.type.fragment, 1);
    // Two fragments' aggregate signatures swapped: their plain sum is unchanged, each is wrong.
    const withSignature = (f: FinalityProofFragment, signature: Uint8Array): FinalityProofFragment => {
      const j = codecs.justification.decode(f.justification);
      return { ...f, justification: codecs.justification.encode({ ...j, data: finalityJustificationCodec.encode({ ...finalityJustificationCodec.decode(j.data), signature }) }) };
    };
    const signatureOf = (f: FinalityProofFragment): Uint8Array => finalityJustificationCodec.decode(codecs.justification.decode(f.justification).data).signature;
    const swapped = [withSignature(chain.fragments[0], signatureOf(chain.fragments[1])), withSignature(chain.fragments[1], signatureOf(chain.fragments[0])), chain.fragments[2]];
    const es = refused(() => verifyFinalityProof(checkpoint, encodeProof(swapped)), "JUSTIFICATION_BAD_SIGNATURE");
    assert.equal(es.type.code === "JUSTIFICATION_BAD_SIGNATURE" && es.type.fragment, 0);
    // A bad signature in fragment 0 is reported before a later fragment's failed check.
    const first = badSignature(chain.fragments[0], set0, chain.handovers[0]);
    const e0 = refused(() => verifyFinalityProof(checkpoint, encodeProof([first, { ...chain.fragments[1], setProof: [] }, chain.fragments[2]])), "JUSTIFICATION_BAD_SIGNATURE");
    assert.equal(e0.type.code === "JUSTIFICATION_BAD_SIGNATURE" && e0.type.fragment, 0);
  });

  it("verifies the dev chain's instant finality against the checkpoint's single authority", () => {
    const dev = instantChain();
    assert.ok(bytesEqual(verifyFinalityProof(dev.checkpoint, dev.proof).hash, dev.target.hash));
    refused(() => verifyFinalityProof({ ...dev.checkpoint, instantAuthority: null }, dev.proof), "INSTANT_NO_AUTHORITY");
    refused(() => verifyFinalityProof({ ...dev.checkpoint, instantAuthority: new Uint8Array(32).fill(7) }, dev.proof), "INSTANT_BAD_SIGNATURE");
    refused(() => verifyFinalityProof({ ...dev.checkpoint, genesisHash: OTHER_GENESIS_HASH }, dev.proof), "INSTANT_BAD_SIGNATURE");
  });

  it("property: a byte changed in any field of any fragment is refused with a named check", () => {
    const random = prng(16);
    const fields = (f: FinalityProofFragment): Array<[string, Uint8Array, (b: Uint8Array) => FinalityProofFragment]> => [
      ["header", f.header, (b) => ({ ...f, header: b })],
      ["justification", f.justification, (b) => ({ ...f, justification: b })],
      ...f.setProof.map((node, i): [string, Uint8Array, (b: Uint8Array) => FinalityProofFragment] => [`setProof[${i}]`, node, (b) => ({ ...f, setProof: f.setProof.map((n, j) => (j === i ? b : n)) })]),
    ];
    let cases = 0;
    const codes = new Set<string>();
    chain.fragments.forEach((f, index) => {
      for (const [name, bytes, replace] of fields(f)) {
        for (let k = 0; k < 6; k++) {
          const changed = Uint8Array.from(bytes);
          const at = Math.floor(random() * changed.length);
          changed[at] ^= 1 + Math.floor(random() * 255);
          const fragments = chain.fragments.map((g, j) => (j === index ? replace(changed) : g));
          try {
            verifyFinalityProof(checkpoint, encodeProof(fragments));
            assert.fail(`fragment ${index} ${name} byte ${at} changed, and the proof still verified`);
          } catch (e) {
            assert.ok(e instanceof LightVerifyError, `fragment ${index} ${name} byte ${at}: ${String(e)}`);
            codes.add(e.code);
          }
          cases++;
        }
      }
    });
    assert.ok(cases > 50, `${cases} cases`);
    for (const code of ["JUSTIFICATION_TARGET", "SET_PROOF_INVALID"]) assert.ok(codes.has(code), `${code} among ${[...codes].join(", ")}`);
  });

  it("property: a byte changed at a sample of raw positions of the encoded proof is refused", () => {
    const random = prng(61);
    const positions = new Set<number>([0, 1, 2, chain.proof.length - 1, chain.proof.length - 2]);
    while (positions.size < 120) positions.add(Math.floor(random() * chain.proof.length));
    for (const at of positions) {
      const changed = Uint8Array.from(chain.proof);
      changed[at] ^= 1 + Math.floor(random() * 255);
      assert.throws(() => verifyFinalityProof(checkpoint, changed), LightVerifyError, `byte ${at} of ${chain.proof.length}`);
    }
  });

  it("decodes the proof it verified with the format's own codec (field by field, as docs/proofs.md lists)", () => {
    const decoded = finalityProofCodec.decode(chain.proof);
    assert.equal(decoded.version, 1);
    assert.equal(decoded.complete, true);
    assert.equal(codecs.header.decode(decoded.fragments[2].header).number, chain.target.header.number);
    assert.equal(toHex(decoded.fragments[0].header), toHex(chain.handovers[0].encoded));
  });
});

describe("light: verifyStorage", function () {
  this.timeout(60_000);
  const chain = chainWithSetChanges([set0, set1]);
  const checkpoint = checkpointOf(set0);

  it("proves a value and an absence in the finalized header's state", () => {
    const value = verifyStorage(checkpoint, chain.proof, chain.target.encoded, SAMPLE_KEY, chain.target.trie.prove([SAMPLE_KEY]));
    assert.equal(new TextDecoder().decode(value as Uint8Array), `value at ${chain.target.header.number}`);
    const absent = utf8("no such key, padded to thirty-two");
    assert.equal(verifyStorage(checkpoint, chain.proof, chain.target.encoded, absent, chain.target.trie.prove([absent])), null);
  });

  it("refuses a header the proof did not finalize, a proof from another state, and a changed node", () => {
    refused(() => verifyStorage(checkpoint, chain.proof, chain.handovers[0].encoded, SAMPLE_KEY, chain.handovers[0].trie.prove([SAMPLE_KEY])), "STORAGE_HEADER_NOT_FINALIZED");
    refused(() => verifyStorage(checkpoint, chain.proof, chain.target.encoded, SAMPLE_KEY, chain.handovers[0].trie.prove([SAMPLE_KEY])), "STORAGE_PROOF_INVALID");
    const nodes = chain.target.trie.prove([SAMPLE_KEY]).map((n) => Uint8Array.from(n));
    nodes[nodes.length - 1][nodes[nodes.length - 1].length - 1] ^= 1;
    refused(() => verifyStorage(checkpoint, chain.proof, chain.target.encoded, SAMPLE_KEY, nodes), "STORAGE_PROOF_INVALID");
    // The finality proof is checked first: a storage proof is worth nothing without it.
    refused(() => verifyStorage({ ...checkpoint, genesisHash: OTHER_GENESIS_HASH }, chain.proof, chain.target.encoded, SAMPLE_KEY, chain.target.trie.prove([SAMPLE_KEY])), "JUSTIFICATION_BAD_SIGNATURE");
  });
});
