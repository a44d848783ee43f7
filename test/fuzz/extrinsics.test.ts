/**
 * Extrinsic validation on bad input, on a TestChain (real executive and modules): random bytes,
 * mutated valid extrinsics, and extrinsics signed with one field gone wrong — wrong genesis,
 * tampered signature or signer, nonce games, huge or non-minimal tips, outdated mortality,
 * unknown calls, random arguments to every real call. Both the pool's question
 * (`validateTransaction`) and the block author's (`applyExtrinsic`) answer with a typed
 * `InvalidTransaction` or a dispatch outcome, and a rejected extrinsic changes no state.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { bigintToBytes, bytesEqual, toHex } from "../../primitives/bytes.ts";
import { codecs, type Call, type Mortality } from "../../primitives/codec/index.ts";
import { devKeypair, DEV_ACCOUNT_NAMES } from "../../primitives/keys/devAccounts.ts";
import { keypairFromSeed, sign } from "../../primitives/keys/ed25519.ts";
import type { HeadInfo } from "../utils/runtime.ts";
import { AKRE, TestChain, publicKeyOf, remarkCall, transferCall } from "../utils/runtime.ts";
import { signingPayload } from "../../runtime/extrinsic.ts";
import { InvalidTransaction, type InvalidTransactionType } from "../../runtime/framework/errors.ts";
import { callNames, findCall } from "../../runtime/runtime.ts";
import { getAccount } from "../../runtime/modules/system/accounts.ts";
import { applyMutation, mutation, runtimeCall } from "./arbitraries.ts";
import { fuzzParams, fuzzTimeout } from "./params.ts";

type Code = InvalidTransactionType["code"];

/** An extrinsic to try, and what it must get whatever else it holds. */
interface Case {
  bytes: Uint8Array;
  /** The pool must refuse it (it can never become valid on this state). */
  poolMustReject: boolean;
  /** A block built on this state must leave it out. */
  blockMustReject: boolean;
}

/** Codes both paths decide with the same checks, in the same order (not PAYMENT: the pool also checks it for a future nonce, which a block refuses as FUTURE first). */
const SHARED_CODES: readonly Code[] = ["BAD_PROOF", "STALE", "OUTDATED", "BAD_CALL", "MALFORMED", "EXHAUSTS_RESOURCES"];

const signerName = fc.constantFrom(...DEV_ACCOUNT_NAMES);

/** A dev account, or a fresh key that owns nothing. */
const signerSeed = fc.oneof({ weight: 4, arbitrary: signerName.map((n) => devKeypair(n).secretSeed) }, { weight: 1, arbitrary: fc.uint8Array({ minLength: 32, maxLength: 32 }) });

/** Calls and whether they are certainly unknown to the runtime. */
const call: fc.Arbitrary<{ call: Call; unknown: boolean }> = fc.oneof(
  { weight: 3, arbitrary: fc.tuple(signerName, fc.bigInt({ min: 0n, max: 2n * AKRE })).map(([to, v]) => ({ call: transferCall(publicKeyOf(to), v), unknown: false })) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((r) => ({ call: remarkCall(r), unknown: false })) },
  { weight: 4, arbitrary: runtimeCall.map((c) => ({ call: c, unknown: false })) },
  {
    weight: 2,
    arbitrary: fc.tuple(fc.constantFrom(...callNames()), fc.uint8Array({ maxLength: 64 })).map(([name, args]) => {
      const [module, method] = name.split(".");
      return { call: { module, method, args }, unknown: false };
    }),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(
        fc.oneof(fc.constantFrom("balances", "system", "recs", "sudo", "__proto__", "constructor", ""), fc.string({ maxLength: 12 })),
        fc.oneof(fc.constantFrom("__proto__", "constructor", "toString", "hasOwnProperty", "transfer2", ""), fc.string({ maxLength: 12 })),
        fc.uint8Array({ maxLength: 16 }),
      )
      .filter(([module, method]) => findCall(module, method) === undefined)
      .map(([module, method, args]) => ({ call: { module, method, args }, unknown: true })),
  },
);

/** Tip bytes and whether they are certainly refused (non-minimal, or more than any account holds). */
const tip: fc.Arbitrary<{ bytes: Uint8Array; refused: boolean }> = fc.oneof(
  { weight: 4, arbitrary: fc.constant({ bytes: new Uint8Array(0), refused: false }) },
  { weight: 2, arbitrary: fc.bigInt({ min: 1n, max: AKRE }).map((t) => ({ bytes: bigintToBytes(t), refused: false })) },
  // Every dev account holds 10^6 AKRE < 2^80 base units.
  { weight: 2, arbitrary: fc.bigInt({ min: 1n << 81n, max: 1n << 256n }).map((t) => ({ bytes: bigintToBytes(t), refused: true })) },
  { weight: 1, arbitrary: fc.bigInt({ min: 0n, max: 1n << 64n }).map((t) => ({ bytes: Uint8Array.of(0, ...bigintToBytes(t)), refused: true })) },
);

type Tamper = { kind: "none" } | { kind: "flip"; at: number } | { kind: "replace"; bytes: Uint8Array };
const tamper: fc.Arbitrary<Tamper> = fc.oneof(
  { weight: 6, arbitrary: fc.constant({ kind: "none" as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("flip" as const), at: fc.nat({ max: 511 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("replace" as const), bytes: fc.uint8Array({ maxLength: 96 }) }) },
);

function applyTamper(bytes: Uint8Array, t: Tamper): Uint8Array {
  if (t.kind === "none") return bytes;
  if (t.kind === "replace") return t.bytes;
  const out = bytes.slice();
  out[(t.at >> 3) % out.length] ^= 1 << (t.at & 7);
  return out;
}

describe("fuzz: extrinsic validation", function () {
  this.timeout(fuzzTimeout(30_000));
  let chain: TestChain;
  let base: HeadInfo;
  /** The state root of an empty block on `base` at `slot`: what a block that refused everything must have. */
  let emptyRoot: Uint8Array;
  let slot: bigint;

  before(() => {
    chain = new TestChain();
    // A few nonces in use, so that stale nonces exist.
    chain.produceBlock([
      chain.sign("Alice", transferCall(publicKeyOf("Dave"), AKRE), { nonce: 0 }),
      chain.sign("Alice", remarkCall(Uint8Array.of(1)), { nonce: 1 }),
      chain.sign("Bob", transferCall(publicKeyOf("Eve"), AKRE), { nonce: 0 }),
    ]);
    base = chain.head;
    slot = base.slot + 1n;
    emptyRoot = chain.produceBlock([], { slot }).block.header.stateRoot;
    chain.head = base;
  });

  /** Signed extrinsics with at most a few fields made wrong, and the verdicts those fields force. */
  function signedCase(): fc.Arbitrary<Case> {
    const n = base.header.number + 1;
    const mortality: fc.Arbitrary<Mortality | null> = fc.oneof(
      fc.constant(null),
      fc.record({ birth: fc.integer({ min: 0, max: n + 3 }), period: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 8 }), fc.constant(0xffffffff)) }),
      fc.record({ birth: fc.nat({ max: 0xffffffff }), period: fc.nat({ max: 0xffffffff }) }),
    );
    const nonceDelta = fc.oneof({ weight: 4, arbitrary: fc.constant(0) }, { weight: 2, arbitrary: fc.integer({ min: -2, max: 2 }) }, { weight: 1, arbitrary: fc.constant(Infinity) });
    return fc
      .record({
        seed: signerSeed,
        wrongGenesis: fc.option(fc.uint8Array({ minLength: 32, maxLength: 32 }), { freq: 6 }),
        nonceDelta,
        tip,
        mortality,
        call,
        signature: tamper,
        signer: tamper,
      })
      .map((c): Case => {
        const key = keypairFromSeed(c.seed);
        const accountNonce = getAccount(chain.state(base.header.stateRoot), key.publicKey).nonce;
        const nonce = c.nonceDelta === Infinity ? 0xffffffff : Math.max(0, accountNonce + c.nonceDelta);
        const genesis = c.wrongGenesis ?? chain.genesis.hash;
        const unsigned = { nonce, tip: c.tip.bytes, mortality: c.mortality, call: c.call.call };
        const goodSignature = sign(c.seed, signingPayload(genesis, unsigned));
        const signature = applyTamper(goodSignature, c.signature);
        const signer = applyTamper(key.publicKey, c.signer);
        const outdated = c.mortality !== null && c.mortality.period > 0 && (n < c.mortality.birth || n > c.mortality.birth + c.mortality.period - 1);
        const certain =
          (c.wrongGenesis !== null && !bytesEqual(c.wrongGenesis, chain.genesis.hash)) ||
          !bytesEqual(signature, goodSignature) ||
          !bytesEqual(signer, key.publicKey) ||
          c.tip.refused ||
          outdated ||
          c.call.unknown ||
          nonce < accountNonce;
        return { bytes: codecs.signedExtrinsic.encode({ ...unsigned, signer, signature }), poolMustReject: certain, blockMustReject: certain || nonce !== accountNonce };
      });
  }

  /** Any signed case, byte-mutated: changed bytes carry a signature over something else. */
  function mutatedCase(): fc.Arbitrary<Case> {
    return fc.tuple(signedCase(), fc.array(mutation, { minLength: 1, maxLength: 3 })).map(([c, ms]) => {
      const bytes = ms.reduce(applyMutation, c.bytes);
      const changed = !bytesEqual(bytes, c.bytes);
      return { bytes, poolMustReject: c.poolMustReject || changed, blockMustReject: c.blockMustReject || changed };
    });
  }

  const randomCase: fc.Arbitrary<Case> = fc.uint8Array({ maxLength: 300 }).map((bytes) => ({ bytes, poolMustReject: true, blockMustReject: true }));

  function anyCase(): fc.Arbitrary<Case> {
    return fc.oneof({ weight: 4, arbitrary: signedCase() }, { weight: 3, arbitrary: mutatedCase() }, { weight: 1, arbitrary: randomCase });
  }

  function poolVerdict(bytes: Uint8Array): InvalidTransaction | null {
    try {
      chain.executive.validateTransaction(chain.state(base.header.stateRoot), bytes, base.header.number + 1);
      return null;
    } catch (e) {
      if (e instanceof InvalidTransaction) return e;
      throw new Error(`validateTransaction threw ${String(e)}`, { cause: e });
    }
  }

  it("the pool answers validity or InvalidTransaction, and refuses what can never be valid", () => {
    fc.assert(
      fc.property(anyCase(), (c) => {
        const verdict = poolVerdict(c.bytes);
        if (c.poolMustReject) assert.ok(verdict !== null, `pool accepted ${toHex(c.bytes)}`);
      }),
      fuzzParams(400),
    );
  });

  it("a block leaves out what it must with no state change, applies the rest with nonce and issuance intact, and agrees with the pool", () => {
    fc.assert(
      fc.property(anyCase(), (c) => {
        chain.head = base;
        const before = new Map(DEV_ACCOUNT_NAMES.map((name) => [name, chain.account(publicKeyOf(name)).nonce]));
        // produceBlock lets any error other than InvalidTransaction escape, failing the property.
        const { block, results } = chain.produceBlock([c.bytes], { slot });
        const result = results[0];
        const pool = poolVerdict(c.bytes);
        if (result instanceof InvalidTransaction) {
          assert.ok(bytesEqual(block.header.stateRoot, emptyRoot), `rejected (${result.code}) but the state changed`);
          if (SHARED_CODES.includes(result.code)) assert.equal(pool?.code, result.code, `block: ${result.code}, pool: ${pool?.code ?? "valid"}`);
        } else {
          assert.ok(!c.blockMustReject, `block applied ${toHex(c.bytes)}`);
          const xt = codecs.signedExtrinsic.decode(c.bytes);
          const after = chain.account(xt.signer).nonce;
          assert.equal(after, xt.nonce + 1, "an applied extrinsic (successful or not) bumps its signer's nonce");
          for (const [name, nonce] of before) if (!bytesEqual(publicKeyOf(name), xt.signer)) assert.equal(chain.account(publicKeyOf(name)).nonce, nonce);
          assert.equal(chain.totalIssuance(), chain.sumOfBalances(), "total issuance is the sum of balances");
        }
        if (pool !== null && SHARED_CODES.includes(pool.code)) {
          assert.ok(result instanceof InvalidTransaction, `pool refused with ${pool.code} but the block applied it`);
          assert.equal(result.code, pool.code);
        }
      }),
      fuzzParams(400),
    );
  });
});
