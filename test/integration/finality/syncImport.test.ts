import { strict as assert } from "node:assert";
import { bigintToBytes, bytesEqual } from "../../../primitives/bytes.ts";
import { devKeypair } from "../../../primitives/keys/devAccounts.ts";
import { nullLogger } from "../../../primitives/logger.ts";
import { signExtrinsic } from "../../../runtime/extrinsicSigning.ts";
import { amountArgsCodec } from "../../../runtime/modules/staking/types.ts";
import type { Block } from "../../../primitives/codec/index.ts";
import { auraPreDigest } from "../../../primitives/digest.ts";
import { orderedTrieRoot } from "../../../primitives/trie/trie.ts";
import { sealHeader } from "../../../consensus/aura/seal.ts";
import { slotAt } from "../../../consensus/aura/slots.ts";
import { aura } from "../../../runtime/api.ts";
import { applyStateChanges, headerHash } from "../../../node/chain/chain.ts";
import { ApplyJustificationError } from "../../../node/finality/errors.ts";
import { FinalityProver } from "../../../node/finality/finalityProver.ts";
import { SetChangeRecorder } from "../../../node/finality/setChangeRecorder.ts";
import { SetChangeRepository } from "../../../node/finality/setChangeRepository.ts";
import { importSyncedRange, type SyncedBlock } from "../../../node/finality/syncImport.ts";
import { finalitySetAt, pendingHandOver } from "../../../node/finality/voterSets.ts";
import { verifyFinalityProof, type Checkpoint } from "../../../light/index.ts";
import { buildGenesisBlock, type ChainNode, openNode, openValidator, shortSessionSpec, type Validator, VALIDATORS, VoteHub, waitFor } from "./harness.ts";

/** Sessions of 4 blocks: a bond changed in session s changes the finality set after block 4(s + 2) − 1. */
const SESSION_BLOCKS = 4;
const BLOCKS = 30;
const AKRE = 10n ** 18n;

const genesis = buildGenesisBlock(shortSessionSpec(SESSION_BLOCKS));

function bondExtra(name: string, nonce: number, amount: bigint): Uint8Array {
  return signExtrinsic(genesis.hash, devKeypair(name).secretSeed, { module: "staking", method: "bondExtra", args: amountArgsCodec.encode({ value: bigintToBytes(amount) }) }, { nonce });
}

/**
 * A fresh node importing a 4-validator chain with three finality-set hand-overs in synced ranges
 * (node/finality/syncImport.ts): each hand-over's justification is verified and stored where it
 * stands, the range's last justification finalizes the rest, and nothing unverified is stored.
 */
describe("sync import: set hand-overs inside synced ranges", function () {
  this.timeout(120_000);
  const validators: Validator[] = [];
  const fresh: ChainNode[] = [];
  let source: SyncedBlock[];
  /** Hand-over block numbers (the last justification of each set 0, 1, 2). */
  let handovers: number[];
  let checkpoint: Checkpoint;

  before(async () => {
    const hub = new VoteHub();
    for (const name of VALIDATORS) validators.push(await openValidator(genesis, name, hub));
    for (const v of validators) await v.service.start();
    let slot = slotAt(Date.now(), 1000) - 1000n;
    // Sealed by the slot's author in the parent state's Aura order (elections reorder it by stake).
    const build = (xts: Uint8Array[]): Block => {
      const { chain, executive } = validators[0];
      const parent = chain.best;
      const state = chain.stateAt(parent.hash);
      const authorities = aura.authorities(state);
      const s = ++slot;
      const name = VALIDATORS.find((n) => bytesEqual(devKeypair(n).publicKey, authorities[Number(s % BigInt(authorities.length))]));
      assert.ok(name, "the slot's author is a dev validator");
      const digest = [auraPreDigest(s)];
      const ctx = executive.initializeBlock(state, { number: parent.number + 1, parentHash: parent.hash, digest });
      xts.forEach((xt, i) => executive.applyExtrinsic(ctx, xt, i));
      const { root } = applyStateChanges(state, executive.finalizeBlock(ctx));
      const header = sealHeader({ parentHash: parent.hash, number: parent.number + 1, stateRoot: root, extrinsicsRoot: orderedTrieRoot(xts), digest }, devKeypair(name).secretSeed);
      return { header, extrinsics: xts };
    };
    // Alice bonds more in session 0, Bob in session 2, Charlie in session 4: sets 1, 2 and 3.
    const extrinsics: Record<number, Uint8Array[]> = { 1: [bondExtra("Alice", 0, AKRE)], 9: [bondExtra("Bob", 0, 2n * AKRE)], 17: [bondExtra("Charlie", 0, 3n * AKRE)] };
    for (let n = 1; n <= BLOCKS; n++) {
      const block = build(extrinsics[n] ?? []);
      for (const v of validators) await v.chain.importBlock(block, "network");
      await waitFor(() => validators.every((v) => v.chain.finalized.number === n), 20_000, `every validator finalizes #${n}`);
    }
    const { chain } = validators[0];
    source = [];
    for (let n = 1; n <= BLOCKS; n++) {
      const hash = chain.hashAt(n) as Uint8Array;
      source.push({ block: chain.block(hash)!, justification: chain.justification(hash) ?? null });
    }
    const records = new SetChangeRepository(validators[0].db);
    const recorder = new SetChangeRecorder({}, { chain, records, logger: nullLogger() });
    await recorder.start();
    await recorder.stop();
    handovers = [0, 1, 2].map((setId) => records.getSync(setId)?.number ?? -1);
    assert.ok(handovers.every((n) => n > 0), `three hand-overs on the source chain: ${handovers.join(", ")}`);
    const set0 = finalitySetAt(chain, genesis.hash);
    assert.ok(set0 !== null);
    checkpoint = { genesisHash: genesis.hash, setId: 0, authorities: set0.authorities.map((a) => ({ finalityKey: a.finalityKey, weight: a.weight })), instantAuthority: null };
  });

  after(async () => {
    for (const v of validators) await v.service.stop();
    for (const v of validators) await v.close();
    for (const node of fresh) await node.close();
  });

  async function freshNode(): Promise<ChainNode> {
    const node = await openNode(genesis);
    fresh.push(node);
    return node;
  }

  it("stores each hand-over's justification and the range ends', no other; a finality proof from genesis crosses all three", async () => {
    const node = await freshNode();
    const imported: number[] = [];
    // Ranges of 10: every range holds a hand-over, none ends on one.
    for (let from = 0; from < BLOCKS; from += 10) {
      await importSyncedRange(node.chain, source.slice(from, from + 10), genesis.hash, (i) => imported.push(from + i + 1));
    }
    assert.deepEqual(imported, Array.from({ length: BLOCKS }, (_, i) => i + 1));
    assert.equal(node.chain.finalized.number, BLOCKS);
    assert.ok(bytesEqual(node.chain.finalized.hash, validators[0].chain.finalized.hash));
    const stored = Array.from({ length: BLOCKS }, (_, i) => i + 1).filter((n) => node.chain.justification(node.chain.hashAt(n) as Uint8Array) !== undefined);
    const expected = [...new Set([...handovers, 10, 20, 30])].sort((a, b) => a - b);
    assert.deepEqual(stored, expected, "the hand-overs' justifications and each range's last, nothing else");

    const records = new SetChangeRepository(node.db);
    const recorder = new SetChangeRecorder({}, { chain: node.chain, records, logger: nullLogger() });
    await recorder.start();
    await recorder.stop();
    assert.deepEqual([0, 1, 2].map((setId) => records.getSync(setId)?.number), handovers, "the synced node records the same hand-overs");
    const proof = await new FinalityProver({}, { chain: node.chain, records, recorder: null }).prove(0);
    const result = verifyFinalityProof(checkpoint, proof);
    assert.equal(result.complete, true);
    assert.equal(result.fragments, 4, "three hand-overs and the finalized head");
    assert.equal(result.setId, 3);
    assert.ok(bytesEqual(result.hash, node.chain.finalized.hash));
  });

  it("a hand-over's justification that does not verify stops finality there and is not stored; an unneeded one is skipped unread, never stored", async () => {
    const node = await freshNode();
    const first = handovers[0];
    const items = source.map((item) => ({ ...item }));
    // Another block's justification of the same set in place of #3's: not needed, never stored.
    items[2] = { ...items[2], justification: source[1].justification };
    // The hand-over's justification replaced by its predecessor's (signed by the same, old set).
    items[first - 1] = { ...items[first - 1], justification: source[first - 2].justification };
    await assert.rejects(importSyncedRange(node.chain, items, genesis.hash), (e: unknown) => e instanceof ApplyJustificationError && e.code === "TARGET_MISMATCH");
    assert.equal(node.chain.best.number, BLOCKS, "the blocks are imported");
    assert.ok(node.chain.finalized.number < first, `finality stopped before the hand-over #${first} (at #${node.chain.finalized.number})`);
    for (let n = 1; n <= BLOCKS; n++) assert.equal(node.chain.justification(node.chain.hashAt(n) as Uint8Array), undefined, `no justification stored for #${n}`);

    // The same blocks with the right hand-over justification: finality goes on, #3's substitute still unstored.
    items[first - 1] = source[first - 1];
    await importSyncedRange(node.chain, items, genesis.hash);
    assert.equal(node.chain.finalized.number, BLOCKS);
    assert.equal(node.chain.justification(node.chain.hashAt(3) as Uint8Array), undefined);
    assert.ok(node.chain.justification(node.chain.hashAt(first) as Uint8Array) !== undefined);
    assert.ok(bytesEqual(headerHash(node.chain.finalized.header), validators[0].chain.finalized.hash));
  });

  it("a peer that strips the hand-overs' justifications gets the later sets' refused: nothing finalizes past an unverified hand-over; the hand-over caught up later finalizes all", async () => {
    const node = await freshNode();
    const stripped = source.map((item, i) => (handovers.includes(i + 1) ? { ...item, justification: null } : item));
    await assert.rejects(importSyncedRange(node.chain, stripped, genesis.hash), (e: unknown) => e instanceof ApplyJustificationError && e.code === "INVALID");
    assert.equal(node.chain.best.number, BLOCKS, "the blocks are imported");
    assert.ok(node.chain.finalized.number < handovers[0], `nothing finalized past the first hand-over #${handovers[0]} (finalized #${node.chain.finalized.number})`);
    for (let n = handovers[0]; n <= BLOCKS; n++) assert.equal(node.chain.justification(node.chain.hashAt(n) as Uint8Array), undefined, `no justification stored for #${n}`);

    // What sync's hand-over catch-up asks a peer for (p2p/sync.ts): the blocks from the first one
    // whose state names the next set, with the peer's stored justifications.
    const from = pendingHandOver(node.chain);
    assert.ok(from !== null && from > node.chain.finalized.number && from <= handovers[0], `the pending hand-over starts at #${String(from)}`);
    await importSyncedRange(node.chain, source.slice(from - 1), genesis.hash);
    assert.equal(node.chain.finalized.number, BLOCKS);
    assert.equal(pendingHandOver(node.chain), null);
    for (const n of handovers) assert.ok(node.chain.justification(node.chain.hashAt(n) as Uint8Array) !== undefined, `hand-over #${n} stored`);
  });
});
