/**
 * Decoders on bad input: every protobuf codec of the node (primitives/codec, the runtime modules'
 * records and call arguments, finality votes) and the p2p wire formats get random bytes and
 * mutated valid encodings. A decoder either returns a value that re-encodes to exactly the input
 * (one value, one encoding) or throws its own typed error — never anything else.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import type protobuf from "protobufjs";
import { bytesEqual, toHex } from "../../primitives/bytes.ts";
import { CodecError, codecs, MessageCodec } from "../../primitives/codec/index.ts";
import * as finality from "../../primitives/finality/vote.ts";
import { NetworkError } from "../../p2p/errors.ts";
import * as wire from "../../p2p/wire.ts";
import type { ValueCodec } from "../../runtime/framework/storage.ts";
import * as controlTypes from "../../runtime/modules/control/types.ts";
import * as devicesTypes from "../../runtime/modules/devices/types.ts";
import * as pogTypes from "../../runtime/modules/pog/types.ts";
import * as recsTypes from "../../runtime/modules/recs/types.ts";
import * as rewardsTypes from "../../runtime/modules/rewards/types.ts";
import * as stakingTypes from "../../runtime/modules/staking/types.ts";
import * as sudoTypes from "../../runtime/modules/sudo/types.ts";
import { RUNTIME_MODULES } from "../../runtime/runtime.ts";
import { decoderInput, messageValue } from "./arbitraries.ts";
import { fuzzParams, fuzzTimeout } from "./params.ts";

const RUNS = 300;

/** Every MessageCodec the node decodes with: the exported ones and each call's argument codec. */
function allMessageCodecs(): MessageCodec<object>[] {
  const found = new Set<MessageCodec<object>>();
  for (const mod of [codecs, finality, controlTypes, devicesTypes, pogTypes, recsTypes, stakingTypes, sudoTypes] as Array<Record<string, unknown>>) {
    for (const v of Object.values(mod)) if (v instanceof MessageCodec) found.add(v as MessageCodec<object>);
  }
  for (const m of RUNTIME_MODULES) for (const call of Object.values(m.calls)) found.add(call.args as MessageCodec<object>);
  return [...found];
}

/** The storage codecs that wrap a message type (amounts as bigints): their schema type and the wrapper. */
const wrappers: Array<[string, string, ValueCodec<unknown>, protobuf.Root]> = [
  ["rewardsConfigCodec", "RewardsConfigRecord", rewardsTypes.rewardsConfigCodec as ValueCodec<unknown>, rewardsTypes.rewardsProto],
  ["epochRewardsCodec", "RewardsEpochRecord", rewardsTypes.epochRewardsCodec as ValueCodec<unknown>, rewardsTypes.rewardsProto],
  ["deviceRewardCodec", "RewardsDeviceRewardRecord", rewardsTypes.deviceRewardCodec as ValueCodec<unknown>, rewardsTypes.rewardsProto],
  ["stakingConfigCodec", "StakingConfigRecord", stakingTypes.stakingConfigCodec as ValueCodec<unknown>, stakingTypes.stakingProto],
  ["ledgerCodec", "StakingLedgerRecord", stakingTypes.ledgerCodec as ValueCodec<unknown>, stakingTypes.stakingProto],
  ["validatorSetCodec", "StakingValidatorSet", stakingTypes.validatorSetCodec as ValueCodec<unknown>, stakingTypes.stakingProto],
  ["finalitySetCodec", "StakingFinalitySet", stakingTypes.finalitySetCodec as ValueCodec<unknown>, stakingTypes.stakingProto],
  ["offenceCodec", "StakingOffenceRecord", stakingTypes.offenceCodec as ValueCodec<unknown>, stakingTypes.stakingProto],
  ["blockOffenceCodec", "StakingBlockOffenceRecord", stakingTypes.blockOffenceCodec as ValueCodec<unknown>, stakingTypes.stakingProto],
];

/** Valid encodings of `codec`'s message type, from random values of every field. */
function encodings(codec: MessageCodec<object>): fc.Arbitrary<Uint8Array> {
  return messageValue(codec.type).map((v) => codec.encode(v));
}

/** The typed failure of a MessageCodec: a CodecError naming the codec's own type. */
function assertCodecError(e: unknown, typeName: string): void {
  if (!(e instanceof CodecError)) throw new Error(`expected a CodecError, got ${String(e)}`, { cause: e });
  assert.ok(["MALFORMED", "NON_CANONICAL", "TOO_LARGE"].includes(e.code), `unknown codec error code ${e.code}`);
  assert.equal(e.type.type, typeName);
}

describe("fuzz: decoders", function () {
  this.timeout(fuzzTimeout(30_000));

  describe("protobuf codecs: canonical value or CodecError", () => {
    const all = allMessageCodecs();

    it("finds the codecs of every layer (the discovery is not silently empty)", () => {
      const names = new Set(all.map((c) => c.type.name));
      for (const name of ["SignedExtrinsic", "Block", "FinalityVote", "EquivocationProof", "Reading", "RecRecord", "ControlCommandRecord", "DeviceRecord", "SystemRemark", "SudoSudoArgs"]) {
        assert.ok(names.has(name), `${name} is not fuzzed`);
      }
      assert.ok(all.length >= 50, `only ${all.length} codecs found`);
    });

    for (const codec of all) {
      it(codec.type.name, () => {
        const typeName = codec.type.name;
        fc.assert(
          fc.property(decoderInput(encodings(codec)), (bytes) => {
            let value: object;
            try {
              value = codec.decode(bytes);
            } catch (e) {
              assertCodecError(e, typeName);
              return;
            }
            const again = codec.encode(value);
            assert.ok(bytesEqual(again, bytes), `decoded ${toHex(bytes)} re-encodes to ${toHex(again)}`);
          }),
          fuzzParams(RUNS),
        );
      });
    }

    it("valid encodings always decode (the generator is not only producing errors)", () => {
      for (const codec of all) {
        fc.assert(
          fc.property(encodings(codec), (bytes) => {
            assert.ok(bytesEqual(codec.encode(codec.decode(bytes)), bytes));
          }),
          fuzzParams(20),
        );
      }
    });
  });

  // These wrap a message whose amounts are minimal big-endian bytes and whose kind boosts form a
  // map. They accept leading zero bytes and repeated map keys (0x1a0100 decodes as a zero amount
  // and re-encodes to nothing), so the property here is weaker: what they decode re-encodes to a
  // canonical form that decodes to itself. They only ever read records the runtime wrote
  // (state under a verified root), never bytes from the network.
  describe("storage codecs with bigint amounts: a value with a stable canonical form, or CodecError", () => {
    for (const [name, typeName, codec, proto] of wrappers) {
      it(name, () => {
        const message = new MessageCodec<object>(typeName, proto);
        fc.assert(
          fc.property(decoderInput(encodings(message)), (bytes) => {
            let value: unknown;
            try {
              value = codec.decode(bytes);
            } catch (e) {
              assertCodecError(e, typeName);
              return;
            }
            const canonical = codec.encode(value);
            const again = codec.encode(codec.decode(canonical));
            assert.ok(bytesEqual(again, canonical), `${toHex(bytes)}: canonical form ${toHex(canonical)} re-encodes to ${toHex(again)}`);
          }),
          fuzzParams(RUNS),
        );
      });
    }
  });

  describe("p2p wire formats: the same bytes back or NetworkError BAD_REQUEST", () => {
    function assertBadRequest(e: unknown): void {
      if (!(e instanceof NetworkError)) throw new Error(`expected a NetworkError, got ${String(e)}`, { cause: e });
      assert.equal(e.code, "BAD_REQUEST");
    }

    const hash = fc.uint8Array({ minLength: 32, maxLength: 32 });
    const blockNumber = fc.oneof(fc.nat({ max: 1000 }), fc.maxSafeNat());
    const cases: Array<[string, fc.Arbitrary<Uint8Array>, (b: Uint8Array) => unknown, (v: never) => Uint8Array]> = [
      [
        "status",
        fc
          .tuple(hash, blockNumber, hash, blockNumber, hash)
          .map(([genesisHash, a, ha, b, hb]) => wire.encodeStatus({ genesisHash, best: { number: Math.max(a, b), hash: ha }, finalized: { number: Math.min(a, b), hash: hb } })),
        wire.decodeStatus,
        wire.encodeStatus as (v: never) => Uint8Array,
      ],
      [
        "blocks request",
        fc.record({ from: blockNumber, count: fc.nat({ max: 0xffffffff }) }).map(wire.encodeBlocksRequest),
        wire.decodeBlocksRequest,
        wire.encodeBlocksRequest as (v: never) => Uint8Array,
      ],
      [
        "block item",
        fc
          .record({ number: blockNumber, block: fc.uint8Array({ maxLength: 64 }), justification: fc.option(fc.uint8Array({ minLength: 1, maxLength: 64 })) })
          .map(wire.encodeBlockItem),
        wire.decodeBlockItem,
        wire.encodeBlockItem as (v: never) => Uint8Array,
      ],
    ];
    for (const [name, valid, decode, encode] of cases) {
      it(name, () => {
        fc.assert(
          fc.property(decoderInput(valid), (bytes) => {
            let value: unknown;
            try {
              value = decode(bytes);
            } catch (e) {
              assertBadRequest(e);
              return;
            }
            assert.ok(bytesEqual(encode(value as never), bytes), `decoded ${toHex(bytes)} does not re-encode to itself`);
          }),
          fuzzParams(RUNS),
        );
      });
    }
  });
});
