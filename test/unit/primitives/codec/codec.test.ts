import assert from "node:assert/strict";
import { fromHex, toHex, utf8 } from "../../../../primitives/bytes.ts";
import { CodecError, codecs, DigestKind, EventPhase, type CodecErrorType, type Header, type MessageCodec } from "../../../../primitives/codec/index.ts";

/** Bytes as hex and everything else as is, so that decoded Buffers compare equal to Uint8Arrays. */
function plain(value: unknown): unknown {
  if (value instanceof Uint8Array) return toHex(value);
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  }
  return value;
}

function bytes(n: number, fill: number): Uint8Array {
  return new Uint8Array(n).fill(fill);
}

function assertCodecError(fn: () => unknown, code: CodecErrorType["code"], typeName: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof CodecError, `expected CodecError, got ${String(e)}`);
    assert.equal(e.type.code, code);
    assert.equal(e.type.type, typeName);
    return true;
  });
}

const header: Header = {
  parentHash: bytes(32, 0x11),
  number: 42,
  stateRoot: bytes(32, 0x22),
  extrinsicsRoot: bytes(32, 0x33),
  digest: [
    { kind: DigestKind.PreRuntime, engine: utf8("aura"), data: fromHex("0x0100000000000000") },
    { kind: DigestKind.Seal, engine: utf8("aura"), data: bytes(64, 0x44) },
  ],
  readingsRoot: bytes(32, 0x45),
};
const call = { module: "balances", method: "transfer", args: fromHex("0x0a02abcd") };
const justification = { engine: utf8("inst"), data: bytes(64, 0x55) };

/** A value for every codec, each field holding a non-default value. */
const samples: { [K in keyof typeof codecs]: Parameters<(typeof codecs)[K]["encode"]>[0] } = {
  header,
  block: { header, extrinsics: [fromHex("0x0102"), fromHex("0x03")], readings: [fromHex("0x0801")], readingsSignature: bytes(96, 0x46) },
  blockBody: { extrinsics: [fromHex("0x0102"), fromHex("0x03")], readings: [fromHex("0x0801")], readingsSignature: bytes(96, 0x46) },
  exportedBlock: { block: { header, extrinsics: [fromHex("0x01")], readings: [fromHex("0x0802")], readingsSignature: bytes(96, 0x47) }, justification },
  justification,
  extrinsicPayload: { genesisHash: bytes(32, 0x66), nonce: 7, tip: fromHex("0x0100"), mortality: { birth: 10, period: 64 }, call },
  signedExtrinsic: { signer: bytes(32, 0x77), signature: bytes(64, 0x88), nonce: 7, tip: fromHex("0x05"), mortality: { birth: 10, period: 64 }, call },
  accountInfo: { nonce: 3, free: fromHex("0x0de0b6b3a7640000"), reserved: fromHex("0x01") },
  eventList: {
    events: [
      { phase: EventPhase.Finalization, extrinsicIndex: 2, module: "balances", name: "Transfer", data: '{"amount":"5"}' },
      { phase: EventPhase.Initialization, extrinsicIndex: 1, module: "system", name: "ExtrinsicSuccess", data: "{}" },
    ],
  },
  blockRef: { hash: bytes(32, 0x99), number: 4_000_000_000 },
  accountIdList: { ids: [bytes(32, 1), bytes(32, 2)] },
  runtimeConfig: {
    slotDurationMs: 6000,
    existentialDeposit: fromHex("0x038d7ea4c68000"),
    baseFee: fromHex("0x01"),
    lengthFeePerByte: fromHex("0x02"),
    weightFeePerUnit: fromHex("0x03"),
    feeBurnPercent: 20,
    treasury: bytes(32, 0xaa),
    maxBlockExtrinsics: 10_000,
    maxBlockWeight: 2_000_000_000,
    maxBlockBytes: 5 * 1024 * 1024,
    maxExtrinsicBytes: 65536,
    ss58Format: 42,
  },
};

describe("codec", () => {
  describe("round trip", () => {
    it("has a sample for every codec", () => {
      assert.deepEqual(Object.keys(samples).sort(), Object.keys(codecs).sort());
    });

    for (const name of Object.keys(samples) as Array<keyof typeof codecs>) {
      it(`${name}: decode(encode(v)) equals v and re-encodes to the same bytes`, () => {
        const codec = codecs[name] as MessageCodec<object>;
        const encoded = codec.encode(samples[name]);
        const decoded = codec.decode(encoded);
        assert.deepEqual(plain(decoded), plain(samples[name]));
        assert.equal(toHex(codec.encode(decoded)), toHex(encoded));
      });
    }

    it("a value holding only defaults encodes to no bytes and decodes back with defaults", () => {
      assert.equal(codecs.accountInfo.encode({ nonce: 0, free: new Uint8Array(0), reserved: new Uint8Array(0) }).length, 0);
      assert.deepEqual(plain(codecs.accountInfo.decode(new Uint8Array(0))), { nonce: 0, free: "0x", reserved: "0x" });
      assert.deepEqual(plain(codecs.exportedBlock.decode(codecs.exportedBlock.encode({ block: samples.block, justification: null }))), {
        block: plain(samples.block),
        justification: null,
      });
    });

    it("an immortal extrinsic decodes with a null mortality", () => {
      const xt = { ...samples.signedExtrinsic, mortality: null };
      assert.equal(codecs.signedExtrinsic.decode(codecs.signedExtrinsic.encode(xt)).mortality, null);
    });

    it("encodes fields in field-number order whatever the object's key order", () => {
      const shuffled = { number: 1, hash: fromHex("0xaa") };
      assert.equal(toHex(codecs.blockRef.encode(shuffled)), "0x0a01aa1001");
    });
  });

  describe("non-canonical input is rejected", () => {
    // BlockRef { hash = 1: bytes, number = 2: uint32 }; canonical {hash: 0xaa, number: 1} is 0a01aa 1001.
    const cases: Array<[string, string]> = [
      ["a default-valued uint32 written explicitly", "0x0a01aa1000"],
      ["an empty bytes field written explicitly", "0x0a001001"],
      ["fields out of field-number order", "0x10010a01aa"],
      ["an unknown field", "0x0a01aa10017801"],
      ["a repeated scalar field (last one wins)", "0x0a01aa10021001"],
      ["a varint with a redundant continuation byte", "0x0a01aa108100"],
      ["a uint32 varint above 2^32 (truncated on decode)", "0x0a01aa108180808010"],
    ];
    for (const [what, hex] of cases) {
      it(what, () => {
        assert.equal(toHex(codecs.blockRef.encode({ hash: fromHex("0xaa"), number: 1 })), "0x0a01aa1001");
        assertCodecError(() => codecs.blockRef.decode(fromHex(hex)), "NON_CANONICAL", "BlockRef");
      });
    }

    it("a non-canonical nested message inside a valid outer message", () => {
      // Block { header = 1 }: a header {parentHash: 0x01} followed by an explicit `number = 0`.
      assertCodecError(() => codecs.block.decode(fromHex("0x0a050a01011000")), "NON_CANONICAL", "Block");
      assert.equal(codecs.block.decode(fromHex("0x0a030a0101")).header.parentHash[0], 1);
    });
  });

  describe("malformed input is rejected", () => {
    const cases: Array<[string, string]> = [
      ["a length prefix past the end", "0x0a05aa"],
      ["a truncated varint", "0x1080"],
      ["an invalid wire type", "0x0f"],
      ["a field number of zero", "0x0001"],
      ["a varint longer than 10 bytes", "0x10ffffffffffffffffffff01"],
    ];
    for (const [what, hex] of cases) {
      it(what, () => assertCodecError(() => codecs.blockRef.decode(fromHex(hex)), "MALFORMED", "BlockRef"));
    }

    it("a string field that is not valid UTF-8", () => {
      // SignedExtrinsic { call = 6: Call { module = 1: string } } with the byte 0xff as module name.
      assertCodecError(() => codecs.signedExtrinsic.decode(fromHex("0x32030a01ff")), "MALFORMED", "SignedExtrinsic");
    });

    it("a truncated extrinsic", () => {
      const encoded = codecs.signedExtrinsic.encode(samples.signedExtrinsic);
      assertCodecError(() => codecs.signedExtrinsic.decode(encoded.subarray(0, encoded.length - 1)), "MALFORMED", "SignedExtrinsic");
    });

    it("a wrong wire type for a known field", () => {
      // number = 2 sent as length-delimited (wire type 2) instead of varint.
      assert.throws(() => codecs.blockRef.decode(fromHex("0x1201aa")), CodecError);
    });
  });
});
