import assert from "node:assert/strict";
import { toHex } from "../../../../../primitives/bytes.ts";
import type { ChainSpec, RuntimeGenesisConfig } from "../../../../../genesis/chainSpec.ts";
import { devChainSpec } from "../../../../../genesis/presets.ts";
import { applyStateChanges } from "../../../../../node/chain/chain.ts";
import { OverlayState, type State } from "../../../../../runtime/framework/state.ts";
import { storagePrefix } from "../../../../../runtime/framework/storage.ts";
import { Devices } from "../../../../../runtime/modules/devices/storage.ts";
import { DeviceKind, DeviceStatus } from "../../../../../runtime/modules/devices/types.ts";
import { EpochEnergy } from "../../../../../runtime/modules/pog/storage.ts";
import { epochRemoved } from "../../../../../runtime/modules/rewards/queries.ts";
import { DeviceRewards, EpochRewards, HistoryStart, ValidatorRewards } from "../../../../../runtime/modules/rewards/storage.ts";
import { PayoutPhase } from "../../../../../runtime/modules/rewards/types.ts";
import { RpcError } from "../../../../../rpc/errors.ts";
import { HISTORY_REMOVED_CODE } from "../../../../../rpc/namespaces/history.ts";
import { epochRewardsJson } from "../../../../../rpc/namespaces/rewards.ts";
import { TestChain, publicKeyOf, type DecodedEvent } from "../../../../utils/runtime.ts";

// 5-block epochs of 5 two-second intervals; 7 devices paid every epoch; a block's payout and
// removal work bounded at 8 entries, so removing an epoch (7 device rewards, its validators' and
// its record) takes two blocks; 2 epochs of history.
const EPOCH_BLOCKS = 5;
const DEVICES = 7;
const BUDGET = 8;
const HISTORY = 2;
const EPOCHS = 9;
const owners = ["Alice", "Bob", "Charlie"].map(publicKeyOf);

function spec(): ChainSpec {
  const s = devChainSpec();
  const config = (s.genesis as { runtimeGenesis: { config: RuntimeGenesisConfig } }).runtimeGenesis.config;
  Object.assign(config.pog as Record<string, unknown>, { epochLengthBlocks: EPOCH_BLOCKS, readingIntervalSecs: 2 });
  config.rewards = { maxDevicePayoutsPerBlock: BUDGET, historyEpochs: HISTORY };
  return s;
}

function writeState(chain: TestChain, write: (state: State) => void): void {
  const overlay = new OverlayState(chain.state());
  write(overlay);
  const { root, nodes } = applyStateChanges(chain.state(), overlay.changes());
  chain.store.putNodes(nodes);
  chain.head = { ...chain.head, header: { ...chain.head.header, stateRoot: root } };
}

const RECORD_PREFIXES = ["EpochRewards", "DeviceRewards", "ValidatorRewards"].map((item) => toHex(storagePrefix("rewards", item)));

describe("rewards history: the records of the last historyEpochs ended epochs", function () {
  this.timeout(60_000);

  it("removes older epochs' records at most maxDevicePayoutsPerBlock a block, keeps the recent ones, and every epoch's Minted events still sum to its emission", () => {
    const chain = new TestChain(spec());
    writeState(chain, (state) => {
      for (let id = 0; id < DEVICES; id++) {
        Devices.set(state, id, { owner: owners[id % owners.length], blsKey: new Uint8Array(48).fill(id + 1), kind: DeviceKind.SolarPv, capacityW: 10_000, location: "u4pruydqqvj", status: DeviceStatus.Active, registrar: owners[0], registeredAt: 0 });
        for (let epoch = 0; epoch < EPOCHS; epoch++) EpochEnergy.set(state, epoch, id, { energyWh: 10 + id + epoch, intervals: 5, violated: false });
      }
    });
    const issuanceBefore = chain.totalIssuance();
    const events: DecodedEvent[] = [];
    let removedSome = false;
    while (chain.head.header.number < EPOCHS * EPOCH_BLOCKS + 3) {
      const { changes } = chain.produceBlock([]);
      events.push(...chain.events());
      const removals = changes.filter((c) => c.value === null && RECORD_PREFIXES.some((p) => toHex(c.key).startsWith(p))).length;
      assert.ok(removals <= BUDGET, `block ${chain.head.header.number} removed ${removals} records, above the bound`);
      removedSome ||= removals > 0;
    }
    assert.ok(removedSome);
    const state = chain.state();

    // Epochs 0 … 8 ended; 7 and 8 are the history: every earlier epoch is gone, entry by entry.
    const lastEnded = EPOCHS - 1;
    for (let epoch = 0; epoch <= lastEnded; epoch++) {
      const kept = epoch > lastEnded - HISTORY;
      assert.equal(EpochRewards.get(state, epoch) !== undefined, kept, `epoch ${epoch}'s record`);
      assert.equal(DeviceRewards.page(state, epoch, 100).length, kept ? DEVICES : 0, `epoch ${epoch}'s device rewards`);
      assert.equal([...state.entries(ValidatorRewards.prefixFor(epoch))].length > 0, kept, `epoch ${epoch}'s validator rewards`);
      assert.equal(epochRemoved(state, epoch), !kept, `epoch ${epoch} reads as removed`);
    }
    assert.equal(HistoryStart.get(state), lastEnded - HISTORY + 1);

    // rewards_epoch answers a removed epoch with 4005 and where its payments are, a kept one in full.
    assert.throws(
      () => epochRewardsJson(state, 3, 42),
      (e: unknown) =>
        e instanceof RpcError && e.code === HISTORY_REMOVED_CODE && /epoch 3's rewards .*last 2 ended epochs.*Minted events from block 19 on/.test(e.message) && (e.data as { mintedEventsFromBlock: number }).mintedEventsFromBlock === 19,
    );
    assert.equal(epochRewardsJson(state, lastEnded, 42)?.recipients.filter((r) => r.kind === "device").length, DEVICES);
    assert.equal(epochRewardsJson(state, lastEnded + 1, 42), null, "an epoch not ended yet is still null");
    assert.equal(EpochRewards.get(state, lastEnded)?.phase, PayoutPhase.Complete);

    // Removing records changes no balance: each epoch's Minted events sum to its emission, and
    // the issuance grew by exactly their sum.
    let minted = 0n;
    for (const ended of events.filter((e) => e.module === "rewards" && e.name === "EpochRewarded")) {
      const epoch = ended.data.epoch as number;
      const sum = events.filter((e) => e.module === "rewards" && e.name === "Minted" && e.data.epoch === epoch).reduce((a, e) => a + BigInt(e.data.amount as string), 0n);
      assert.equal(sum, BigInt(ended.data.emission as string), `epoch ${epoch}'s payments sum to its emission`);
      minted += sum;
    }
    assert.equal(events.filter((e) => e.name === "EpochRewarded").length, EPOCHS);
    assert.equal(chain.totalIssuance() - issuanceBefore, minted, "empty blocks burn no fees: issuance grew by the payments");
  });
});
