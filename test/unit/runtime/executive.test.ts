import assert from "node:assert/strict";
import { inspect } from "node:util";
import { bigintToBytes, concatBytes, fromHex, toHex } from "../../../primitives/bytes.ts";
import { codecs, type Call } from "../../../primitives/codec/index.ts";
import { auraPreDigest } from "../../../primitives/digest.ts";
import { devKeypair } from "../../../primitives/keys/devAccounts.ts";
import { keypairFromSeed } from "../../../primitives/keys/ed25519.ts";
import { applyStateChanges } from "../../../node/chain/chain.ts";
import { computeFee, signExtrinsic } from "../../../runtime/extrinsic.ts";
import { amountArgsCodec, reportEquivocationArgsCodec } from "../../../runtime/modules/staking/types.ts";
import { findCall } from "../../../runtime/runtime.ts";
import { InvalidTransaction, type InvalidTransactionType } from "../../../runtime/framework/errors.ts";
import type { ApplyOutcome } from "../../../runtime/executive.ts";
import { AKRE, TRANSFER_WEIGHT, TestChain, expectApplied, publicKeyOf, remarkCall, transferCall } from "../../utils/runtime.ts";

type Code = InvalidTransactionType["code"];

function rejection(result: ApplyOutcome | InvalidTransaction | undefined): Code {
  if (!(result instanceof InvalidTransaction)) assert.fail(`expected InvalidTransaction, got ${inspect(result)}`);
  return result.type.code;
}

/** The code the block author gets when applying `xt` on top of the head. */
function blockRejection(chain: TestChain, xt: Uint8Array): Code {
  return rejection(chain.produceBlock([xt]).results[0]);
}

/** The code the transaction pool gets for `xt` at the head. */
function poolRejection(chain: TestChain, xt: Uint8Array): Code {
  try {
    chain.executive.validateTransaction(chain.state(), xt, chain.head.header.number + 1);
  } catch (e) {
    return rejection(e as InvalidTransaction);
  }
  assert.fail("validateTransaction accepted the extrinsic");
}

/** Re-encodes an extrinsic with some fields replaced, keeping everything else (signature included). */
function tamper(xt: Uint8Array, fields: Partial<ReturnType<typeof codecs.signedExtrinsic.decode>>): Uint8Array {
  return codecs.signedExtrinsic.encode({ ...codecs.signedExtrinsic.decode(xt), ...fields });
}

const bob = publicKeyOf("Bob");
const charlie = publicKeyOf("Charlie");

describe("executive: transaction validity", () => {
  describe("BAD_PROOF", () => {
    it("a flipped signature bit", () => {
      const chain = new TestChain();
      const xt = chain.sign("Alice", transferCall(bob, AKRE), { nonce: 0 });
      const signature = codecs.signedExtrinsic.decode(xt).signature.slice();
      signature[10] ^= 1;
      const bad = tamper(xt, { signature });
      assert.equal(poolRejection(chain, bad), "BAD_PROOF");
      assert.equal(blockRejection(chain, bad), "BAD_PROOF");
    });

    it("a signature made for another chain's genesis hash", () => {
      const chain = new TestChain();
      const xt = signExtrinsic(new Uint8Array(32).fill(1), devKeypair("Alice").secretSeed, transferCall(bob, AKRE), { nonce: 0 });
      assert.equal(poolRejection(chain, xt), "BAD_PROOF");
      assert.equal(blockRejection(chain, xt), "BAD_PROOF");
    });

    it("another signer, call, nonce, tip or mortality than the one signed", () => {
      const chain = new TestChain();
      const xt = chain.sign("Alice", transferCall(bob, AKRE), { nonce: 0, tip: 5n, mortality: { birth: 1, period: 8 } });
      const variants = [
        tamper(xt, { signer: bob }),
        tamper(xt, { call: transferCall(charlie, AKRE) }),
        tamper(xt, { nonce: 1 }),
        tamper(xt, { tip: fromHex("0x06") }),
        tamper(xt, { mortality: { birth: 1, period: 16 } }),
        tamper(xt, { mortality: null }),
      ];
      for (const bad of variants) assert.equal(poolRejection(chain, bad), "BAD_PROOF");
      assert.equal(blockRejection(chain, variants[1]), "BAD_PROOF");
    });
  });

  describe("nonces", () => {
    it("a used nonce is STALE for the block and the pool", () => {
      const chain = new TestChain();
      const first = chain.sign("Alice", transferCall(bob, AKRE), { nonce: 0 });
      expectApplied(chain.produceBlock([first]).results[0]);
      const replay = chain.sign("Alice", transferCall(charlie, AKRE), { nonce: 0 });
      assert.equal(poolRejection(chain, first), "STALE");
      assert.equal(poolRejection(chain, replay), "STALE");
      assert.equal(blockRejection(chain, first), "STALE");
    });

    it("a future nonce is FUTURE in a block but accepted by the pool", () => {
      const chain = new TestChain();
      const future = chain.sign("Alice", transferCall(bob, AKRE), { nonce: 2, tip: 9n });
      const validity = chain.executive.validateTransaction(chain.state(), future, 1);
      assert.equal(validity.accountNonce, 0);
      assert.equal(validity.xt.nonce, 2);
      assert.equal(validity.tip, 9n);
      assert.equal(blockRejection(chain, future), "FUTURE");
    });

    it("extrinsics of one sender apply in nonce order within a block", () => {
      const chain = new TestChain();
      const xts = [0, 1, 2].map((nonce) => chain.sign("Alice", transferCall(bob, AKRE), { nonce }));
      const { results } = chain.produceBlock([xts[0], xts[2], xts[1]]);
      assert.equal(expectApplied(results[0]).success, true);
      assert.equal(rejection(results[1]), "FUTURE");
      assert.equal(expectApplied(results[2]).success, true);
      assert.equal(chain.account(publicKeyOf("Alice")).nonce, 2);
    });
  });

  describe("PAYMENT", () => {
    it("an account without funds", () => {
      const chain = new TestChain();
      const pauper = keypairFromSeed(new Uint8Array(32).fill(9));
      const xt = chain.sign(pauper, remarkCall(fromHex("0x01")), { nonce: 0 });
      assert.equal(poolRejection(chain, xt), "PAYMENT");
      assert.equal(blockRejection(chain, xt), "PAYMENT");
    });

    it("fee + tip must leave the existential deposit: one unit short is rejected, exactly enough is accepted", () => {
      const chain = new TestChain();
      const ed = chain.config().existentialDeposit;
      const tip = 3n;
      const payers = [keypairFromSeed(new Uint8Array(32).fill(21)), keypairFromSeed(new Uint8Array(32).fill(22))];
      const xts = payers.map((p) => chain.sign(p, transferCall(bob, 0n), { nonce: 0, tip }));
      const c = chain.config();
      const fee = c.baseFee + c.lengthFeePerByte * BigInt(xts[0].length) + c.weightFeePerUnit * TRANSFER_WEIGHT;
      const funding = [fee + tip + ed - 1n, fee + tip + ed];
      chain.produceBlock(payers.map((p, i) => chain.sign("Alice", transferCall(p.publicKey, funding[i]), { nonce: i })));
      assert.equal(chain.account(payers[1].publicKey).free, fee + tip + ed);

      assert.equal(poolRejection(chain, xts[0]), "PAYMENT");
      assert.doesNotThrow(() => chain.executive.validateTransaction(chain.state(), xts[1], chain.head.header.number + 1));
      const { results } = chain.produceBlock(xts);
      assert.equal(rejection(results[0]), "PAYMENT");
      assert.equal(expectApplied(results[1]).success, true);
      assert.equal(chain.account(payers[1].publicKey).free, ed);
    });

    it("reserved balance counts toward the existential deposit, for the pool as for the block", () => {
      const chain = new TestChain();
      const c = chain.config();
      const payer = keypairFromSeed(new Uint8Array(32).fill(23));
      const feeOf = (xt: Uint8Array, call: Call): bigint => {
        const def = findCall(call.module, call.method) as NonNullable<ReturnType<typeof findCall>>;
        return computeFee(c, xt.length, def.weight(def.args.decode(call.args)));
      };
      chain.produceBlock([chain.sign("Alice", transferCall(payer.publicKey, 10n * AKRE), { nonce: 0 })]);
      const bond: Call = { module: "staking", method: "bond", args: amountArgsCodec.encode({ value: bigintToBytes(9n * AKRE) }) };
      expectApplied(chain.produceBlock([chain.sign(payer, bond, { nonce: 0 })]).results[0]);
      const remark = remarkCall(fromHex("0x01"));
      const remarkXt = chain.sign(payer, remark, { nonce: 2 });
      // Leave free = the remark's fee + 1: below the existential deposit, which the 9 AKRE reserved cover.
      let send = 0n;
      for (let i = 0; i < 3; i++) {
        const xt = chain.sign(payer, transferCall(bob, send), { nonce: 1 });
        send = chain.account(payer.publicKey).free - feeOf(xt, transferCall(bob, send)) - feeOf(remarkXt, remark) - 1n;
      }
      expectApplied(chain.produceBlock([chain.sign(payer, transferCall(bob, send), { nonce: 1 })]).results[0]);
      const before = chain.account(payer.publicKey);
      assert.equal(before.free, feeOf(remarkXt, remark) + 1n);
      assert.ok(before.free - feeOf(remarkXt, remark) < c.existentialDeposit && before.reserved >= c.existentialDeposit, "only reserved keeps the account alive");

      assert.doesNotThrow(() => chain.executive.validateTransaction(chain.state(), remarkXt, chain.head.header.number + 1));
      expectApplied(chain.produceBlock([remarkXt]).results[0]);
      assert.equal(chain.account(payer.publicKey).free, 1n);
    });
  });

  describe("mortality", () => {
    it("an extrinsic whose window has passed, or not begun, is OUTDATED", () => {
      const chain = new TestChain();
      const expired = chain.sign("Alice", remarkCall(fromHex("0x01")), { nonce: 0, mortality: { birth: 0, period: 1 } });
      const unborn = chain.sign("Alice", remarkCall(fromHex("0x01")), { nonce: 0, mortality: { birth: 5, period: 10 } });
      for (const xt of [expired, unborn]) {
        assert.equal(poolRejection(chain, xt), "OUTDATED");
        assert.equal(blockRejection(chain, xt), "OUTDATED");
      }
    });

    it("a mortal extrinsic is valid up to birth + period - 1, and OUTDATED after", () => {
      const chain = new TestChain();
      const xt = chain.sign("Alice", remarkCall(fromHex("0x01")), { nonce: 0, mortality: { birth: 1, period: 2 } });
      assert.equal(chain.executive.validateTransaction(chain.state(), xt, 1).validUntil, 2);
      assert.equal(chain.executive.validateTransaction(chain.state(), xt, 2).validUntil, 2);
      chain.produceBlock([]);
      chain.produceBlock([]);
      assert.equal(chain.head.header.number, 2);
      assert.equal(poolRejection(chain, xt), "OUTDATED");
      assert.equal(blockRejection(chain, xt), "OUTDATED");
    });

    it("an immortal extrinsic is valid forever", () => {
      const chain = new TestChain();
      const xt = chain.sign("Alice", remarkCall(fromHex("0x01")), { nonce: 0 });
      assert.equal(chain.executive.validateTransaction(chain.state(), xt, 1).validUntil, Number.MAX_SAFE_INTEGER);
    });
  });

  describe("BAD_CALL", () => {
    const calls: Array<[string, Call]> = [
      ["an unknown module", { module: "governance", method: "propose", args: new Uint8Array(0) }],
      ["an unknown method", { module: "balances", method: "mint", args: new Uint8Array(0) }],
      ["an inherited property name as method", { module: "balances", method: "constructor", args: new Uint8Array(0) }],
      ["a prototype method name", { module: "system", method: "toString", args: new Uint8Array(0) }],
      ["arguments that do not decode", { module: "balances", method: "transfer", args: fromHex("0xffff") }],
      ["non-canonical arguments", { module: "balances", method: "transfer", args: fromHex("0x0a00") }],
    ];
    for (const [what, call] of calls) {
      it(what, () => {
        const chain = new TestChain();
        const xt = chain.sign("Alice", call, { nonce: 0 });
        assert.equal(poolRejection(chain, xt), "BAD_CALL");
        assert.equal(blockRejection(chain, xt), "BAD_CALL");
      });
    }
  });

  describe("EXHAUSTS_RESOURCES", () => {
    /** A remark extrinsic whose encoding is exactly `size` bytes. */
    function remarkOfSize(chain: TestChain, size: number): Uint8Array {
      let n = size - 200;
      for (;;) {
        const xt = chain.sign("Alice", remarkCall(new Uint8Array(n)), { nonce: 0 });
        if (xt.length === size) return xt;
        n += size - xt.length;
      }
    }

    it("an extrinsic of maxExtrinsicBytes is accepted, one byte more is rejected", () => {
      const chain = new TestChain();
      const max = chain.config().maxExtrinsicBytes;
      const tooLarge = remarkOfSize(chain, max + 1);
      assert.equal(poolRejection(chain, tooLarge), "EXHAUSTS_RESOURCES");
      assert.equal(blockRejection(chain, tooLarge), "EXHAUSTS_RESOURCES");
      assert.equal(expectApplied(chain.produceBlock([remarkOfSize(chain, max)]).results[0]).success, true);
    });

    it("executeBlock rejects a block with more than maxBlockExtrinsics or more than maxBlockBytes", () => {
      const chain = new TestChain();
      const { maxBlockExtrinsics, maxBlockBytes } = chain.config();
      const header = { ...chain.head.header, number: 1, parentHash: chain.head.hash, digest: [auraPreDigest(1n)] };
      const tooMany = { header, extrinsics: Array.from({ length: maxBlockExtrinsics + 1 }, () => new Uint8Array(0)) };
      const tooBig = { header, extrinsics: [new Uint8Array(maxBlockBytes + 1)] };
      for (const block of [tooMany, tooBig]) {
        assert.throws(
          () => chain.executive.executeBlock(chain.state(), block),
          (e: unknown) => e instanceof InvalidTransaction && e.type.code === "EXHAUSTS_RESOURCES",
        );
      }
    });
  });

  describe("MALFORMED", () => {
    it("bytes that are no extrinsic, a truncated one, or one with trailing bytes", () => {
      const chain = new TestChain();
      const xt = chain.sign("Alice", transferCall(bob, AKRE), { nonce: 0 });
      for (const bad of [fromHex("0xffff"), xt.subarray(0, xt.length - 3), concatBytes(xt, fromHex("0x7801"))]) {
        assert.equal(poolRejection(chain, bad), "MALFORMED");
        assert.equal(blockRejection(chain, bad), "MALFORMED");
      }
    });

    it("a signer that is not 32 bytes, a signature that is not 64 bytes, or no call", () => {
      const chain = new TestChain();
      const xt = chain.sign("Alice", transferCall(bob, AKRE), { nonce: 0 });
      const decoded = codecs.signedExtrinsic.decode(xt);
      const variants = [
        tamper(xt, { signer: decoded.signer.subarray(0, 31) }),
        tamper(xt, { signature: decoded.signature.subarray(0, 63) }),
        tamper(xt, { call: null as unknown as Call }),
      ];
      for (const bad of variants) {
        assert.equal(poolRejection(chain, bad), "MALFORMED");
        assert.equal(blockRejection(chain, bad), "MALFORMED");
      }
    });
  });
});

describe("executive: block execution", () => {
  it("re-executing a block from its parent state gives the same writes and state root, twice", () => {
    const chain = new TestChain();
    const xts = [
      chain.sign("Alice", transferCall(bob, 3n * AKRE), { nonce: 0, tip: 10n }),
      chain.sign("Bob", transferCall(charlie, 10n ** 30n), { nonce: 0 }),
      chain.sign("Charlie", transferCall(new Uint8Array(32).fill(7), AKRE, "transferKeepAlive"), { nonce: 0 }),
      chain.sign("Alice", remarkCall(fromHex("0xabcdef")), { nonce: 1 }),
    ];
    const authored = chain.produceBlock(xts);
    assert.equal(authored.block.extrinsics.length, 4);
    const expected = authored.changes.map((c) => [toHex(c.key), c.value && toHex(c.value)]);

    for (let run = 0; run < 2; run++) {
      const trie = chain.state(authored.parentRoot);
      const changes = chain.executive.executeBlock(trie, authored.block);
      assert.deepEqual(
        changes.map((c) => [toHex(c.key), c.value && toHex(c.value)]),
        expected,
      );
      assert.equal(toHex(applyStateChanges(trie, changes).root), toHex(authored.block.header.stateRoot));
    }
  });

  it("executeBlock rejects a block holding an extrinsic that may not be included", () => {
    const chain = new TestChain();
    const parentRoot = chain.head.header.stateRoot;
    const good = chain.sign("Alice", transferCall(bob, AKRE), { nonce: 0 });
    const { block } = chain.produceBlock([good]);
    const replayed = { ...block, extrinsics: [good, good] };
    assert.throws(
      () => chain.executive.executeBlock(chain.state(parentRoot), replayed),
      (e: unknown) => e instanceof InvalidTransaction && e.type.code === "STALE",
    );
  });

  it("tags each extrinsic's events with its index in the block", () => {
    const chain = new TestChain();
    chain.produceBlock([
      chain.sign("Alice", transferCall(bob, AKRE), { nonce: 0 }),
      chain.sign("Bob", remarkCall(fromHex("0x01")), { nonce: 0 }),
    ]);
    const byIndex = chain.events().map((e) => `${e.extrinsicIndex}:${e.module}.${e.name}`);
    assert.deepEqual(byIndex, [
      "0:transactionPayment.TransactionFeePaid",
      "0:balances.Transfer",
      "0:system.ExtrinsicSuccess",
      "1:transactionPayment.TransactionFeePaid",
      "1:system.ExtrinsicSuccess",
    ]);
  });

  it("ExtrinsicFailed stores the module and the error code, never the error's free-text reason", () => {
    const chain = new TestChain();
    // Bytes protobufjs cannot decode: the module's error carries the decoder's error as its reason,
    // text that another library version may word differently, so it must stay out of the events (state).
    const malformed = { module: "staking", method: "reportEquivocation", args: reportEquivocationArgsCodec.encode({ proof: fromHex("0xff01") }) };
    const outcome = expectApplied(chain.produceBlock([chain.sign("Bob", malformed, { nonce: 0 })]).results[0]);
    assert.equal(outcome.error?.type.code, "MalformedProof");
    assert.match(String(outcome.error?.type.reason), /./, "the reason is still there for logs");
    const failed = chain.events().filter((e) => e.name === "ExtrinsicFailed");
    assert.deepEqual(failed.map((e) => e.data), [{ module: "staking", error: "MalformedProof" }]);
  });
});
