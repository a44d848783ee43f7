import assert from "node:assert/strict";
import { bytesEqual, toHex } from "../../../../../primitives/bytes.ts";
import { keypairFromSeed, type Ed25519Keypair } from "../../../../../primitives/keys/ed25519.ts";
import type { RuntimeGenesisConfig } from "../../../../../genesis/chainSpec.ts";
import { devChainSpec, TREASURY_ACCOUNT } from "../../../../../genesis/presets.ts";
import { EventPhase } from "../../../../../primitives/codec/index.ts";
import { DEV_ACCOUNT_NAMES, devKeypair } from "../../../../../primitives/keys/devAccounts.ts";
import { InvalidTransaction } from "../../../../../runtime/framework/errors.ts";
import { Account } from "../../../../../runtime/modules/system/storage.ts";
import { Prng } from "../../../primitives/trie/helpers.ts";
import { AKRE, TRANSFER_WEIGHT, TestChain, expectApplied, publicKeyOf, transferCall, type DecodedEvent } from "../../../../utils/runtime.ts";

// The dev spec's economics, read from the spec itself so that the expected fee is computed
// independently of the runtime's `computeFee`.
const specConfig = (devChainSpec().genesis as { runtimeGenesis: { config: RuntimeGenesisConfig } }).runtimeGenesis.config;
const ED = BigInt(specConfig.balances.existentialDeposit);
const BASE_FEE = BigInt(specConfig.transactionPayment.baseFee);
const LENGTH_FEE = BigInt(specConfig.transactionPayment.lengthFeePerByte);
const WEIGHT_FEE = BigInt(specConfig.transactionPayment.weightFeePerUnit);
const BURN_PERCENT = BigInt(specConfig.transactionPayment.feeBurnPercent);

function transferFee(encodedLength: number): bigint {
  return BASE_FEE + LENGTH_FEE * BigInt(encodedLength) + WEIGHT_FEE * TRANSFER_WEIGHT;
}

function burnedShare(fee: bigint): bigint {
  return (fee * BURN_PERCENT) / 100n;
}

function named(events: DecodedEvent[], module: string, name: string): DecodedEvent[] {
  return events.filter((e) => e.module === module && e.name === name);
}

/** A fresh account that can sign, distinct for each `n`. */
function freshKeypair(n: number): Ed25519Keypair {
  return keypairFromSeed(new Uint8Array(32).fill(n));
}

describe("balances", () => {
  const alice = publicKeyOf("Alice");
  const bob = publicKeyOf("Bob");
  const charlie = publicKeyOf("Charlie");

  it("the dev spec's treasury is TREASURY_ACCOUNT and Alice is the only author", () => {
    const chain = new TestChain();
    assert.ok(bytesEqual(chain.config().treasury, TREASURY_ACCOUNT));
    assert.equal(specConfig.aura.authorities.length, 1);
  });

  it("a transfer moves exactly the amount; the sender pays exactly fee + tip, split between burn, treasury and author", () => {
    const chain = new TestChain();
    const before = { bob: chain.account(bob), charlie: chain.account(charlie), alice: chain.account(alice), treasury: chain.account(TREASURY_ACCOUNT) };
    const issuance = chain.totalIssuance();
    const amount = 5n * AKRE + 123n;
    const tip = 7n * 10n ** 15n;
    const xt = chain.sign("Bob", transferCall(charlie, amount), { nonce: 0, tip });
    const fee = transferFee(xt.length);

    const { results } = chain.produceBlock([xt]);
    assert.equal(expectApplied(results[0]).success, true);

    const burned = burnedShare(fee);
    assert.equal(chain.account(bob).free, before.bob.free - amount - fee - tip);
    assert.equal(chain.account(bob).nonce, 1);
    assert.equal(chain.account(charlie).free, before.charlie.free + amount);
    assert.equal(chain.account(alice).free, before.alice.free + tip);
    assert.equal(chain.account(TREASURY_ACCOUNT).free, before.treasury.free + fee - burned);
    assert.equal(chain.totalIssuance(), issuance - burned);
    assert.equal(chain.sumOfBalances(), chain.totalIssuance());

    const events = chain.events();
    assert.deepEqual(
      events.map((e) => `${e.module}.${e.name}`),
      ["transactionPayment.TransactionFeePaid", "balances.Transfer", "system.ExtrinsicSuccess"],
    );
    assert.ok(events.every((e) => e.phase === EventPhase.ApplyExtrinsic && e.extrinsicIndex === 0));
    assert.deepEqual(events[0].data, { who: toHex(bob), actualFee: fee.toString(), tip: tip.toString() });
    assert.deepEqual(events[1].data, { from: toHex(bob), to: toHex(charlie), amount: amount.toString() });
  });

  it("endows a new account with exactly the existential deposit, and refuses one below it", () => {
    const chain = new TestChain();
    const below = freshKeypair(1).publicKey;
    const exact = freshKeypair(2).publicKey;
    const bobBefore = chain.account(bob).free;
    const xtBelow = chain.sign("Bob", transferCall(below, ED - 1n), { nonce: 0 });
    const xtExact = chain.sign("Bob", transferCall(exact, ED), { nonce: 1 });

    const { results } = chain.produceBlock([xtBelow, xtExact]);
    const failed = expectApplied(results[0]);
    assert.equal(failed.success, false);
    assert.equal(failed.error?.type.code, "ExistentialDeposit");
    assert.equal(expectApplied(results[1]).success, true);

    assert.equal(Account.get(chain.state(), below), undefined);
    assert.equal(chain.account(exact).free, ED);
    assert.equal(chain.account(bob).free, bobBefore - transferFee(xtBelow.length) - transferFee(xtExact.length) - ED);
    assert.equal(chain.account(bob).nonce, 2);

    const events = chain.events();
    assert.deepEqual(named(events, "system", "ExtrinsicFailed")[0], {
      phase: EventPhase.ApplyExtrinsic,
      extrinsicIndex: 0,
      module: "system",
      name: "ExtrinsicFailed",
      data: { module: "balances", error: "ExistentialDeposit", amount: (ED - 1n).toString(), existentialDeposit: ED.toString() },
    });
    const endowed = named(events, "balances", "Endowed");
    assert.equal(endowed.length, 1);
    assert.deepEqual(endowed[0].data, { account: toHex(exact), freeBalance: ED.toString() });
    assert.equal(endowed[0].extrinsicIndex, 1);
  });

  describe("a sender left with dust", () => {
    const dust = ED / 2n;
    const funding = AKRE;

    /**
     * Funds a fresh account with `funding`, then has it send everything but `dust` after its fee.
     * The amount's byte length does not change between draft and final, so neither does the fee.
     */
    function drain(method: "transfer" | "transferKeepAlive"): { chain: TestChain; sender: Ed25519Keypair; fee: bigint; amount: bigint; issuance: bigint } {
      const chain = new TestChain();
      const sender = freshKeypair(3);
      expectApplied(chain.produceBlock([chain.sign("Alice", transferCall(sender.publicKey, funding), { nonce: 0 })]).results[0]);
      const draft = chain.sign(sender, transferCall(charlie, funding, method), { nonce: 0 });
      const fee = transferFee(draft.length);
      const amount = funding - fee - dust;
      const xt = chain.sign(sender, transferCall(charlie, amount, method), { nonce: 0 });
      assert.equal(xt.length, draft.length);
      const issuance = chain.totalIssuance();
      chain.produceBlock([xt]);
      return { chain, sender, fee, amount, issuance };
    }

    it("allow-death: the sender is reaped, its dust burned with DustLost, and its nonce kept", () => {
      const charlieBefore = new TestChain().account(charlie).free;
      const { chain, sender, fee, amount, issuance } = drain("transfer");
      assert.equal(chain.account(sender.publicKey).free, 0n);
      assert.equal(chain.account(sender.publicKey).nonce, 1);
      assert.equal(chain.account(charlie).free, charlieBefore + amount);
      assert.equal(chain.totalIssuance(), issuance - burnedShare(fee) - dust);
      assert.equal(chain.sumOfBalances(), chain.totalIssuance());
      const lost = named(chain.events(), "balances", "DustLost");
      assert.equal(lost.length, 1);
      assert.deepEqual(lost[0].data, { account: toHex(sender.publicKey), amount: dust.toString() });
    });

    it("keep-alive: the transfer fails with Expendability and only the fee is taken", () => {
      const charlieBefore = new TestChain().account(charlie).free;
      const { chain, sender, fee, issuance } = drain("transferKeepAlive");
      assert.equal(chain.account(sender.publicKey).free, funding - fee);
      assert.equal(chain.account(sender.publicKey).nonce, 1);
      assert.equal(chain.account(charlie).free, charlieBefore);
      assert.equal(chain.totalIssuance(), issuance - burnedShare(fee));
      assert.deepEqual(named(chain.events(), "system", "ExtrinsicFailed")[0].data, { module: "balances", error: "Expendability" });
      assert.equal(named(chain.events(), "balances", "DustLost").length, 0);
    });
  });

  it("a failing call keeps its fee and nonce bump but none of its own writes (InsufficientBalance)", () => {
    const chain = new TestChain();
    const bobBefore = chain.account(bob);
    const charlieBefore = chain.account(charlie);
    const issuance = chain.totalIssuance();
    const xt = chain.sign("Bob", transferCall(charlie, bobBefore.free + 1n), { nonce: 0, tip: 1000n });
    const fee = transferFee(xt.length);

    const outcome = expectApplied(chain.produceBlock([xt]).results[0]);
    assert.equal(outcome.success, false);
    assert.equal(outcome.error?.type.code, "InsufficientBalance");
    assert.equal(chain.account(bob).free, bobBefore.free - fee - 1000n);
    assert.equal(chain.account(bob).nonce, 1);
    assert.deepEqual(chain.account(charlie), charlieBefore);
    assert.equal(chain.totalIssuance(), issuance - burnedShare(fee));
    assert.deepEqual(
      chain.events().map((e) => `${e.module}.${e.name}`),
      ["transactionPayment.TransactionFeePaid", "system.ExtrinsicFailed"],
    );
    // The error's own data travels in the event: what was asked and what there was.
    assert.deepEqual(chain.events()[1].data, {
      module: "balances",
      error: "InsufficientBalance",
      free: (bobBefore.free - fee - 1000n).toString(),
      amount: (bobBefore.free + 1n).toString(),
    });
  });

  describe("a call that fails after writing (dust burned, then the recipient is below ED)", () => {
    // The sender keeps 1.2 ED after its fee and sends 0.7 ED to a new account: the transfer first
    // burns the 0.5 ED of dust the sender would keep, then fails with ExistentialDeposit.
    function setUp(): { chain: TestChain; sender: Ed25519Keypair; funding: bigint; fee: bigint; issuance: bigint } {
      const chain = new TestChain();
      const sender = freshKeypair(4);
      const recipient = freshKeypair(5).publicKey;
      const amount = (ED * 7n) / 10n;
      const xt = chain.sign(sender, transferCall(recipient, amount), { nonce: 0 });
      const fee = transferFee(xt.length);
      const funding = fee + (ED * 12n) / 10n;
      expectApplied(chain.produceBlock([chain.sign("Alice", transferCall(sender.publicKey, funding), { nonce: 0 })]).results[0]);
      const issuance = chain.totalIssuance();
      const outcome = expectApplied(chain.produceBlock([xt]).results[0]);
      assert.equal(outcome.error?.type.code, "ExistentialDeposit");
      return { chain, sender, funding, fee, issuance };
    }

    it("rolls back the dust burn: the sender keeps everything but its fee", () => {
      const { chain, sender, funding, fee, issuance } = setUp();
      assert.equal(chain.account(sender.publicKey).free, funding - fee);
      assert.equal(chain.account(sender.publicKey).nonce, 1);
      assert.equal(chain.totalIssuance(), issuance - burnedShare(fee));
      assert.equal(chain.sumOfBalances(), chain.totalIssuance());
    });

    it("emits no event of the rolled-back call (no DustLost)", () => {
      const { chain } = setUp();
      assert.deepEqual(
        chain.events().map((e) => `${e.module}.${e.name}`),
        ["transactionPayment.TransactionFeePaid", "system.ExtrinsicFailed"],
      );
    });
  });

  it("total issuance equals the sum of all balances after every block of random transfers", () => {
    const chain = new TestChain();
    const rng = new Prng(0x5eed);
    const signers = [...DEV_ACCOUNT_NAMES.map((n) => devKeypair(n)), ...[11, 12, 13].map(freshKeypair)];
    const nonces = new Map<Ed25519Keypair, number>();
    const outcomes = { success: 0, failed: 0, invalid: 0 };
    const seen = new Set<string>();

    for (let block = 1; block <= 12; block++) {
      const xts: Uint8Array[] = [];
      for (let i = 0; i < 6; i++) {
        const from = signers[rng.below(signers.length)];
        // One recipient in five is an account that may not exist yet (and may never sign).
        const to = rng.below(5) === 0 ? new Uint8Array(32).fill(100 + rng.below(50)) : signers[rng.below(signers.length)].publicKey;
        const amount = randomAmount(rng, chain.account(from.publicKey).free);
        const method = rng.below(3) === 0 ? "transferKeepAlive" : "transfer";
        const nonce = nonces.get(from) ?? 0;
        xts.push(chain.sign(from, transferCall(to, amount, method), { nonce, tip: BigInt(rng.below(3)) * 10n ** 14n }));
        nonces.set(from, nonce + 1);
      }
      for (const r of chain.produceBlock(xts).results) {
        if (r instanceof InvalidTransaction) outcomes.invalid++;
        else if (r.success) outcomes.success++;
        else outcomes.failed++;
      }
      // An extrinsic left out of the block does not use its nonce: take the nonces from state.
      for (const s of signers) nonces.set(s, chain.account(s.publicKey).nonce);
      assert.equal(chain.sumOfBalances(), chain.totalIssuance(), `after block ${block}`);
      for (const e of chain.events()) seen.add(e.name === "ExtrinsicFailed" ? String(e.data.error) : e.name);
    }
    // The sequence went through successful transfers, failed calls, rejected extrinsics, new
    // accounts and reaped ones.
    assert.ok(outcomes.success > 0 && outcomes.failed > 0 && outcomes.invalid > 0, JSON.stringify(outcomes));
    for (const what of ["Endowed", "DustLost", "InsufficientBalance", "ExistentialDeposit"]) assert.ok(seen.has(what), `no ${what} in [${[...seen].join(", ")}]`);
  });
});

/** About a transfer's fee with a tip, for amounts that leave the sender near the existential deposit. */
const APPROX_FEE = 12n * 10n ** 14n;

/** Amounts that hit every branch: around the existential deposit, a share, nearly all, too much. */
function randomAmount(rng: Prng, free: bigint): bigint {
  switch (rng.below(4)) {
    case 0:
      return (ED * BigInt(rng.below(20))) / 10n;
    case 1:
      return (free * BigInt(rng.below(100))) / 100n;
    case 2: {
      const rest = free - APPROX_FEE - (ED * BigInt(rng.below(3))) / 2n;
      return rest > 0n ? rest : 0n;
    }
    default:
      return free + 1n;
  }
}
