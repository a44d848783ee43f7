import { strict as assert } from "node:assert";
import { fromHex, toHex } from "../../primitives/bytes.ts";
import { blsKeypairFromSeed, blsSign, type BlsKeypair } from "../../primitives/blsKeys.ts";
import { devKeypair } from "../../primitives/keys/devAccounts.ts";
import { TREASURY_ACCOUNT } from "../../genesis/presets.ts";
import { encodeAddress } from "../../primitives/keys/ss58.ts";
import { verifyProofs } from "../../primitives/trie/proof.ts";
import { signExtrinsic } from "../../runtime/extrinsic.ts";
import { signRegistration } from "../../runtime/modules/devices/signing.ts";
import { DeviceKind, registerArgsCodec } from "../../runtime/modules/devices/types.ts";
import { readingSigningRoot, type Reading } from "../../runtime/modules/pog/types.ts";
import { DEFAULT_SCHEDULE } from "../../runtime/modules/rewards/genesis.ts";
import { epochEmission } from "../../runtime/modules/rewards/schedule.ts";
import { EpochRewards } from "../../runtime/modules/rewards/storage.ts";
import type { CurrentEpochJson, EpochRewardsJson } from "../../rpc/namespaces/rewards.ts";
import { httpRpc, startDevNode, waitFor, type TestNode } from "../../harness/devNode.ts";

const alice = devKeypair("Alice"); // the dev registrar and only validator
const charlie = devKeypair("Charlie");
const dave = devKeypair("Dave");
const TREASURY = encodeAddress(TREASURY_ACCOUNT);

// The dev preset with 100 ms slots: 30-block epochs of 3 s, 60 s reading intervals, a 10 %
// validator share, a 166 Wh energy cap (the preset's, for its own 2 s slots).
const SLOT_MS = 100;
const EPOCH_BLOCKS = 30;
const EPOCH_MS = SLOT_MS * EPOCH_BLOCKS;
const INTERVAL_MS = 60_000;

describe("rewards JSON-RPC (in-process dev node, devices reporting over RPC)", function () {
  this.timeout(30_000);
  let t: TestNode;
  let genesisHash: Uint8Array;
  const devices: Array<{ id: number; owner: Uint8Array; key: BlsKeypair; boost: bigint; energyWh: number; creditedIn?: number }> = [
    { id: 0, owner: charlie.publicKey, key: blsKeypairFromSeed(new Uint8Array(32).fill(11)), boost: 100n, energyWh: 60 },
    { id: 1, owner: dave.publicKey, key: blsKeypairFromSeed(new Uint8Array(32).fill(12)), boost: 25n, energyWh: 40 },
  ];

  async function call<T>(method: string, params: unknown[] = []): Promise<T> {
    const res = await httpRpc(t.httpUrl, method, params);
    if (res.error) throw new Error(`${method}: ${res.error.message} ${JSON.stringify(res.error.data)}`);
    return res.result as T;
  }

  async function bestNumber(): Promise<number> {
    return parseInt((await call<{ number: string }>("chain_getHeader", [])).number, 16);
  }

  /** Registers Charlie's solar meter and Dave's battery, each reports one interval, and waits until both are credited. */
  before(async () => {
    t = await startDevNode({ slotDurationMs: SLOT_MS, mint: true });
    genesisHash = fromHex(await call<string>("chain_getBlockHash", [0]));
    for (const [i, d] of devices.entries()) {
      const owner = i === 0 ? charlie : dave;
      const args = signRegistration({
        genesisHash,
        owner: owner.publicKey,
        device: d.key,
        kind: i === 0 ? DeviceKind.SolarPv : DeviceKind.Battery,
        capacityW: 4_000,
        location: "u4pruyd",
        registrarSeed: alice.secretSeed,
      });
      const xt = signExtrinsic(genesisHash, owner.secretSeed, { module: "devices", method: "register", args: registerArgsCodec.encode(args) }, { nonce: 0 });
      await call("author_submitExtrinsic", [toHex(xt)]);
    }
    await waitFor(async () => (await call("device_get", [1])) !== null, 10_000, "two registered devices");
    // Two intervals back: the last block's slot may still be in the interval before the wall clock's.
    const interval = Math.floor(Date.now() / INTERVAL_MS) - 2;
    for (const d of devices) {
      const reading: Reading = { deviceId: d.id, interval, cumulativeWh: d.energyWh, energyWh: d.energyWh, peakW: 3_000 };
      const signature = toHex(blsSign(d.key.secretKey, readingSigningRoot(genesisHash, reading)));
      const answer = await call<{ accepted: boolean; reason?: string }>("pog_submitReading", [{ ...reading, signature }]);
      assert.equal(answer.accepted, true, answer.reason);
    }
    await waitFor(
      async () => {
        for (const d of devices) {
          const g = await call<{ intervals: Array<{ block: number }> }>("pog_generation", [d.id, interval, interval]);
          d.creditedIn = g.intervals[0]?.block;
        }
        return devices.every((d) => d.creditedIn !== undefined);
      },
      10_000,
      "both readings credited",
    );
  });
  after(async () => {
    await t.stop();
  });

  const epochOf = (block: number) => Math.floor(block / EPOCH_BLOCKS);

  /** The epoch's record once its payout is complete (devices are paid in the blocks after its last). */
  async function rewardedEpoch(epoch: number): Promise<EpochRewardsJson> {
    let result: EpochRewardsJson | null = null;
    await waitFor(
      async () => {
        result = await call<EpochRewardsJson | null>("rewards_epoch", [epoch]);
        return result?.phase === "complete";
      },
      10_000,
      `epoch ${epoch} paid out`,
    );
    return result as unknown as EpochRewardsJson;
  }

  it("rewards_epoch: each device's reward follows its weight, and recipients sum to the epoch's emission", async () => {
    for (const d of devices) {
      const epoch = epochOf(d.creditedIn as number);
      const r = await rewardedEpoch(epoch);
      const emission = epochEmission(DEFAULT_SCHEDULE, SLOT_MS, EPOCH_BLOCKS, epoch);
      assert.equal(r.emission, emission.toString());
      assert.equal(r.scheduled, emission.toString());
      assert.deepEqual([r.epoch, r.firstBlock, r.lastBlock, r.block], [epoch, epoch * EPOCH_BLOCKS, epoch * EPOCH_BLOCKS + EPOCH_BLOCKS - 1, epoch * EPOCH_BLOCKS + EPOCH_BLOCKS - 1]);
      // Two devices at most, far below a block's payout chunk: weighed and paid in the next block.
      assert.equal(r.completedAt, r.block + 1);
      assert.equal(r.paidDevices, r.recipients.filter((x) => x.kind === "device").length);
      // One 60 s interval fills a 3 s epoch: uptime is capped at the epoch.
      const weight = d.boost * BigInt(d.energyWh) * BigInt(Math.min(INTERVAL_MS, EPOCH_MS));
      const devicePool = emission - (emission * 10n) / 100n;
      assert.equal(r.devicePool, devicePool.toString());
      const recipient = r.recipients.find((x) => x.kind === "device" && x.deviceId === d.id);
      assert.deepEqual(recipient, {
        kind: "device",
        deviceId: d.id,
        who: encodeAddress(d.owner),
        amount: ((devicePool * weight) / BigInt(r.totalWeight)).toString(),
        weight: weight.toString(),
      });
      assert.deepEqual(
        r.recipients.filter((x) => x.kind !== "device"),
        [
          { kind: "validator", who: encodeAddress(alice.publicKey), amount: ((emission * 10n) / 100n).toString() },
          ...(r.toTreasury === "0" ? [] : [{ kind: "treasury", who: TREASURY, amount: r.toTreasury }]),
        ],
      );
      assert.equal(r.recipients.reduce((a, x) => a + BigInt(x.amount), 0n), emission);
    }
  });

  it("rewards_epoch pages device recipients by id with startAfter", async () => {
    const epoch = epochOf(devices[0].creditedIn as number);
    const deviceIds = (r: EpochRewardsJson) => r.recipients.flatMap((x) => (x.kind === "device" ? [x.deviceId] : []));
    assert.ok(deviceIds(await call<EpochRewardsJson>("rewards_epoch", [epoch])).includes(0));
    const page = await call<EpochRewardsJson>("rewards_epoch", [epoch, null, 0]);
    assert.ok(!deviceIds(page).includes(0));
    assert.equal(page.recipients.filter((x) => x.kind === "validator").length, 1);
  });

  it("rewards_epoch is null for an epoch not yet ended, also at a block before its end", async () => {
    const best = await bestNumber();
    assert.equal(await call("rewards_epoch", [epochOf(best) + 100]), null);
    const epoch = epochOf(devices[0].creditedIn as number);
    await rewardedEpoch(epoch);
    const beforeEnd = await call<string>("chain_getBlockHash", [(epoch + 1) * EPOCH_BLOCKS - 2]);
    assert.equal(await call("rewards_epoch", [epoch, beforeEnd]), null);
  });

  it("rewards_epoch at the epoch's last block shows the validators paid and the device payout queued", async () => {
    const epoch = epochOf(devices[0].creditedIn as number);
    const done = await rewardedEpoch(epoch);
    const atEnd = await call<EpochRewardsJson>("rewards_epoch", [epoch, await call<string>("chain_getBlockHash", [done.block])]);
    assert.deepEqual(
      [atEnd.phase, atEnd.completedAt, atEnd.paidDevices, atEnd.toDevices, atEnd.toTreasury, atEnd.totalWeight],
      ["weighing", null, 0, "0", "0", "0"],
    );
    assert.equal(atEnd.toValidators, done.toValidators);
    assert.equal(atEnd.devicePool, done.devicePool);
    assert.deepEqual(atEnd.recipients, done.recipients.filter((x) => x.kind === "validator"));
    const current = await call<CurrentEpochJson>("rewards_currentEpoch", [await call<string>("chain_getBlockHash", [done.block])]);
    assert.equal(current.payingEpoch, epoch);
    assert.equal(current.lastRewardedEpoch, epoch);
  });

  it("rewards_currentEpoch names the epoch being accumulated and the last one rewarded", async () => {
    const at = await call<string>("chain_getBlockHash", []);
    const number = parseInt((await call<{ number: string }>("chain_getHeader", [at])).number, 16);
    const current = await call<CurrentEpochJson>("rewards_currentEpoch", [at]);
    const epoch = epochOf(number + 1);
    assert.equal(current.epoch, epoch);
    assert.equal(current.firstBlock, epoch * EPOCH_BLOCKS);
    assert.equal(current.lastBlock, epoch * EPOCH_BLOCKS + EPOCH_BLOCKS - 1);
    assert.equal(current.scheduledEmission, epochEmission(DEFAULT_SCHEDULE, SLOT_MS, EPOCH_BLOCKS, epoch).toString());
    assert.equal(current.lastRewardedEpoch, epoch > 0 ? epoch - 1 : null);
    // The last ended epoch is paid out in the block after its end at the latest.
    assert.ok(current.payingEpoch === null || current.payingEpoch === epoch - 1, String(current.payingEpoch));
    assert.ok(BigInt(current.remainingSupply) > 0n);
  });

  it("state_getReadProof proves an epoch's record against the block's state root", async () => {
    const epoch = epochOf(devices[0].creditedIn as number);
    const json = await rewardedEpoch(epoch);
    const at = await call<string>("chain_getBlockHash", []);
    const header = await call<{ stateRoot: string }>("chain_getHeader", [at]);
    const key = EpochRewards.key(epoch);
    const { proof } = await call<{ proof: string[] }>("state_getReadProof", [[toHex(key)], at]);
    const [proven] = verifyProofs(fromHex(header.stateRoot), [key], proof.map(fromHex));
    if (!proven.found) assert.fail("epoch record not proven");
    const record = EpochRewards.decodeValue(proven.value);
    assert.equal(record.emission.toString(), json.emission);
    assert.equal(record.toDevices.toString(), json.toDevices);
    assert.equal(record.totalWeight.toString(), json.totalWeight);
  });

  it("answers bad parameters with Invalid params", async () => {
    for (const params of [["0"], [-1], [1.5], [0, null, -2], [0, "0x1234"]]) {
      const res = await httpRpc(t.httpUrl, "rewards_epoch", params);
      assert.equal(res.error?.code, -32602, JSON.stringify(params));
    }
    assert.equal((await httpRpc(t.httpUrl, "rewards_currentEpoch", ["nope"])).error?.code, -32602);
  });
});
