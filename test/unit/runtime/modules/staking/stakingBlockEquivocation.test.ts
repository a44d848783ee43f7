import assert from "node:assert/strict";
import { toHex } from "../../../../../primitives/bytes.ts";
import { codecs, type Call, type Header } from "../../../../../primitives/codec/index.ts";
import { auraPreDigest } from "../../../../../primitives/digest.ts";
import { devKeypair } from "../../../../../primitives/keys/devAccounts.ts";
import { encodeAddress } from "../../../../../primitives/keys/ss58.ts";
import { sealHeader } from "../../../../../primitives/seal.ts";
import type { ChainSpec, RuntimeGenesisConfig } from "../../../../../genesis/chainSpec.ts";
import { devChainSpec } from "../../../../../genesis/presets.ts";
import { Authorities } from "../../../../../runtime/modules/aura/storage.ts";
import { devFinalityKeypair } from "../../../../../runtime/modules/staking/index.ts";
import { BlockOffences, Ledger, PlannedSets } from "../../../../../runtime/modules/staking/storage.ts";
import { blockEquivocationProofCodec, noArgsCodec, reportEquivocationArgsCodec } from "../../../../../runtime/modules/staking/types.ts";
import { AKRE, expectApplied, TestChain, type DecodedEvent } from "../../../../utils/runtime.ts";

// 4-block sessions (block n is in session ⌊n ÷ 4⌋), a 6-session bonding period (past sessions kept
// for 4 sessions), Alice and Bob validating with 10,000 AKRE each, 10 % slashes. Slot s of a
// session whose set is [Alice, Bob] is Alice's when s is even, Bob's when it is odd.
const SESSION = 4;
const GENESIS_BOND = 10_000n * AKRE;

type Name = "Alice" | "Bob" | "Charlie" | "Dave" | "Eve";
const account = (name: Name): Uint8Array => devKeypair(name).publicKey;
const address = (name: Name): string => encodeAddress(account(name), 42);

function stakingSpec(validators: Name[]): ChainSpec {
  const spec = devChainSpec();
  const config = (spec.genesis as { runtimeGenesis: { config: RuntimeGenesisConfig } }).runtimeGenesis.config;
  (config.pog as Record<string, unknown>).epochLengthBlocks = 100_000;
  config.aura.authorities = validators.map(address);
  config.staking = {
    sessionLengthBlocks: SESSION,
    bondingPeriodSessions: 6,
    maxValidators: 3,
    minValidatorBond: (1000n * AKRE).toString(),
    slashPercent: 10,
    validators: validators.map((n) => [address(n), GENESIS_BOND.toString(), address(n), toHex(devFinalityKeypair(n).publicKey)]),
  };
  return spec;
}

/** A header of block `number` for `slot`, sealed by `sealer`; `variant` makes headers of one slot differ. */
function header(sealer: Name, slot: bigint, opts: { number?: number; variant?: number } = {}): Header {
  const unsealed: Header = {
    parentHash: new Uint8Array(32).fill(7),
    number: opts.number ?? 2,
    stateRoot: new Uint8Array(32).fill(opts.variant ?? 1),
    extrinsicsRoot: new Uint8Array(32),
    digest: [auraPreDigest(slot)],
  };
  return sealHeader(unsealed, devKeypair(sealer).secretSeed);
}

function proof(first: Header, second: Header): Uint8Array {
  return blockEquivocationProofCodec.encode({ firstHeader: codecs.header.encode(first), secondHeader: codecs.header.encode(second) });
}

function report(proofBytes: Uint8Array): Call {
  return { module: "staking", method: "reportBlockEquivocation", args: reportEquivocationArgsCodec.encode({ proof: proofBytes }) };
}

function submit(chain: TestChain, name: Name, c: Call): { success: boolean; error?: string; events: DecodedEvent[] } {
  const nonce = chain.account(account(name)).nonce;
  const outcome = expectApplied(chain.produceBlock([chain.sign(name, c, { nonce })]).results[0]);
  return { success: outcome.success, error: outcome.error?.type.code, events: chain.events() };
}

function fails(chain: TestChain, c: Call, code: string): void {
  const r = submit(chain, "Charlie", c);
  assert.equal(r.success, false, `${c.method} succeeded`);
  assert.equal(r.error, code);
}

function staking(events: DecodedEvent[], name: string): Array<Record<string, unknown>> {
  return events.filter((e) => e.module === "staking" && e.name === name).map((e) => e.data);
}


describe("staking: block equivocation reports", () => {
  it("slashes the author of two blocks in one slot: reporter paid, rest burned, chilled, removed from the next set", () => {
    const chain = new TestChain(stakingSpec(["Alice", "Bob"]));
    const issuance = chain.totalIssuance();
    const charlieFree = chain.account(account("Charlie")).free;

    const r = submit(chain, "Charlie", report(proof(header("Bob", 5n), header("Bob", 5n, { variant: 2 }))));
    assert.equal(r.success, true, r.error);
    const slash = GENESIS_BOND / 10n;
    const reward = slash / 10n;
    assert.deepEqual(staking(r.events, "Slashed"), [{ stash: toHex(account("Bob")), slot: "5", amount: slash.toString() }]);
    assert.deepEqual(staking(r.events, "ReporterRewarded"), [{ reporter: toHex(account("Charlie")), amount: reward.toString() }]);
    assert.deepEqual(staking(r.events, "Chilled"), [{ stash: toHex(account("Bob")) }]);
    assert.deepEqual(staking(r.events, "RemovedFromSet"), [{ stash: toHex(account("Bob")), session: 1 }]);
    assert.deepEqual(Ledger.get(chain.state(), account("Bob")), { active: GENESIS_BOND - slash, unlocking: [] });
    assert.equal(chain.account(account("Bob")).reserved, GENESIS_BOND - slash);
    // Free when valid (Pays::No): the fee withdrawn up front is refunded.
    assert.equal(r.events.find((e) => e.name === "TransactionFeePaid")?.data.actualFee, "0");
    assert.equal(chain.account(account("Charlie")).free, charlieFree + reward);
    assert.equal(chain.totalIssuance(), issuance - (slash - reward));
    assert.equal(chain.totalIssuance(), chain.sumOfBalances());
    assert.ok(BlockOffences.contains(chain.state(), 5n, account("Bob")));

    chain.advanceTo(SESSION - 1);
    assert.deepEqual(Authorities.get(chain.state()).map(toHex), [toHex(account("Alice"))], "Bob is gone from session 1's set");
    assert.deepEqual((PlannedSets.get(chain.state(), 2) ?? []).map((v) => toHex(v.account)), [toHex(account("Alice"))], "and not elected for session 2");
  });

  it("rejects the same header twice, different slots, bad seals, keys outside the set, unknown sessions, garbage, and a second report", () => {
    const chain = new TestChain(stakingSpec(["Alice", "Bob"]));
    const first = header("Bob", 5n);
    fails(chain, report(proof(first, first)), "NotEquivocation");
    fails(chain, report(proof(first, header("Bob", 7n, { variant: 2 }))), "NotEquivocation");
    // Alice's seal in Bob's slot, and a seal whose bytes were changed.
    fails(chain, report(proof(first, header("Alice", 5n, { variant: 2 }))), "BadSeal");
    const tampered = header("Bob", 5n, { variant: 2 });
    tampered.digest[tampered.digest.length - 1].data[0] ^= 1;
    fails(chain, report(proof(first, tampered)), "BadSeal");
    // Eve is no validator: her key is not the slot's author in any kept set.
    fails(chain, report(proof(header("Eve", 5n), header("Eve", 5n, { variant: 2 }))), "BadSeal");
    fails(chain, report(proof(header("Bob", 5n, { number: 40 }), header("Bob", 5n, { number: 40, variant: 2 }))), "UnknownSession");
    const unsealed = { ...first, digest: first.digest.slice(0, -1) };
    fails(chain, report(proof(first, unsealed)), "MalformedProof");
    fails(chain, report(new Uint8Array([0xff, 0x01])), "MalformedProof");
    fails(chain, report(new Uint8Array(0)), "MalformedProof");
    assert.equal(chain.account(account("Bob")).reserved, GENESIS_BOND, "nothing slashed by the rejected reports");

    assert.equal(submit(chain, "Charlie", report(proof(first, header("Bob", 5n, { variant: 2 })))).success, true);
    fails(chain, report(proof(header("Bob", 5n, { variant: 3 }), first)), "AlreadyReported");
    assert.equal(chain.account(account("Bob")).reserved, GENESIS_BOND - GENESIS_BOND / 10n, "slashed once");
    assert.equal(chain.totalIssuance(), chain.sumOfBalances());
  });

  it("judges each header against its own session's set, kept for bondingPeriodSessions − 2 sessions", () => {
    const chain = new TestChain(stakingSpec(["Alice", "Bob"]));
    assert.equal(submit(chain, "Bob", { module: "staking", method: "chill", args: noArgsCodec.encode({}) }).success, true);
    // Session 2 (blocks 8–11) has Alice alone: slot 5 is hers there, Bob's in session 0.
    chain.advanceTo(2 * SESSION);
    const bobsBlock = header("Bob", 5n, { number: 2 });
    fails(chain, report(proof(bobsBlock, header("Alice", 5n, { number: 9 }))), "NotEquivocation");
    assert.equal(submit(chain, "Charlie", report(proof(header("Alice", 5n, { number: 9 }), header("Alice", 5n, { number: 10 })))).success, true);
    chain.advanceTo(4 * SESSION);
    const secondBobsBlock = header("Bob", 5n, { number: 3 });
    assert.equal(submit(chain, "Charlie", report(proof(bobsBlock, secondBobsBlock))).error, undefined, "session 0 is still kept in session 4");
    chain.advanceTo(5 * SESSION);
    fails(chain, report(proof(bobsBlock, header("Bob", 5n, { number: 1 }))), "UnknownSession");
  });
});
