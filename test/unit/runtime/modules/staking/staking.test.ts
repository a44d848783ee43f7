import assert from "node:assert/strict";
import { bigintToBytes, bytesEqual, fromHex, toHex } from "../../../../../primitives/bytes.ts";
import { blsSign, blsVerify, type BlsKeypair } from "../../../../../primitives/blsKeys.ts";
import type { Call } from "../../../../../primitives/codec/index.ts";
import { equivocationProofCodec, voteSigningRoot, VoteStage, type FinalityVote, type SignedFinalityVote } from "../../../../../primitives/finality/vote.ts";
import { devKeypair } from "../../../../../primitives/keys/devAccounts.ts";
import { encodeAddress } from "../../../../../primitives/keys/ss58.ts";
import { ChainSpecError, type ChainSpec, type RuntimeGenesisConfig } from "../../../../../genesis/chainSpec.ts";
import { devChainSpec, localChainSpec } from "../../../../../genesis/presets.ts";
import { Authorities } from "../../../../../runtime/modules/aura/storage.ts";
import { authoringPopMessage, devFinalityKeypair, finalityPopMessage, signAuthoringPop, signFinalityPop, validatorStakes } from "../../../../../runtime/modules/staking/index.ts";
import { KeyOwner } from "../../../../../runtime/modules/staking/storage.ts";
import { keypairFromSuri } from "../../../../../primitives/keys/suri.ts";
import { verify, type Ed25519Keypair } from "../../../../../primitives/keys/ed25519.ts";
import { CurrentSession, CurrentSetId, FinalityAuthorities, Ledger, Offences, PlannedSets, SetHistory } from "../../../../../runtime/modules/staking/storage.ts";
import { amountArgsCodec, noArgsCodec, reportEquivocationArgsCodec, validateArgsCodec } from "../../../../../runtime/modules/staking/types.ts";
import { AKRE, expectApplied, TestChain, type DecodedEvent } from "../../../../utils/runtime.ts";

// Test chains: 4-block sessions (session s is blocks 4s to 4s + 3; the set changes after block
// 4s + 3), a 3-session bonding period, at most 3 validators with 1,000 AKRE each at least, 10 %
// slashes. Rewards epochs are made too long to end, so that no minting blurs the balances.
const SESSION = 4;
const BONDING_PERIOD = 3;
const MIN_BOND = 1000n * AKRE;
const GENESIS_BOND = 10_000n * AKRE;

type Name = "Alice" | "Bob" | "Charlie" | "Dave" | "Eve" | "Ferdie";

const account = (name: Name): Uint8Array => devKeypair(name).publicKey;
const address = (name: Name): string => encodeAddress(account(name), 42);
const finality = (name: Name): BlsKeypair => devFinalityKeypair(name);

function sections(spec: ChainSpec): RuntimeGenesisConfig {
  return (spec.genesis as { runtimeGenesis: { config: RuntimeGenesisConfig } }).runtimeGenesis.config;
}

function stakingSpec(validators: Name[] = ["Alice"], overrides: Record<string, unknown> = {}): ChainSpec {
  const spec = devChainSpec();
  const config = sections(spec);
  (config.pog as Record<string, unknown>).epochLengthBlocks = 100_000;
  config.aura.authorities = validators.map(address);
  config.staking = {
    sessionLengthBlocks: SESSION,
    bondingPeriodSessions: BONDING_PERIOD,
    maxValidators: 3,
    minValidatorBond: MIN_BOND.toString(),
    slashPercent: 10,
    validators: validators.map((n) => [address(n), GENESIS_BOND.toString(), address(n), toHex(finality(n).publicKey)]),
    ...overrides,
  };
  return spec;
}

const amount = (value: bigint): Uint8Array => amountArgsCodec.encode({ value: bigintToBytes(value) });
const bond = (value: bigint): Call => ({ module: "staking", method: "bond", args: amount(value) });
const bondExtra = (value: bigint): Call => ({ module: "staking", method: "bondExtra", args: amount(value) });
const unbond = (value: bigint): Call => ({ module: "staking", method: "unbond", args: amount(value) });
const withdraw = (): Call => ({ module: "staking", method: "withdrawUnbonded", args: noArgsCodec.encode({}) });
const chill = (): Call => ({ module: "staking", method: "chill", args: noArgsCodec.encode({}) });

interface ValidateOpts {
  keys?: BlsKeypair;
  proof?: Uint8Array;
  /** The authoring keypair (default: the stash's own account key), which signs `authoringProof`. */
  authoring?: Ed25519Keypair;
  /** A key to claim without holding it (its proof then defaults to 64 zero bytes). */
  authoringKey?: Uint8Array;
  authoringProof?: Uint8Array;
}

/** `validate` by stash `name`, with proofs of possession made for that stash unless given. */
function validateArgs(chain: TestChain, name: Name, opts: ValidateOpts = {}): Uint8Array {
  const keys = opts.keys ?? finality(name);
  const proof = opts.proof ?? signFinalityPop(keys, chain.genesis.hash, account(name));
  const authoring = opts.authoring ?? devKeypair(name);
  const authoringKey = opts.authoringKey ?? authoring.publicKey;
  const authoringProof = opts.authoringProof ?? (opts.authoringKey ? new Uint8Array(64) : signAuthoringPop(authoring, chain.genesis.hash, account(name)));
  return validateArgsCodec.encode({ authoringKey, finalityKey: keys.publicKey, finalityKeyProof: proof, authoringKeyProof: authoringProof });
}

function validate(chain: TestChain, name: Name, opts: ValidateOpts = {}): Call {
  return { module: "staking", method: "validate", args: validateArgs(chain, name, opts) };
}

function report(proof: Uint8Array): Call {
  return { module: "staking", method: "reportEquivocation", args: reportEquivocationArgsCodec.encode({ proof }) };
}

interface Submitted {
  success: boolean;
  error?: string;
  events: DecodedEvent[];
}

/** Applies `c`, signed by `name`, in a block of its own. */
function submit(chain: TestChain, name: Name, c: Call): Submitted {
  const nonce = chain.account(account(name)).nonce;
  const outcome = expectApplied(chain.produceBlock([chain.sign(name, c, { nonce })]).results[0]);
  return { success: outcome.success, error: outcome.error?.type.code, events: chain.events() };
}

/** Applies every call in one block, in order; each must succeed. */
function okInOneBlock(chain: TestChain, calls: Array<[Name, Call]>): void {
  const nonces = new Map<Name, number>();
  const xts = calls.map(([name, c]) => {
    const nonce = nonces.get(name) ?? chain.account(account(name)).nonce;
    nonces.set(name, nonce + 1);
    return chain.sign(name, c, { nonce });
  });
  for (const result of chain.produceBlock(xts).results) assert.equal(expectApplied(result).success, true, expectApplied(result).error?.type.code);
}

function ok(chain: TestChain, name: Name, c: Call): DecodedEvent[] {
  const r = submit(chain, name, c);
  assert.equal(r.success, true, `${c.method} failed: ${r.error}`);
  return r.events;
}

function fails(chain: TestChain, name: Name, c: Call, code: string): void {
  const r = submit(chain, name, c);
  assert.equal(r.success, false, `${c.method} succeeded`);
  assert.equal(r.error, code);
}

function staking(events: DecodedEvent[], name: string): Array<Record<string, unknown>> {
  return events.filter((e) => e.module === "staking" && e.name === name).map((e) => e.data);
}


/** The head's session starts with block 4s; the rotation happens in block 4s + 3. */
function lastBlockOfSession(s: number): number {
  return SESSION * s + SESSION - 1;
}

const keysOf = (names: Name[]): string[] => names.map((n) => toHex(account(n)));

function assertIssuanceInvariant(chain: TestChain): void {
  assert.equal(chain.totalIssuance(), chain.sumOfBalances());
}

function signVote(chain: TestChain, signer: number, key: BlsKeypair, vote: FinalityVote): SignedFinalityVote {
  return { vote, signer, signature: blsSign(key.secretKey, voteSigningRoot(chain.genesis.hash, vote)) };
}

function precommit(round: number, target: number, setId = 0): FinalityVote {
  return { setId, round, stage: VoteStage.Precommit, targetHash: new Uint8Array(32).fill(target), targetNumber: target };
}

/** Two precommits by `signer` (its index in the set) for different targets in one round. */
function equivocation(chain: TestChain, signer: number, key: BlsKeypair, opts: { setId?: number; round?: number } = {}): Uint8Array {
  const round = opts.round ?? 3;
  return equivocationProofCodec.encode({ first: signVote(chain, signer, key, precommit(round, 1, opts.setId)), second: signVote(chain, signer, key, precommit(round, 2, opts.setId)) });
}

describe("staking", () => {
  describe("genesis", () => {
    it("reserves each validator's bond and makes them the set of sessions 0 and 1 and finality set 0", () => {
      const chain = new TestChain(stakingSpec(["Alice", "Bob"]));
      const state = chain.state();
      for (const n of ["Alice", "Bob"] as const) {
        assert.equal(chain.account(account(n)).reserved, GENESIS_BOND);
        assert.deepEqual(Ledger.get(state, account(n)), { active: GENESIS_BOND, unlocking: [] });
      }
      assert.deepEqual(Authorities.get(state).map(toHex), keysOf(["Alice", "Bob"]));
      const set = FinalityAuthorities.get(state);
      assert.equal(set.setId, 0);
      assert.equal(CurrentSetId.get(state), 0);
      assert.deepEqual(
        set.authorities.map((a) => [toHex(a.account), toHex(a.finalityKey), a.weight]),
        (["Alice", "Bob"] as const).map((n) => [toHex(account(n)), toHex(finality(n).publicKey), GENESIS_BOND]),
      );
      assert.deepEqual(validatorStakes(state).map(([a, s]) => [toHex(a), s]), [[toHex(account("Alice")), GENESIS_BOND], [toHex(account("Bob")), GENESIS_BOND]]);
      assertIssuanceInvariant(chain);
    });

    it("the local preset has Alice, Bob, Charlie and Dave as validators with their dev finality keys; dev has Alice alone", () => {
      const local = new TestChain(localChainSpec()).state();
      const names = ["Alice", "Bob", "Charlie", "Dave"] as const;
      assert.deepEqual(Authorities.get(local).map(toHex), keysOf([...names]));
      assert.deepEqual(FinalityAuthorities.get(local).authorities.map((a) => toHex(a.finalityKey)), names.map((n) => toHex(finality(n).publicKey)));
      assert.deepEqual(FinalityAuthorities.get(new TestChain(devChainSpec()).state()).authorities.map((a) => toHex(a.account)), keysOf(["Alice"]));
    });

    it("derives distinct, deterministic dev finality keys, and refuses names that are not dev accounts", () => {
      assert.equal(toHex(devFinalityKeypair("Alice").publicKey), toHex(devFinalityKeypair("Alice").publicKey));
      assert.notEqual(toHex(devFinalityKeypair("Alice").publicKey), toHex(devFinalityKeypair("Bob").publicKey));
      assert.throws(() => devFinalityKeypair("Mallory"));
    });

    const invalid: Array<[string, Name[], Record<string, unknown>, string]> = [
      ["a bonding period under 3 sessions", ["Alice"], { bondingPeriodSessions: 2 }, "staking.bondingPeriodSessions"],
      ["more validators than maxValidators", ["Alice", "Bob"], { maxValidators: 1 }, "staking.validators"],
      ["a bond below the minimum", ["Alice"], { minValidatorBond: (GENESIS_BOND + 1n).toString() }, "staking.validators[0][1]"],
      ["a minimum bond of 0", ["Alice"], { minValidatorBond: "0" }, "staking.minValidatorBond"],
      ["a bond above the genesis balance", ["Alice"], { minValidatorBond: "1", validators: [[address("Alice"), (2_000_000n * AKRE).toString(), address("Alice"), toHex(finality("Alice").publicKey)]] }, "staking.validators[0][1]"],
      ["a finality key that is not a BLS key", ["Alice"], { validators: [[address("Alice"), GENESIS_BOND.toString(), address("Alice"), toHex(new Uint8Array(48))]] }, "staking.validators[0][3]"],
      ["an unknown field", ["Alice"], { eraLength: 1 }, "staking.eraLength"],
    ];
    for (const [what, validators, overrides, field] of invalid) {
      it(`rejects ${what}, naming ${field}`, () => {
        assert.throws(
          () => new TestChain(stakingSpec(validators, overrides)),
          (e: unknown) => e instanceof ChainSpecError && e.type.code === "INVALID" && e.type.field === field,
        );
      });
    }

    it("rejects Aura authorities that are not the validators' authoring keys in order", () => {
      const spec = stakingSpec(["Alice", "Bob"]);
      sections(spec).aura.authorities = [address("Bob"), address("Alice")];
      assert.throws(
        () => new TestChain(spec),
        (e: unknown) => e instanceof ChainSpecError && e.type.code === "INVALID" && e.type.field === "aura.authorities",
      );
    });
  });

  describe("bonding", () => {
    it("bonds, adds, unbonds into a chunk released bondingPeriodSessions later, and withdraws it", () => {
      const chain = new TestChain(stakingSpec());
      const bob = account("Bob");
      const free0 = chain.account(bob).free;

      const bonded = ok(chain, "Bob", bond(5000n * AKRE));
      assert.deepEqual(staking(bonded, "Bonded"), [{ stash: toHex(bob), amount: (5000n * AKRE).toString() }]);
      fails(chain, "Bob", bond(AKRE), "AlreadyBonded");
      ok(chain, "Bob", bondExtra(1000n * AKRE));
      assert.equal(chain.account(bob).reserved, 6000n * AKRE);
      assert.ok(chain.account(bob).free < free0 - 6000n * AKRE, "the bond and the fees left the free balance");

      // Block 5: session 1, so the chunk unlocks in session 1 + 3 = 4 (blocks 16 to 19).
      chain.advanceTo(4);
      assert.equal(CurrentSession.get(chain.state()), 1);
      const unbonded = ok(chain, "Bob", unbond(2000n * AKRE));
      assert.deepEqual(staking(unbonded, "Unbonded"), [{ stash: toHex(bob), amount: (2000n * AKRE).toString(), unlockSession: 1 + BONDING_PERIOD }]);
      assert.deepEqual(Ledger.get(chain.state(), bob), { active: 4000n * AKRE, unlocking: [{ value: 2000n * AKRE, unlockSession: 4 }] });
      assert.equal(chain.account(bob).reserved, 6000n * AKRE, "still reserved during the bonding period");

      chain.advanceTo(lastBlockOfSession(3) - 1);
      assert.equal(CurrentSession.get(chain.state()), 3);
      fails(chain, "Bob", withdraw(), "NothingToWithdraw");
      assert.equal(CurrentSession.get(chain.state()), 4, "the failed withdrawal's block ended session 3");
      const withdrawn = ok(chain, "Bob", withdraw());
      assert.deepEqual(staking(withdrawn, "Withdrawn"), [{ stash: toHex(bob), amount: (2000n * AKRE).toString() }]);
      assert.equal(chain.account(bob).reserved, 4000n * AKRE);
      assert.deepEqual(Ledger.get(chain.state(), bob), { active: 4000n * AKRE, unlocking: [] });
      assertIssuanceInvariant(chain);
    });

    it("rejects unbonding more than is active, zero amounts, and calls without a bond", () => {
      const chain = new TestChain(stakingSpec());
      fails(chain, "Bob", unbond(AKRE), "NotBonded");
      fails(chain, "Bob", bondExtra(AKRE), "NotBonded");
      fails(chain, "Bob", withdraw(), "NotBonded");
      fails(chain, "Bob", bond(0n), "InvalidAmount");
      fails(chain, "Bob", bond(2_000_000n * AKRE), "InsufficientBalance");
      ok(chain, "Bob", bond(100n * AKRE));
      fails(chain, "Bob", unbond(101n * AKRE), "InsufficientBond");
      assert.deepEqual(Ledger.get(chain.state(), account("Bob")), { active: 100n * AKRE, unlocking: [] });
    });

    it("a stash that unbonds and withdraws everything loses its ledger", () => {
      const chain = new TestChain(stakingSpec());
      ok(chain, "Bob", bond(MIN_BOND));
      ok(chain, "Bob", unbond(MIN_BOND));
      chain.advanceTo(lastBlockOfSession(BONDING_PERIOD - 1));
      ok(chain, "Bob", withdraw());
      assert.equal(Ledger.get(chain.state(), account("Bob")), undefined);
      assert.equal(chain.account(account("Bob")).reserved, 0n);
      assertIssuanceInvariant(chain);
    });

    it("a candidate cannot unbond below minValidatorBond: it chills first, then may unbond everything", () => {
      // Otherwise stashes could validate, unbond to 1 unit and stay candidates for ever, each one
      // more entry for every session's election to read; now each keeps MIN_BOND at stake.
      const chain = new TestChain(stakingSpec());
      ok(chain, "Bob", bond(MIN_BOND + 10n));
      ok(chain, "Bob", validate(chain, "Bob"));
      ok(chain, "Bob", unbond(10n));
      fails(chain, "Bob", unbond(1n), "InsufficientBond");
      fails(chain, "Bob", unbond(MIN_BOND), "InsufficientBond");
      assert.deepEqual(Ledger.get(chain.state(), account("Bob"))?.active, MIN_BOND);
      ok(chain, "Bob", chill());
      ok(chain, "Bob", unbond(MIN_BOND - 1n));
      fails(chain, "Bob", validate(chain, "Bob"), "InsufficientBond");
    });
  });

  describe("candidacy", () => {
    it("rejects a missing or small bond, bad keys, a proof of possession for another stash, and keys of another stash", () => {
      const chain = new TestChain(stakingSpec(["Alice"]));
      fails(chain, "Bob", validate(chain, "Bob"), "NotBonded");
      ok(chain, "Bob", bond(MIN_BOND - 1n));
      fails(chain, "Bob", validate(chain, "Bob"), "InsufficientBond");
      ok(chain, "Bob", bondExtra(1n));
      fails(chain, "Bob", validate(chain, "Bob", { authoringKey: new Uint8Array(31) }), "InvalidKey");
      const forCharlie = signFinalityPop(finality("Bob"), chain.genesis.hash, account("Charlie"));
      fails(chain, "Bob", validate(chain, "Bob", { proof: forCharlie }), "BadProofOfPossession");
      fails(chain, "Bob", validate(chain, "Bob", { authoringKey: account("Alice") }), "KeyInUse");
      fails(chain, "Bob", validate(chain, "Bob", { keys: finality("Alice"), proof: signFinalityPop(finality("Alice"), chain.genesis.hash, account("Bob")) }), "KeyInUse");
      const events = ok(chain, "Bob", validate(chain, "Bob"));
      assert.deepEqual(staking(events, "Validating"), [{ stash: toHex(account("Bob")), authoringKey: toHex(account("Bob")), finalityKey: toHex(finality("Bob").publicKey) }]);
      fails(chain, "Charlie", chill(), "NotValidating");
    });

    it("a bonded front-runner cannot claim a pending validate's authoring key for his own stash", () => {
      const chain = new TestChain(stakingSpec(["Alice"]));
      // Bob's validator runs with a fresh authoring key; his validate waits in the pool, where
      // Mallory (Charlie, bonded) reads its arguments before it is included.
      const bobAuthoring = keypairFromSuri("//Bob//validator-key");
      okInOneBlock(chain, [["Bob", bond(MIN_BOND)], ["Charlie", bond(MIN_BOND)]]);
      const pending = validateArgsCodec.decode(validateArgs(chain, "Bob", { authoring: bobAuthoring }));

      // The whole call copied: both proofs name Bob's stash.
      const copied = { module: "staking", method: "validate", args: validateArgsCodec.encode(pending) };
      fails(chain, "Charlie", copied, "BadProofOfPossession");
      // Bob's authoring key with Charlie's own finality key: the authoring proof still names Bob.
      fails(chain, "Charlie", validate(chain, "Charlie", { authoringKey: pending.authoringKey, authoringProof: pending.authoringKeyProof }), "BadProofOfPossession");
      // Or no proof at all.
      fails(chain, "Charlie", validate(chain, "Charlie", { authoringKey: pending.authoringKey }), "BadProofOfPossession");
      assert.equal(KeyOwner.get(chain.state(), pending.authoringKey), undefined, "the key is nobody's yet");

      const events = ok(chain, "Bob", { module: "staking", method: "validate", args: validateArgsCodec.encode(pending) });
      assert.deepEqual(staking(events, "Validating"), [{ stash: toHex(account("Bob")), authoringKey: toHex(bobAuthoring.publicKey), finalityKey: toHex(finality("Bob").publicKey) }]);
      assert.equal(toHex(KeyOwner.get(chain.state(), bobAuthoring.publicKey) as Uint8Array), toHex(account("Bob")));
      // Charlie validates with keys he holds.
      ok(chain, "Charlie", validate(chain, "Charlie"));
    });

    it("the authoring key's proof is refused for another stash, another chain, or signed by another key", () => {
      const chain = new TestChain(stakingSpec(["Alice"]));
      ok(chain, "Bob", bond(MIN_BOND));
      const other = new Uint8Array(32).fill(9);
      for (const authoringProof of [
        signAuthoringPop(devKeypair("Bob"), chain.genesis.hash, account("Charlie")),
        signAuthoringPop(devKeypair("Bob"), other, account("Bob")),
        signAuthoringPop(devKeypair("Charlie"), chain.genesis.hash, account("Bob")),
      ]) {
        const r = submit(chain, "Bob", validate(chain, "Bob", { authoringProof }));
        assert.equal(r.error, "BadProofOfPossession");
        assert.deepEqual(r.events.find((e) => e.name === "ExtrinsicFailed")?.data, { module: "staking", error: "BadProofOfPossession", kind: "authoring" });
      }
      const message = authoringPopMessage(chain.genesis.hash, account("Bob"), account("Bob"));
      assert.ok(verify(account("Bob"), message, signAuthoringPop(devKeypair("Bob"), chain.genesis.hash, account("Bob"))));
      assert.equal(Buffer.from(message.subarray(0, 24)).toString(), "arkreen/authoring-pop/v1", "the domain comes first");
    });

    it("the proof of possession signs the domain, genesis hash, stash and key", () => {
      const genesis = new Uint8Array(32).fill(7);
      const keys = finality("Bob");
      const proof = signFinalityPop(keys, genesis, account("Bob"));
      assert.ok(blsVerify(keys.publicKey, finalityPopMessage(genesis, account("Bob"), keys.publicKey), proof));
      assert.ok(!blsVerify(keys.publicKey, finalityPopMessage(new Uint8Array(32), account("Bob"), keys.publicKey), proof));
    });
  });

  describe("sessions", () => {
    /** In block 1: Alice (genesis, 10,000), Bob and Charlie (20,000 each), Eve (5,000) and Dave (1,000, the minimum). */
    function candidates(): TestChain {
      const chain = new TestChain(stakingSpec(["Alice"]));
      const calls: Array<[Name, Call]> = [];
      for (const [n, value] of [["Bob", 20_000n], ["Charlie", 20_000n], ["Eve", 5000n], ["Dave", 1000n]] as const) calls.push([n, bond(value * AKRE)], [n, validate(chain, n)]);
      okInOneBlock(chain, calls);
      return chain;
    }

    it("elects the set for session s + 2 at the end of session s: top maxValidators by stake, ties by account id", () => {
      const chain = candidates();
      const session = 0;
      chain.advanceTo(lastBlockOfSession(session));
      const [first, second] = [account("Bob"), account("Charlie")].sort(Buffer.compare);
      const elected = PlannedSets.get(chain.state(), session + 2) ?? [];
      assert.deepEqual(
        elected.map((v) => [toHex(v.account), v.stake]),
        [[toHex(first), 20_000n * AKRE], [toHex(second), 20_000n * AKRE], [toHex(account("Alice")), GENESIS_BOND]],
      );
      assert.deepEqual(staking(chain.events(), "ValidatorsElected"), [{ session: session + 2, validators: 3, stake: (50_000n * AKRE).toString() }]);
    });

    it("rotates Aura authorities and the finality set two sessions after the election, at the session boundary", () => {
      const chain = candidates();
      const session = 0;
      const expected = [account("Bob"), account("Charlie")].sort(Buffer.compare).map(toHex).concat(toHex(account("Alice")));

      chain.advanceTo(lastBlockOfSession(session + 1) - 1);
      assert.deepEqual(Authorities.get(chain.state()).map(toHex), keysOf(["Alice"]), "session s + 1 still has the old set");
      assert.equal(CurrentSetId.get(chain.state()), 0);

      chain.produceBlock([]);
      const state = chain.state();
      assert.equal(CurrentSession.get(state), session + 2);
      assert.deepEqual(Authorities.get(state).map(toHex), expected);
      const set = FinalityAuthorities.get(state);
      assert.deepEqual({ setId: set.setId, changedAt: set.changedAt }, { setId: 1, changedAt: chain.head.header.number });
      assert.equal(CurrentSetId.get(state), 1);
      assert.deepEqual(set.authorities.map((a) => toHex(a.account)), expected);
      assert.deepEqual(staking(chain.events(), "NewAuthoritySet"), [{ setId: 1, authorities: 3, changedAt: chain.head.header.number }]);
      assert.deepEqual(validatorStakes(state).map(([, s]) => s), [20_000n * AKRE, 20_000n * AKRE, GENESIS_BOND]);

      // The next session elects the same set: the set id stays.
      chain.advanceTo(lastBlockOfSession(session + 3));
      assert.equal(CurrentSetId.get(chain.state()), 1);
      assert.equal(staking(chain.events(), "NewAuthoritySet").length, 0);
      assert.equal(staking(chain.events(), "NewSession").length, 1);
      assertIssuanceInvariant(chain);
    });

    it("a chilled validator leaves the set two sessions after its chill; with no candidate the last set carries on", () => {
      const chain = new TestChain(stakingSpec(["Alice", "Bob"]));
      ok(chain, "Bob", chill());
      chain.advanceTo(lastBlockOfSession(2));
      assert.deepEqual(Authorities.get(chain.state()).map(toHex), keysOf(["Alice"]));
      ok(chain, "Alice", chill());
      chain.advanceTo(lastBlockOfSession(5));
      assert.deepEqual(Authorities.get(chain.state()).map(toHex), keysOf(["Alice"]));
      assert.deepEqual(staking(chain.events(), "ElectionFallback"), [{ session: 7, validators: 1 }]);
    });
  });

  describe("equivocation reports", () => {
    it("verifies the proof, slashes slashPercent of the bond (reporter's share paid, rest burned), chills and removes the offender", () => {
      const chain = new TestChain(stakingSpec(["Alice", "Bob"]));
      ok(chain, "Bob", unbond(2000n * AKRE));
      const issuance = chain.totalIssuance();
      const charlieFree = chain.account(account("Charlie")).free;

      const r = submit(chain, "Charlie", report(equivocation(chain, 1, finality("Bob"))));
      assert.equal(r.success, true, r.error);
      const slash = GENESIS_BOND / 10n;
      const reward = slash / 10n;
      assert.deepEqual(staking(r.events, "Slashed"), [{ stash: toHex(account("Bob")), setId: 0, amount: slash.toString() }]);
      assert.deepEqual(staking(r.events, "ReporterRewarded"), [{ reporter: toHex(account("Charlie")), amount: reward.toString() }]);
      assert.deepEqual(staking(r.events, "Chilled"), [{ stash: toHex(account("Bob")) }]);
      assert.deepEqual(staking(r.events, "RemovedFromSet"), [{ stash: toHex(account("Bob")), session: 1 }]);

      // Taken from the active bond first; the unlocking chunk is untouched.
      assert.deepEqual(Ledger.get(chain.state(), account("Bob")), { active: 8000n * AKRE - slash, unlocking: [{ value: 2000n * AKRE, unlockSession: BONDING_PERIOD }] });
      assert.equal(chain.account(account("Bob")).reserved, GENESIS_BOND - slash);
      // A valid report is free: its fee comes back (Pays::No), the reporter gains the reward exactly.
      assert.deepEqual(r.events.find((e) => e.name === "TransactionFeePaid")?.data, { who: toHex(account("Charlie")), actualFee: "0", tip: "0" });
      assert.equal(chain.account(account("Charlie")).free, charlieFree + reward);
      assert.equal(chain.totalIssuance(), issuance - (slash - reward));
      assertIssuanceInvariant(chain);
      assert.ok(Offences.contains(chain.state(), 0, account("Bob")));

      // Bob stays in session 0's set, is gone from session 1's, and is not elected for session 2.
      assert.deepEqual(Authorities.get(chain.state()).map(toHex), keysOf(["Alice", "Bob"]));
      chain.advanceTo(lastBlockOfSession(0));
      assert.deepEqual(Authorities.get(chain.state()).map(toHex), keysOf(["Alice"]));
      assert.equal(CurrentSetId.get(chain.state()), 1);
      assert.deepEqual((PlannedSets.get(chain.state(), 2) ?? []).map((v) => toHex(v.account)), keysOf(["Alice"]));
    });

    it("rejects a proof that is not an equivocation, has a bad signature, names an unknown set or signer, or was reported", () => {
      const chain = new TestChain(stakingSpec(["Alice", "Bob"]));
      const bobKey = finality("Bob");
      const sameTarget = equivocationProofCodec.encode({ first: signVote(chain, 1, bobKey, precommit(3, 1)), second: signVote(chain, 1, bobKey, precommit(3, 1)) });
      fails(chain, "Charlie", report(sameTarget), "NotEquivocation");
      const otherRounds = equivocationProofCodec.encode({ first: signVote(chain, 1, bobKey, precommit(3, 1)), second: signVote(chain, 1, bobKey, precommit(4, 2)) });
      fails(chain, "Charlie", report(otherRounds), "NotEquivocation");
      fails(chain, "Charlie", report(equivocation(chain, 1, finality("Alice"))), "BadVoteSignature");
      const onlyFirstSigned = equivocationProofCodec.encode({ first: signVote(chain, 1, bobKey, precommit(3, 1)), second: signVote(chain, 1, finality("Alice"), precommit(3, 2)) });
      fails(chain, "Charlie", report(onlyFirstSigned), "BadVoteSignature");
      fails(chain, "Charlie", report(equivocation(chain, 1, bobKey, { setId: 7 })), "UnknownSet");
      fails(chain, "Charlie", report(equivocation(chain, 2, bobKey)), "UnknownSigner");
      fails(chain, "Charlie", report(fromHex("0xff01")), "MalformedProof");
      fails(chain, "Charlie", report(new Uint8Array(0)), "MalformedProof");
      assert.equal(chain.account(account("Bob")).reserved, GENESIS_BOND, "nothing slashed by the rejected reports");

      ok(chain, "Charlie", report(equivocation(chain, 1, bobKey)));
      fails(chain, "Dave", report(equivocation(chain, 1, bobKey, { round: 9 })), "AlreadyReported");
      assert.equal(chain.account(account("Bob")).reserved, GENESIS_BOND - GENESIS_BOND / 10n);
      assertIssuanceInvariant(chain);
    });

    it("a report that fails pays its fee (to the treasury and the burn, as any call); only a successful one is free", () => {
      const chain = new TestChain(stakingSpec(["Alice", "Bob"]));
      const config = chain.config();
      const treasury = (): bigint => chain.account(config.treasury).free;
      const paid = (r: Submitted): bigint => BigInt(r.events.find((e) => e.name === "TransactionFeePaid")?.data.actualFee as string);

      const daveFree = chain.account(account("Dave")).free;
      const treasuryBefore = treasury();
      const issuance = chain.totalIssuance();
      const bad = submit(chain, "Dave", report(fromHex("0xff01")));
      assert.equal(bad.error, "MalformedProof");
      const fee = paid(bad);
      assert.ok(fee > 0n, "a failed report pays");
      const burned = (fee * BigInt(config.feeBurnPercent)) / 100n;
      assert.equal(chain.account(account("Dave")).free, daveFree - fee);
      assert.equal(treasury(), treasuryBefore + fee - burned);
      assert.equal(chain.totalIssuance(), issuance - burned);

      const good = submit(chain, "Charlie", report(equivocation(chain, 1, finality("Bob"))));
      assert.equal(good.success, true, good.error);
      assert.equal(paid(good), 0n);
      assert.equal(treasury(), treasuryBefore + fee - burned, "the treasury gets nothing from a free report");

      // The same offence again: refused by the runtime, and paid for.
      const again = submit(chain, "Dave", report(equivocation(chain, 1, finality("Bob"), { round: 9 })));
      assert.equal(again.error, "AlreadyReported");
      assert.ok(paid(again) > fee, "a whole proof is longer than the malformed one");
      assert.equal(chain.account(account("Dave")).free, daveFree - fee - paid(again));
      assertIssuanceInvariant(chain);
    });

    it("keeps a past set for bondingPeriodSessions − 2 sessions after its last, then refuses reports against it", () => {
      const chain = new TestChain(stakingSpec(["Alice", "Bob"]));
      ok(chain, "Bob", chill());
      // Set 0 is current in sessions 0 and 1; set 1 (Alice alone) from session 2.
      chain.advanceTo(lastBlockOfSession(1));
      assert.equal(CurrentSetId.get(chain.state()), 1);
      assert.ok(SetHistory.contains(chain.state(), 0));
      chain.advanceTo(lastBlockOfSession(2) - 1);
      const r = submit(chain, "Charlie", report(equivocation(chain, 1, finality("Bob"))));
      assert.equal(r.success, true, `session 2 still accepts set 0: ${r.error}`);
      assert.equal(CurrentSession.get(chain.state()), 3);
      assert.ok(!SetHistory.contains(chain.state(), 0), "pruned at the start of session 3");
      assert.ok(!Offences.contains(chain.state(), 0, account("Bob")), "its offence records go with it");
      fails(chain, "Dave", report(equivocation(chain, 1, finality("Bob"), { round: 9 })), "UnknownSet");
    });

    it("never empties the next set: a sole validator is slashed and chilled but keeps authoring", () => {
      const chain = new TestChain(stakingSpec(["Alice"]));
      ok(chain, "Charlie", report(equivocation(chain, 0, finality("Alice"))));
      assert.equal(chain.account(account("Alice")).reserved, GENESIS_BOND - GENESIS_BOND / 10n);
      chain.advanceTo(lastBlockOfSession(3));
      assert.deepEqual(Authorities.get(chain.state()).map(toHex), keysOf(["Alice"]));
      assert.ok(bytesEqual(FinalityAuthorities.get(chain.state()).authorities[0].account, account("Alice")));
      assertIssuanceInvariant(chain);
    });
  });
});
