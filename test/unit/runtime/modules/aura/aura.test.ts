import assert from "node:assert/strict";
import { DigestKind, type DigestItem } from "../../../../../primitives/codec/index.ts";
import { AURA_ENGINE, auraPreDigest } from "../../../../../primitives/digest.ts";
import { localChainSpec } from "../../../../../genesis/presets.ts";
import { AuraError, type AuraErrorType } from "../../../../../runtime/modules/aura/errors.ts";
import { CurrentSlot } from "../../../../../runtime/modules/aura/storage.ts";
import { AKRE, TestChain, expectApplied, publicKeyOf, transferCall } from "../../../../utils/runtime.ts";

function assertAuraError(fn: () => unknown, code: AuraErrorType["code"]): void {
  assert.throws(fn, (e: unknown) => e instanceof AuraError && e.type.code === code);
}

function initializeOnHead(chain: TestChain, digest: DigestItem[]): void {
  chain.executive.initializeBlock(chain.state(), { number: chain.head.header.number + 1, parentHash: chain.head.hash, digest });
}

describe("aura runtime hook", () => {
  it("rejects a block without a slot, or with a slot of the wrong size", () => {
    const chain = new TestChain();
    assertAuraError(() => initializeOnHead(chain, []), "MISSING_SLOT");
    const short = { kind: DigestKind.PreRuntime, engine: AURA_ENGINE, data: new Uint8Array(7) };
    assertAuraError(() => initializeOnHead(chain, [short]), "MISSING_SLOT");
    const otherEngine = { ...auraPreDigest(5n), engine: new TextEncoder().encode("babe") };
    assertAuraError(() => initializeOnHead(chain, [otherEngine]), "MISSING_SLOT");
  });

  it("requires each block's slot to be greater than its parent's", () => {
    const chain = new TestChain();
    chain.produceBlock([], { slot: 10n });
    assert.equal(CurrentSlot.get(chain.state()), 10n);
    for (const slot of [9n, 10n]) {
      assert.throws(
        () => initializeOnHead(chain, [auraPreDigest(slot)]),
        (e: unknown) => e instanceof AuraError && e.type.code === "SLOT_NOT_INCREASING" && e.type.slot === slot && e.type.previous === 10n,
      );
    }
    assert.doesNotThrow(() => initializeOnHead(chain, [auraPreDigest(11n)]));
  });

  it("pays the tip to the slot's author, authorities[slot mod n]", () => {
    const chain = new TestChain(localChainSpec());
    const alice = publicKeyOf("Alice");
    const bob = publicKeyOf("Bob");
    const tip = 10n ** 15n;
    const balances = (): bigint[] => [chain.account(alice).free, chain.account(bob).free];

    let before = balances();
    expectApplied(chain.produceBlock([chain.sign("Charlie", transferCall(publicKeyOf("Dave"), AKRE), { nonce: 0, tip })], { slot: 4n }).results[0]);
    assert.deepEqual(balances(), [before[0] + tip, before[1]]);

    before = balances();
    expectApplied(chain.produceBlock([chain.sign("Charlie", transferCall(publicKeyOf("Dave"), AKRE), { nonce: 1, tip })], { slot: 5n }).results[0]);
    assert.deepEqual(balances(), [before[0], before[1] + tip]);
  });
});
