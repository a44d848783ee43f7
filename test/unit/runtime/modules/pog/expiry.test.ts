/**
 * pog's claim window and page expiry (runtime/modules/pog/expiry.ts): the genesis check (a chain spec
 * error naming the field) that the claim window covers the acceptance window, the exact interval a page goes in, the bound on the
 * pages one block removes, and the queue's order.
 */
import assert from "node:assert/strict";
import { devChainSpec, localChainSpec } from "../../../../../genesis/presets.ts";
import { buildGenesisBlock } from "../../../../../genesis/build.ts";
import { applyStateChanges } from "../../../../../node/chain/chain.ts";
import { OverlayState, type State } from "../../../../../runtime/framework/state.ts";
import { MAX_EXPIRIES_PER_BLOCK } from "../../../../../runtime/modules/pog/expiry.ts";
import { creditedReadings, INTERVALS_PER_DAY_RECORD } from "../../../../../runtime/modules/pog/generation.ts";
import { Config as PogConfig, ExpiryHead, ExpiryQueue, ExpiryTail, GenerationDays } from "../../../../../runtime/modules/pog/storage.ts";
import { TestChain } from "../../../../utils/runtime.ts";

const CLAIM_WINDOW = 6;
const SLOTS_PER_INTERVAL = 30n;

function withPog(pog: Record<string, unknown>) {
  const spec = devChainSpec();
  if (!("runtimeGenesis" in spec.genesis)) throw new Error("runtime genesis expected");
  Object.assign(spec.genesis.runtimeGenesis.config.pog as Record<string, unknown>, pog);
  return spec;
}

function writeState(chain: TestChain, write: (state: State) => void): void {
  const overlay = new OverlayState(chain.state());
  write(overlay);
  const { root, nodes } = applyStateChanges(chain.state(), overlay.changes());
  chain.store.putNodes(nodes);
  chain.head = { ...chain.head, header: { ...chain.head.header, stateRoot: root } };
}

/** Queues `pages` as pog's crediting would: the page, then its queue entry at the tail. */
function putPages(state: State, pages: Array<[deviceId: number, day: number]>): void {
  let tail = ExpiryTail.get(state);
  for (const [deviceId, day] of pages) {
    GenerationDays.set(state, deviceId, day, { slots: [{ offset: 3, energyWh: 10, readingHash: new Uint8Array(32).fill(day), block: 1, claimedBy: 0, cumulativeWh: 10, peakW: 10 }] });
    ExpiryQueue.set(state, tail++, { deviceId, day });
  }
  ExpiryTail.set(state, tail);
}

function blockInInterval(chain: TestChain, interval: number): void {
  const first = BigInt(interval) * SLOTS_PER_INTERVAL;
  chain.produceBlock([], { slot: chain.head.slot >= first ? chain.head.slot + 1n : first });
}

describe("pog: claim window and page expiry", () => {
  it("genesis: the presets' claim windows, and a claim window shorter than the acceptance window refused", () => {
    const dev = new TestChain();
    assert.deepEqual([PogConfig.get(dev.state()).acceptanceWindowIntervals, PogConfig.get(dev.state()).claimWindowIntervals], [60, 4320]);
    const local = new TestChain(localChainSpec());
    assert.deepEqual([PogConfig.get(local.state()).acceptanceWindowIntervals, PogConfig.get(local.state()).claimWindowIntervals], [24, 720]);
    assert.equal(PogConfig.get(new TestChain(withPog({ acceptanceWindowIntervals: 6, claimWindowIntervals: 6 })).state()).claimWindowIntervals, 6);
    assert.throws(
      () => buildGenesisBlock(withPog({ acceptanceWindowIntervals: 60, claimWindowIntervals: 59 })),
      (e: unknown) => e instanceof Error && e.message.includes("pog.claimWindowIntervals: must be at least pog.acceptanceWindowIntervals (60), got 59"),
    );
    const missing = devChainSpec();
    if (!("runtimeGenesis" in missing.genesis)) throw new Error("runtime genesis expected");
    delete (missing.genesis.runtimeGenesis.config.pog as Record<string, unknown>).claimWindowIntervals;
    assert.throws(() => buildGenesisBlock(missing), (e: unknown) => e instanceof Error && e.message.includes("pog.claimWindowIntervals"));
  });

  it("removes a page in the first block of interval (day + 1) × 24 + claimWindow, not before; queries then show nothing", () => {
    const chain = new TestChain(withPog({ acceptanceWindowIntervals: 4, claimWindowIntervals: CLAIM_WINDOW }));
    writeState(chain, (s) => putPages(s, [[0, 0], [1, 1]]));
    const expiresAt = (day: number) => (day + 1) * INTERVALS_PER_DAY_RECORD + CLAIM_WINDOW;
    blockInInterval(chain, expiresAt(0) - 1);
    assert.ok(GenerationDays.contains(chain.state(), 0, 0));
    assert.equal(creditedReadings(chain.state(), 0, 0, 23).length, 1);
    blockInInterval(chain, expiresAt(0));
    assert.equal(GenerationDays.contains(chain.state(), 0, 0), false);
    assert.deepEqual(creditedReadings(chain.state(), 0, 0, 23), []);
    assert.equal(ExpiryQueue.get(chain.state(), 0), undefined);
    assert.deepEqual([ExpiryHead.get(chain.state()), ExpiryTail.get(chain.state())], [1, 2]);
    blockInInterval(chain, expiresAt(1) - 1);
    assert.ok(GenerationDays.contains(chain.state(), 1, 1), "day 1 stays a day longer");
    blockInInterval(chain, expiresAt(1));
    assert.equal(GenerationDays.contains(chain.state(), 1, 1), false);
    assert.deepEqual([ExpiryHead.get(chain.state()), ExpiryTail.get(chain.state())], [2, 2]);
  });

  it(`removes at most ${MAX_EXPIRIES_PER_BLOCK} pages a block, in queue order; a page not yet expired at the head holds the ones behind it`, () => {
    const chain = new TestChain(withPog({ acceptanceWindowIntervals: 4, claimWindowIntervals: CLAIM_WINDOW }));
    const expired = MAX_EXPIRIES_PER_BLOCK + 44;
    // `expired` pages of day 0, then one of day 5 (expires at interval 150), then another of day 0.
    const pages: Array<[number, number]> = Array.from({ length: expired }, (_, i) => [i, 0]);
    pages.push([9_999, 5], [10_000, 0]);
    writeState(chain, (s) => putPages(s, pages));
    blockInInterval(chain, 100);
    assert.equal(ExpiryHead.get(chain.state()), MAX_EXPIRIES_PER_BLOCK);
    assert.equal(GenerationDays.contains(chain.state(), MAX_EXPIRIES_PER_BLOCK - 1, 0), false);
    assert.ok(GenerationDays.contains(chain.state(), MAX_EXPIRIES_PER_BLOCK, 0), "the rest wait for the next block");
    blockInInterval(chain, 100);
    assert.equal(ExpiryHead.get(chain.state()), expired, "the day-5 page stops the queue");
    assert.ok(GenerationDays.contains(chain.state(), 10_000, 0), "an expired page behind it waits");
    blockInInterval(chain, (5 + 1) * INTERVALS_PER_DAY_RECORD + CLAIM_WINDOW);
    assert.equal(ExpiryHead.get(chain.state()), expired + 2);
    assert.deepEqual([...chain.state().entries(GenerationDays.prefix)], []);
    assert.deepEqual([...chain.state().entries(ExpiryQueue.prefix)], []);
  });
});
