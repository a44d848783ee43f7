/**
 * The figures of docs/state-layout.md for the items kept for a bounded history (rewards' epochs,
 * control's settled commands, system's block hashes), measured from the real keys and encodings
 * (key + value bytes, trie nodes not counted) with the live chain's values: one-hour epochs of a
 * year-one emission shared by a million devices, a 5 kW solar device's hourly energy, block numbers
 * of a chain's first years. If a layout or a codec changes, these numbers change: update the doc.
 */
import assert from "node:assert/strict";
import { commandRecordCodec, settledEntryCodec, CommandStatus, ReceiptStatus } from "../../../../../runtime/modules/control/types.ts";
import { DEFAULT_SETTLED_RETENTION_BLOCKS } from "../../../../../runtime/modules/control/genesis.ts";
import { Commands, SettledQueue } from "../../../../../runtime/modules/control/storage.ts";
import { DEFAULT_HISTORY_EPOCHS } from "../../../../../runtime/modules/rewards/genesis.ts";
import { DeviceRewards, EpochRewards, ValidatorRewards } from "../../../../../runtime/modules/rewards/storage.ts";
import { deviceRewardCodec, epochRewardsCodec, PayoutPhase } from "../../../../../runtime/modules/rewards/types.ts";
import { deviceWeight } from "../../../../../runtime/modules/rewards/weight.ts";
import { BLOCK_HASH_COUNT } from "../../../../../runtime/modules/system/hooks.ts";
import { BlockHash } from "../../../../../runtime/modules/system/storage.ts";
import { bigintToBytes } from "../../../../../primitives/bytes.ts";

const AKRE = 10n ** 18n;
const EPOCH = 20_000;
const BLOCK = 12_000_000;
const DEVICE = 123_456;
/** Year one: 200 M AKRE over 8,760 hourly epochs. */
const EPOCH_EMISSION = (200_000_000n * AKRE) / 8_760n;
const DEVICE_POOL = (EPOCH_EMISSION * 90n) / 100n;
const HOUR_MS = 3_600_000n;
const weight = deviceWeight(100, { energyWh: 4_321, intervals: 1, violated: false }, { energyCapWh: 10_000n, intervalMs: HOUR_MS, epochMs: HOUR_MS });

const measured = {
  deviceReward: DeviceRewards.key(EPOCH, DEVICE).length + deviceRewardCodec.encode({ owner: new Uint8Array(32).fill(2), amount: DEVICE_POOL / 1_000_000n, weight }).length,
  validatorReward: ValidatorRewards.key(EPOCH, new Uint8Array(32).fill(5)).length + bigintToBytes(EPOCH_EMISSION / 10n / 20n).length,
  epochRewards:
    EpochRewards.key(EPOCH).length +
    epochRewardsCodec.encode({
      scheduled: EPOCH_EMISSION,
      emission: EPOCH_EMISSION,
      toValidators: EPOCH_EMISSION / 10n,
      toDevices: DEVICE_POOL - 12_345n,
      toTreasury: 12_345n,
      totalWeight: weight * 1_000_000n,
      block: BLOCK + 599,
      devicePool: DEVICE_POOL,
      phase: PayoutPhase.Complete,
      paidDevices: 1_000_000,
      completedAt: BLOCK + 2_600,
    }).length,
  acknowledgedCommand:
    Commands.key(9_000_000).length +
    commandRecordCodec.encode({
      deviceId: DEVICE,
      command: { curtail: { percent: 30 } },
      validFrom: BLOCK,
      validUntil: BLOCK + 600,
      submitter: new Uint8Array(32).fill(6),
      submittedAt: BLOCK - 10,
      status: CommandStatus.Acknowledged,
      receipt: { status: ReceiptStatus.Executed, signature: new Uint8Array(96).fill(7), block: BLOCK + 20, submittedBy: new Uint8Array(32).fill(8) },
    }).length,
  settledQueueEntry: SettledQueue.key(9_000_000).length + settledEntryCodec.encode({ commandId: 9_000_000, settledAt: BLOCK + 20 }).length,
  blockHash: BlockHash.key(BLOCK).length + 32,
};

/** Key + value bytes of each record (docs/state-layout.md, "Other items that grow"). */
const EXPECTED = { deviceReward: 123, validatorReward: 109, epochRewards: 141, acknowledgedCommand: 255, settledQueueEntry: 62, blockHash: 84 };

describe("state layout: items kept for a bounded history (docs/state-layout.md)", () => {
  if (process.env.STATE_LAYOUT_PRINT === "1") console.log(measured);

  it("measures each record's key + value bytes", () => {
    assert.deepEqual(measured, EXPECTED);
  });

  it("bounds each history: a device paid every epoch holds a week of reward records, the chain 4,096 block hashes, a settled command a week", () => {
    assert.equal(DEFAULT_HISTORY_EPOCHS * measured.deviceReward, 20_664);
    assert.equal(BLOCK_HASH_COUNT * measured.blockHash, 344_064);
    // A command settled a week: its record and its queue entry.
    assert.equal(DEFAULT_SETTLED_RETENTION_BLOCKS, 7 * 24 * 600);
    assert.equal(measured.acknowledgedCommand + measured.settledQueueEntry, 317);
  });
});
