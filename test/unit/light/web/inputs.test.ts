import { strict as assert } from "node:assert";
import { toHex, utf8 } from "../../../../primitives/bytes.ts";
import { blake2b256 } from "../../../../primitives/hash.ts";
import { encodeCheckpoint, recBundleCodec } from "../../../../light/index.ts";
import { buildRecBundle } from "../../../../harness/recBundleChain.ts";
// The checkpoint file as `arkreen-node rec checkpoint` writes it: the page reads the CLI's format.
import { checkpointToFile as checkpointFile } from "../../../../cli/commands/rec.ts";
import { verifyFiles, type Report } from "../../../../light/web/inputs.ts";
import { chainWithSetChanges, checkpointOf, GENESIS_HASH, OTHER_GENESIS_HASH, SAMPLE_KEY, type TestSet } from "../chainFixture.ts";

/** The verifier page's logic (light/web/inputs.ts) in Node: the files a user drops, each level reported, the failed check named. */
describe("light/web: verifying dropped files (trust anchor + proof file)", function () {
  this.timeout(60_000);
  const sets: TestSet[] = [0, 1, 2].map((k) => ({ setId: k, members: [k, k + 1, k + 2, k + 3].map((validator) => ({ validator, weight: 1n })) }));
  const { proof, target } = chainWithSetChanges(sets);
  const anchor = encodeCheckpoint(checkpointOf(sets[0]));
  const text = (s: string) => utf8(s);
  const storageFile = (over: Record<string, unknown> = {}) =>
    text(JSON.stringify({ finalityProof: toHex(proof), header: toHex(target.encoded), key: toHex(SAMPLE_KEY), proof: target.trie.prove([SAMPLE_KEY]).map(toHex), ...over }));
  const levels = (r: Report) => r.levels.map((l) => `${l.name}:${l.ok ? "ok" : l.check}`);

  it("a finality proof as bytes, as a hex string, and as the saved JSON-RPC response: every level passes", () => {
    for (const file of [proof, text(toHex(proof) + "\n"), text(JSON.stringify(toHex(proof))), text(JSON.stringify({ jsonrpc: "2.0", id: 1, result: toHex(proof) }))]) {
      const report = verifyFiles(anchor, file);
      assert.equal(report.kind, "finality proof");
      assert.deepEqual(levels(report), ["trust anchor:ok", "finality:ok"]);
      assert.equal(report.passed, true);
      assert.match(report.levels[1].detail, /block #25 .* \(2 set changes; set 2 of 4 now\)/);
    }
    // The anchor as hex text too.
    assert.equal(verifyFiles(text(toHex(anchor)), proof).passed, true);
  });

  it("a storage proof: the value, and a key proven absent", () => {
    const report = verifyFiles(anchor, storageFile());
    assert.equal(report.kind, "storage proof");
    assert.deepEqual(levels(report), ["trust anchor:ok", "finality:ok", "storage:ok"]);
    assert.match(report.levels[2].detail, new RegExp(`holds ${toHex(utf8("value at 25"))}`));
    const absent = blake2b256(utf8("no such key"));
    const r2 = verifyFiles(anchor, storageFile({ key: toHex(absent), proof: target.trie.prove([absent]).map(toHex) }));
    assert.match(r2.levels[2].detail, /proven absent/);
  });

  it("names the failed check and the level: a tampered proof, another chain's anchor, a proof of another key", () => {
    const tampered = Uint8Array.from(proof);
    tampered[tampered.length - 20] ^= 1; // inside the last fragment's aggregate signature
    const bad = verifyFiles(anchor, tampered);
    assert.equal(bad.passed, false);
    assert.deepEqual(levels(bad), ["trust anchor:ok", "finality:JUSTIFICATION_BAD_SIGNATURE"]);
    const other = verifyFiles(encodeCheckpoint(checkpointOf(sets[0], OTHER_GENESIS_HASH)), proof);
    assert.deepEqual(levels(other), ["trust anchor:ok", "finality:JUSTIFICATION_BAD_SIGNATURE"]);
    const wrongKey = verifyFiles(anchor, storageFile({ key: toHex(blake2b256(utf8("filler-0"))) }));
    assert.deepEqual(levels(wrongKey), ["trust anchor:ok", "finality:ok", "storage:STORAGE_PROOF_INVALID"]);
    const wrongHeader = verifyFiles(anchor, storageFile({ header: toHex(chainWithSetChanges(sets.slice(0, 2)).target.encoded) }));
    assert.deepEqual(levels(wrongHeader), ["trust anchor:ok", "finality:ok", "storage:STORAGE_HEADER_NOT_FINALIZED"]);
    assert.notEqual(toHex(GENESIS_HASH), toHex(OTHER_GENESIS_HASH));
  });

  it("refuses unreadable files with a typed code, and never takes the anchor from the proof file", () => {
    assert.deepEqual(levels(verifyFiles(text("0xnot hex"), proof)), ["trust anchor:INPUT_UNREADABLE"]);
    assert.deepEqual(levels(verifyFiles(text("not a checkpoint"), proof)), ["trust anchor:CHECKPOINT_INVALID"]);
    assert.deepEqual(levels(verifyFiles(Uint8Array.of(1, 2, 3), proof)), ["trust anchor:CHECKPOINT_INVALID"]);
    assert.deepEqual(levels(verifyFiles(anchor, text('{"something": "else"}'))), ["trust anchor:ok", "proof file:INPUT_KIND_UNKNOWN"]);
    assert.deepEqual(levels(verifyFiles(anchor, storageFile({ proof: "0x00" }))), ["trust anchor:ok", "proof file:INPUT_UNREADABLE"]);
    assert.deepEqual(levels(verifyFiles(anchor, Uint8Array.of(0xff, 0xff))), ["trust anchor:ok", "finality:PROOF_MALFORMED"]);
    // The proof file given as the anchor: it does not decode as a checkpoint.
    assert.equal(verifyFiles(proof, proof).passed, false);
  });
});

describe("light/web: a REC bundle file (arkreen-node rec prove's JSON)", function () {
  this.timeout(60_000);
  const { bundle, checkpoint } = buildRecBundle({ setChanges: 1, devices: 2, slotsPerDevice: 3 });
  const anchor = utf8(JSON.stringify(checkpointFile(checkpoint)));
  const file = (bytes: Uint8Array) => utf8(JSON.stringify({ format: "arkreen-rec-bundle", version: 1, recId: 1, bundle: toHex(bytes) }));
  const levels = (r: Report) => r.levels.map((l) => `${l.name}:${l.ok ? "ok" : l.check}`);

  it("verifies from a checkpoint file: finality, the REC, the readings, the device signatures", () => {
    const report = verifyFiles(anchor, file(bundle));
    assert.equal(report.kind, "REC bundle");
    assert.deepEqual(levels(report), ["trust anchor:ok", "finality:ok", "REC:ok", "readings:ok", "device signatures:ok"]);
    assert.match(report.levels[2].detail, /REC 1 Certified, serial AKRE-BENCH-0001/);
    assert.match(report.levels[3].detail, /^6 readings of 2 devices credited/);
    assert.match(report.levels[4].detail, /^6 readings signed/);
  });

  it("names the level of the failed check: a device signature, a reading, the finality", () => {
    const decoded = recBundleCodec.decode(bundle);
    const badSignature = { ...decoded, readings: decoded.readings.map((r, i) => (i === 4 ? { ...r, signature: decoded.readings[3].signature } : r)) };
    assert.deepEqual(levels(verifyFiles(anchor, file(recBundleCodec.encode(badSignature)))).at(-1), "device signatures:READING_BAD_SIGNATURE");
    const badReading = { ...decoded, readings: decoded.readings.map((r, i) => (i === 1 ? { ...r, reading: decoded.readings[2].reading } : r)) };
    assert.deepEqual(levels(verifyFiles(anchor, file(recBundleCodec.encode(badReading)))).at(-1), "readings:READING_SLOT_MISMATCH");
    const otherChain = utf8(JSON.stringify(checkpointFile({ ...checkpoint, genesisHash: OTHER_GENESIS_HASH })));
    assert.deepEqual(levels(verifyFiles(otherChain, file(bundle))).at(-1), "finality:JUSTIFICATION_BAD_SIGNATURE");
    assert.deepEqual(levels(verifyFiles(anchor, file(Uint8Array.of(0xff)))).at(-1), "bundle format:BUNDLE_MALFORMED");
  });

  it("refuses a malformed checkpoint file with a typed code", () => {
    const f = checkpointFile(checkpoint);
    assert.deepEqual(levels(verifyFiles(utf8(JSON.stringify({ ...f, setId: -1 })), file(bundle))), ["trust anchor:INPUT_UNREADABLE"]);
    assert.deepEqual(levels(verifyFiles(utf8(JSON.stringify({ ...f, authorities: [] })), file(bundle))), ["trust anchor:CHECKPOINT_INVALID"]);
    assert.deepEqual(levels(verifyFiles(utf8(JSON.stringify({ ...f, authorities: [{ finalityKey: "0x00", weight: 1 }] })), file(bundle))), ["trust anchor:INPUT_UNREADABLE"]);
  });
});

