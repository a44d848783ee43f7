import assert from "node:assert/strict";
import { utf8 } from "../../../../primitives/bytes.ts";
import { DigestKind, type Header } from "../../../../primitives/codec/index.ts";
import { AURA_ENGINE, auraPreDigest, sealDigest } from "../../../../primitives/digest.ts";
import { devKeypair } from "../../../../primitives/keys/devAccounts.ts";
import { sign } from "../../../../primitives/keys/ed25519.ts";
import { isAuthorOf, preSealHash, sealHeader, SealError, verifySeal, type SealErrorType } from "../../../../consensus/aura/seal.ts";
import { slotAt, slotAuthorIndex, slotStartMs } from "../../../../consensus/aura/slots.ts";
import { AuraHeaderVerifier } from "../../../../consensus/aura/verifier.ts";

const alice = devKeypair("Alice");
const bob = devKeypair("Bob");
const authorities = [alice.publicKey, bob.publicKey];

/** An unsealed header at `slot` (even slots are Alice's, odd ones Bob's). */
function unsealed(slot: bigint): Header {
  return {
    parentHash: new Uint8Array(32).fill(1),
    number: 7,
    stateRoot: new Uint8Array(32).fill(2),
    extrinsicsRoot: new Uint8Array(32).fill(3),
    digest: [auraPreDigest(slot)],
  };
}

function assertSealError(fn: () => unknown, code: SealErrorType["code"]): void {
  assert.throws(fn, (e: unknown) => e instanceof SealError && e.type.code === code);
}

describe("aura seal", () => {
  it("a header sealed by the slot's author verifies and yields its slot", () => {
    assert.equal(verifySeal(sealHeader(unsealed(10n), alice.secretSeed), authorities), 10n);
    assert.equal(verifySeal(sealHeader(unsealed(11n), bob.secretSeed), authorities), 11n);
  });

  it("the seal is the last digest item and signs the header without it", () => {
    const header = unsealed(10n);
    const sealed = sealHeader(header, alice.secretSeed);
    assert.equal(sealed.digest.length, 2);
    assert.equal(sealed.digest[1].kind, DigestKind.Seal);
    assert.equal(header.digest.length, 1, "sealing does not modify its input");
    assert.deepEqual(preSealHash({ ...sealed, digest: sealed.digest.slice(0, -1) }), preSealHash(header));
  });

  it("a seal by an authority other than the slot's author is BAD_SEAL", () => {
    assertSealError(() => verifySeal(sealHeader(unsealed(10n), bob.secretSeed), authorities), "BAD_SEAL");
    assertSealError(() => verifySeal(sealHeader(unsealed(11n), alice.secretSeed), authorities), "BAD_SEAL");
  });

  it("any change to the sealed header is BAD_SEAL, including moving it to another slot of the same author", () => {
    const sealed = sealHeader(unsealed(10n), alice.secretSeed);
    const [, seal] = sealed.digest;
    const tampered: Header[] = [
      { ...sealed, number: 8 },
      { ...sealed, stateRoot: new Uint8Array(32).fill(9) },
      { ...sealed, parentHash: new Uint8Array(32) },
      { ...sealed, extrinsicsRoot: new Uint8Array(32) },
      { ...sealed, digest: [auraPreDigest(12n), seal] },
      { ...sealed, digest: [auraPreDigest(10n), { kind: DigestKind.Consensus, engine: AURA_ENGINE, data: utf8("x") }, seal] },
    ];
    for (const header of tampered) assertSealError(() => verifySeal(header, authorities), "BAD_SEAL");
  });

  it("a signature over the pre-seal hash without the seal domain tag is BAD_SEAL", () => {
    const header = unsealed(10n);
    const raw = sign(alice.secretSeed, preSealHash(header));
    assertSealError(() => verifySeal({ ...header, digest: [...header.digest, sealDigest(raw)] }, authorities), "BAD_SEAL");
  });

  it("a header without a seal, or with the seal not last, is MISSING_SEAL", () => {
    assertSealError(() => verifySeal(unsealed(10n), authorities), "MISSING_SEAL");
    const sealed = sealHeader(unsealed(10n), alice.secretSeed);
    const after = { kind: DigestKind.Consensus, engine: AURA_ENGINE, data: utf8("late") };
    assertSealError(() => verifySeal({ ...sealed, digest: [...sealed.digest, after] }, authorities), "MISSING_SEAL");
    const otherEngine = { ...sealed.digest[1], engine: utf8("babe") };
    assertSealError(() => verifySeal({ ...sealed, digest: [sealed.digest[0], otherEngine] }, authorities), "MISSING_SEAL");
  });

  it("a sealed header without a slot is MISSING_SLOT", () => {
    const header = { ...unsealed(10n), digest: [] };
    assertSealError(() => verifySeal(sealHeader(header, alice.secretSeed), authorities), "MISSING_SLOT");
  });

  it("an empty authority set is NO_AUTHORITIES", () => {
    assertSealError(() => verifySeal(sealHeader(unsealed(10n), alice.secretSeed), []), "NO_AUTHORITIES");
  });

  it("isAuthorOf names authorities[slot mod n]", () => {
    assert.equal(isAuthorOf(10n, authorities, alice.publicKey), true);
    assert.equal(isAuthorOf(10n, authorities, bob.publicKey), false);
    assert.equal(isAuthorOf(11n, authorities, bob.publicKey), true);
    assert.equal(isAuthorOf(11n, [], bob.publicKey), false);
  });
});

describe("aura slots", () => {
  it("counts slots from the Unix epoch", () => {
    assert.equal(slotAt(0, 6000), 0n);
    assert.equal(slotAt(5999, 6000), 0n);
    assert.equal(slotAt(6000, 6000), 1n);
    assert.equal(slotAt(1_700_000_000_123, 2000), 850_000_000n);
    assert.equal(slotStartMs(850_000_000n, 2000), 1_700_000_000_000);
    assert.equal(slotAuthorIndex(850_000_001n, 3), 850_000_001 % 3);
  });
});

describe("AuraHeaderVerifier", () => {
  const slotDurationMs = 6000;
  const nowSlot = 1_000n;
  const verifier = new AuraHeaderVerifier<null>(
    { slotDurationMs, maxFutureSlots: 2 },
    { authorities: () => authorities, parentSlot: () => nowSlot - 10n, now: () => Number(nowSlot) * slotDurationMs + 10 },
  );
  const sealedAt = (slot: bigint): Header => sealHeader(unsealed(slot), slot % 2n === 0n ? alice.secretSeed : bob.secretSeed);

  it("accepts headers up to maxFutureSlots ahead of the clock", () => {
    for (const slot of [nowSlot - 5n, nowSlot, nowSlot + 2n]) assert.doesNotThrow(() => verifier.verify(sealedAt(slot), null));
  });

  it("rejects a header from further in the future with FUTURE_SLOT", () => {
    assertSealError(() => verifier.verify(sealedAt(nowSlot + 3n), null), "FUTURE_SLOT");
  });

  it("rejects a badly sealed header before looking at the clock", () => {
    const wrong = sealHeader(unsealed(nowSlot), bob.secretSeed);
    assertSealError(() => verifier.verify(wrong, null), "BAD_SEAL");
  });

  it("rejects a slot not after the parent's with SLOT_NOT_INCREASING, before execution would", () => {
    for (const slot of [nowSlot - 10n, nowSlot - 12n]) assertSealError(() => verifier.verify(sealedAt(slot), null), "SLOT_NOT_INCREASING");
  });

  it("names the slot and the author that sealed it", () => {
    assert.deepEqual(verifier.verify(sealedAt(nowSlot + 1n), null), { slot: nowSlot + 1n, author: bob.publicKey });
    assert.deepEqual(verifier.verify(sealedAt(nowSlot), null), { slot: nowSlot, author: alice.publicKey });
  });
});
