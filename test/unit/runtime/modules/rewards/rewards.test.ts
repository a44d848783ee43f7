import assert from "node:assert/strict";
import { bigintToBytes, bytesEqual, compareBytes, toHex } from "../../../../../primitives/bytes.ts";
import { devKeypair } from "../../../../../primitives/keys/devAccounts.ts";
import { encodeAddress } from "../../../../../primitives/keys/ss58.ts";
import { ChainSpecError, type ChainSpec, type RuntimeGenesisConfig } from "../../../../../genesis/chainSpec.ts";
import { devChainSpec, localChainSpec, TREASURY_ACCOUNT } from "../../../../../genesis/presets.ts";
import { applyStateChanges } from "../../../../../node/chain/chain.ts";
import { OverlayState, type State } from "../../../../../runtime/framework/state.ts";
import { Devices } from "../../../../../runtime/modules/devices/storage.ts";
import { DeviceKind, DeviceStatus } from "../../../../../runtime/modules/devices/types.ts";
import { creditedReading } from "../../../../../runtime/modules/pog/generation.ts";
import { EpochEnergy } from "../../../../../runtime/modules/pog/storage.ts";
import { readingCodec, type EpochEnergyRecord, type Reading } from "../../../../../runtime/modules/pog/types.ts";
import { DEFAULT_HISTORY_EPOCHS, DEFAULT_MAX_DEVICE_PAYOUTS_PER_BLOCK, DEFAULT_MAX_SUPPLY, DEFAULT_SCHEDULE } from "../../../../../runtime/modules/rewards/genesis.ts";
import { blocksPerYear, epochEmission } from "../../../../../runtime/modules/rewards/schedule.ts";
import { Config, DeviceRewards, EpochRewards, PayoutCursor, PendingEmission, ValidatorRewards } from "../../../../../runtime/modules/rewards/storage.ts";
import { PayoutPhase } from "../../../../../runtime/modules/rewards/types.ts";
import { deviceWeight, isqrt, normalisedEnergy } from "../../../../../runtime/modules/rewards/weight.ts";
import { devFinalityKeypair } from "../../../../../runtime/modules/staking/keys.ts";
import { amountArgsCodec } from "../../../../../runtime/modules/staking/types.ts";
import { Prng } from "../../../primitives/trie/helpers.ts";
import { AKRE, TestChain, expectApplied, publicKeyOf, type DecodedEvent } from "../../../../utils/runtime.ts";

const alice = publicKeyOf("Alice");
const bob = publicKeyOf("Bob");
const charlie = publicKeyOf("Charlie");
const dave = publicKeyOf("Dave");
const eve = publicKeyOf("Eve");

// Test chains: 2 s slots (the dev preset), 5-block epochs of 10 s, 2 s reading intervals, so
// an epoch holds exactly 5 intervals.
const SLOT_MS = 2000;
const EPOCH_BLOCKS = 5;
const INTERVALS_PER_EPOCH = 5;
const BLOCKS_PER_YEAR = (365n * 86_400_000n) / BigInt(SLOT_MS);
const YEAR_ONE_ANNUAL = 200_000_000n * AKRE;

function address(name: string): string {
  return encodeAddress(devKeypair(name).publicKey, 42);
}

function runtimeSections(spec: ChainSpec): RuntimeGenesisConfig {
  return (spec.genesis as { runtimeGenesis: { config: RuntimeGenesisConfig } }).runtimeGenesis.config;
}

function testSpec(opts: { rewards?: Record<string, unknown>; authorities?: string[]; epochLengthBlocks?: number; readingIntervalSecs?: number } = {}): ChainSpec {
  const spec = devChainSpec();
  const config = runtimeSections(spec);
  const pog = config.pog as Record<string, unknown>;
  pog.epochLengthBlocks = opts.epochLengthBlocks ?? EPOCH_BLOCKS;
  pog.readingIntervalSecs = opts.readingIntervalSecs ?? 2;
  if (opts.rewards) config.rewards = opts.rewards;
  if (opts.authorities) {
    // Authorities set by hand, without staking (which would require them to be its bonded validators).
    config.aura.authorities = opts.authorities.map(address);
    delete config.staking;
  }
  return spec;
}

/** Writes state directly at the head (devices, epoch energy), as if earlier blocks had. */
function writeState(chain: TestChain, write: (state: State) => void): void {
  const overlay = new OverlayState(chain.state());
  write(overlay);
  const { root, nodes } = applyStateChanges(chain.state(), overlay.changes());
  chain.store.putNodes(nodes);
  chain.head = { ...chain.head, header: { ...chain.head.header, stateRoot: root } };
}

function putDevice(state: State, id: number, owner: Uint8Array, kind: number = DeviceKind.SolarPv, status: number = DeviceStatus.Active): void {
  Devices.set(state, id, { owner, blsKey: new Uint8Array(48).fill(id + 1), kind, capacityW: 10_000, location: "u4pruydqqvj", status, registrar: alice, registeredAt: 0 });
}

function putEnergy(state: State, epoch: number, id: number, energyWh: number, intervals = INTERVALS_PER_EPOCH, violated = false): void {
  EpochEnergy.set(state, epoch, id, { energyWh, intervals, violated });
}

/** Produces blocks up to and including the last block of `epoch`. */
function endEpoch(chain: TestChain, epoch: number, epochLengthBlocks = EPOCH_BLOCKS): void {
  chain.advanceTo((epoch + 1) * epochLengthBlocks - 1);
}

interface BlockEvents {
  number: number;
  events: DecodedEvent[];
}

/**
 * Produces blocks until `epoch`'s payout is complete (through its last block at least), and
 * returns the events of each block from the epoch's last block on.
 */
function payEpoch(chain: TestChain, epoch: number, epochLengthBlocks = EPOCH_BLOCKS): BlockEvents[] {
  const last = (epoch + 1) * epochLengthBlocks - 1;
  const blocks: BlockEvents[] = [];
  while (chain.head.header.number < last || EpochRewards.get(chain.state(), epoch)?.phase !== PayoutPhase.Complete) {
    assert.ok(chain.head.header.number < last + 1000, `epoch ${epoch}'s payout completes`);
    chain.produceBlock([]);
    if (chain.head.header.number >= last) blocks.push({ number: chain.head.header.number, events: chain.events() });
  }
  return blocks;
}

const allEvents = (blocks: BlockEvents[]): DecodedEvent[] => blocks.flatMap((b) => b.events);

/** Year-one epoch emission, computed from the published figures: the cumulative pro rata at each end of the epoch. */
function yearOneEmission(epoch: number, epochLengthBlocks = EPOCH_BLOCKS): bigint {
  const at = (blocks: bigint) => (YEAR_ONE_ANNUAL * blocks) / BLOCKS_PER_YEAR;
  const length = BigInt(epochLengthBlocks);
  return at(BigInt(epoch + 1) * length) - at(BigInt(epoch) * length);
}

interface Mint {
  epoch: number;
  who: string;
  amount: bigint;
  kind: string;
  deviceId?: number;
}

function mints(events: DecodedEvent[]): Mint[] {
  return events
    .filter((e) => e.module === "rewards" && e.name === "Minted")
    .map((e) => ({
      epoch: e.data.epoch as number,
      who: e.data.who as string,
      amount: BigInt(e.data.amount as string),
      kind: e.data.kind as string,
      ...(e.data.deviceId === undefined ? {} : { deviceId: e.data.deviceId as number }),
    }));
}

function epochRewarded(events: DecodedEvent[], epoch?: number): Record<string, unknown> {
  const found = events.filter((e) => e.module === "rewards" && e.name === "EpochRewarded" && (epoch === undefined || e.data.epoch === epoch));
  assert.equal(found.length, 1, "one EpochRewarded event");
  return found[0].data;
}

function sum(values: bigint[]): bigint {
  return values.reduce((a, b) => a + b, 0n);
}

describe("rewards", () => {
  describe("emission schedule", () => {
    it("counts a year in blocks: 5,256,000 at 6 s slots, 15,768,000 at 2 s", () => {
      assert.equal(blocksPerYear(6000), 5_256_000n);
      assert.equal(blocksPerYear(2000), 15_768_000n);
    });

    it("mints ≈22,831 AKRE per one-hour epoch in year 1 (6 s slots, 600-block epochs)", () => {
      const exact = (200_000_000n * AKRE * 600n) / 5_256_000n; // 22,831.050228… AKRE, rounded down
      for (const epoch of [0, 1, 2, 4379, 8759]) {
        const e = epochEmission(DEFAULT_SCHEDULE, 6000, 600, epoch);
        assert.equal(e / AKRE, 22_831n);
        assert.ok(e === exact || e === exact + 1n, `epoch ${epoch}: ${e}`);
      }
    });

    it("pays exactly each year's annual emission over its epochs: 200 M in years 1–2, 180 M in 3–4, 160 M in 5 and after", () => {
      const epochsPerYear = 8760; // 5,256,000 blocks / 600
      const expected = [200n, 200n, 180n, 180n, 160n, 160n, 160n].map((m) => m * 1_000_000n * AKRE);
      expected.forEach((annual, y) => {
        let total = 0n;
        for (let e = y * epochsPerYear; e < (y + 1) * epochsPerYear; e++) total += epochEmission(DEFAULT_SCHEDULE, 6000, 600, e);
        assert.equal(total, annual, `year ${y + 1}`);
      });
    });

    it("gives an epoch that spans a year boundary each year's rate for its blocks in it", () => {
      // A 1,000-block year (31,536,000 ms slots): year 1 pays 1,000 a block, year 2 500 a block.
      const schedule = [
        { fromYear: 1, annualEmission: 1_000_000n },
        { fromYear: 2, annualEmission: 500_000n },
      ];
      assert.equal(blocksPerYear(31_536_000), 1000n);
      assert.equal(epochEmission(schedule, 31_536_000, 300, 2), 300_000n); // blocks 600–899
      assert.equal(epochEmission(schedule, 31_536_000, 300, 3), 100n * 1000n + 200n * 500n); // blocks 900–1199
      assert.equal(epochEmission(schedule, 31_536_000, 300, 4), 150_000n); // blocks 1200–1499
    });
  });

  describe("weights", () => {
    const params = { energyCapWh: 1000n, intervalMs: 2000n, epochMs: 10_000n };
    const full: EpochEnergyRecord = { energyWh: 500, intervals: 5, violated: false };

    it("isqrt is the exact floor square root", () => {
      for (let n = 0n; n < 5000n; n++) {
        const r = isqrt(n);
        assert.ok(r * r <= n && (r + 1n) * (r + 1n) > n, `isqrt(${n}) = ${r}`);
      }
      for (const x of [65_535n, 2n ** 32n - 1n, 2n ** 64n + 12_345n]) {
        assert.equal(isqrt(x * x), x);
        assert.equal(isqrt(x * x - 1n), x - 1n);
      }
    });

    it("counts energy linearly up to the cap and sub-linearly above, never more than linearly", () => {
      const cap = 1000n;
      for (const e of [0n, 1n, 999n, 1000n]) assert.equal(normalisedEnergy(e, cap), e);
      assert.equal(normalisedEnergy(4000n, cap), 3000n);
      assert.equal(normalisedEnergy(100_000n, cap), 19_000n);
      let previous = 0n;
      for (let e = 0n; e <= 10_000n; e += 7n) {
        const n = normalisedEnergy(e, cap);
        assert.ok(n <= e, `${e} Wh counts as ${n}: more than linear`);
        assert.ok(n >= previous, `${e} Wh counts less than less energy`);
        previous = n;
      }
      // Just above the cap a device gains no more than one for one (no reward for overshooting it).
      assert.ok(normalisedEnergy(1001n, cap) <= 1001n && normalisedEnergy(1100n, cap) <= 1100n);
    });

    it("scales with uptime, capped at every interval of the epoch", () => {
      const w = deviceWeight(100, full, params);
      assert.equal(deviceWeight(100, { ...full, intervals: 2 }, params) * 5n, w * 2n);
      assert.equal(deviceWeight(100, { ...full, intervals: 0 }, params), 0n);
      assert.equal(deviceWeight(100, { ...full, intervals: 9 }, params), w);
    });

    it("is zero for a device whose reading broke a physical bound, and follows the kind boost", () => {
      assert.equal(deviceWeight(100, { ...full, violated: true }, params), 0n);
      assert.equal(deviceWeight(25, full, params) * 4n, deviceWeight(100, full, params));
      assert.equal(deviceWeight(0, full, params), 0n);
    });
  });

  describe("genesis", () => {
    it("defaults to Arkreen's published schedule and 10 B maximum supply, paying the chain's treasury", () => {
      const spec = testSpec();
      delete runtimeSections(spec).rewards;
      const config = Config.get(new TestChain(spec).state());
      assert.equal(config.maxSupply, 10_000_000_000n * AKRE);
      assert.equal(config.maxSupply, DEFAULT_MAX_SUPPLY);
      assert.deepEqual(
        config.schedule.map((s) => [s.fromYear, s.annualEmission / AKRE]),
        [
          [1, 200_000_000n],
          [3, 180_000_000n],
          [5, 160_000_000n],
        ],
      );
      assert.equal(config.kindBoostPercent.get(DeviceKind.SolarPv), 100);
      assert.ok(bytesEqual(config.treasury, TREASURY_ACCOUNT));
      assert.equal(config.maxDevicePayoutsPerBlock, DEFAULT_MAX_DEVICE_PAYOUTS_PER_BLOCK);
      assert.equal(config.historyEpochs, DEFAULT_HISTORY_EPOCHS);
      assert.equal(DEFAULT_HISTORY_EPOCHS, 168, "a week of one-hour epochs");
    });

    it("scales the dev and local presets' energy cap to their epochs: 166 Wh a 1-minute epoch, 10 kWh an hour", () => {
      assert.equal(Config.get(new TestChain(devChainSpec()).state()).energyCapWh, 166);
      assert.equal(Config.get(new TestChain(localChainSpec()).state()).energyCapWh, 10_000);
    });

    it("takes a custom schedule, boost, treasury and payout chunk, keeping the default boost of kinds not named", () => {
      const config = Config.get(
        new TestChain(testSpec({ rewards: { schedule: [[1, "1000"], [4, "10"]], kindBoostPercent: { battery: 90 }, treasury: address("Ferdie"), validatorSharePercent: 0, maxDevicePayoutsPerBlock: 5000, historyEpochs: 3 } })).state(),
      );
      assert.deepEqual(
        config.schedule.map((s) => [s.fromYear, s.annualEmission]),
        [
          [1, 1000n],
          [4, 10n],
        ],
      );
      assert.equal(config.kindBoostPercent.get(DeviceKind.Battery), 90);
      assert.equal(config.kindBoostPercent.get(DeviceKind.Wind), 100);
      assert.equal(config.validatorSharePercent, 0);
      assert.ok(bytesEqual(config.treasury, publicKeyOf("Ferdie")));
      assert.equal(config.maxDevicePayoutsPerBlock, 5000);
      assert.equal(config.historyEpochs, 3);
    });

    const invalid: Array<[string, Record<string, unknown>, string]> = [
      ["a schedule that does not start in year 1", { schedule: [[2, "1"]] }, "rewards.schedule[0][0]"],
      ["years that do not increase", { schedule: [[1, "1"], [3, "1"], [3, "2"]] }, "rewards.schedule[2][0]"],
      ["an empty schedule", { schedule: [] }, "rewards.schedule"],
      ["an amount as a JSON number", { schedule: [[1, 1000]] }, "rewards.schedule[0][1]"],
      ["a validator share above 100 %", { validatorSharePercent: 101 }, "rewards.validatorSharePercent"],
      ["an unknown device kind", { kindBoostPercent: { nuclear: 100 } }, "rewards.kindBoostPercent.nuclear"],
      ["a boost above 1000 %", { kindBoostPercent: { plug: 1001 } }, "rewards.kindBoostPercent.plug"],
      ["a zero energy cap", { energyCapWh: 0 }, "rewards.energyCapWh"],
      ["no device payout per block", { maxDevicePayoutsPerBlock: 0 }, "rewards.maxDevicePayoutsPerBlock"],
      ["no epoch of history", { historyEpochs: 0 }, "rewards.historyEpochs"],
      ["an unknown field", { validatorShare: 10 }, "rewards.validatorShare"],
      ["a maximum supply below the genesis balances", { maxSupply: "1000" }, "rewards.maxSupply"],
    ];
    for (const [what, rewards, field] of invalid) {
      it(`rejects ${what}, naming ${field}`, () => {
        assert.throws(
          () => new TestChain(testSpec({ rewards })),
          (e: unknown) => e instanceof ChainSpecError && e.type.code === "INVALID" && e.type.field === field,
        );
      });
    }
  });

  describe("at each epoch's end and after it", () => {
    it("mints the epoch's emission: validators equally without staking, devices by kind boost × energy, the rest to the treasury", () => {
      const chain = new TestChain(testSpec({ authorities: ["Alice", "Bob"], rewards: { validatorSharePercent: 20, energyCapWh: 1000 } }));
      // Energies below the cap and full uptime: weight = boost × energy.
      const devices: Array<[id: number, owner: Uint8Array, kind: number, energyWh: number, boost: bigint]> = [
        [0, charlie, DeviceKind.SolarPv, 400, 100n],
        [1, dave, DeviceKind.Wind, 300, 100n],
        [2, charlie, DeviceKind.Battery, 800, 25n],
        [3, eve, DeviceKind.Plug, 90, 50n],
      ];
      writeState(chain, (s) => {
        for (const [id, owner, kind, energyWh] of devices) {
          putDevice(s, id, owner, kind);
          putEnergy(s, 0, id, energyWh);
        }
      });
      const before = new Map([alice, bob, charlie, dave, eve, TREASURY_ACCOUNT].map((a) => [toHex(a), chain.account(a).free]));
      const issuance = chain.totalIssuance();
      const blocks = payEpoch(chain, 0);

      const emission = yearOneEmission(0);
      const validatorPool = (emission * 20n) / 100n;
      const devicePool = emission - validatorPool;
      const totalWeight = sum(devices.map(([, , , e, boost]) => BigInt(e) * boost));
      const deviceShares = devices.map(([, , , e, boost]) => (devicePool * BigInt(e) * boost) / totalWeight);
      const perValidator = validatorPool / 2n;
      const toTreasury = emission - 2n * perValidator - sum(deviceShares);

      // The validators in the epoch's last block, in authority order; the devices (trie order, sorted here) and the treasury after it.
      assert.deepEqual(mints(blocks[0].events), [
        { epoch: 0, who: toHex(alice), amount: perValidator, kind: "validator" },
        { epoch: 0, who: toHex(bob), amount: perValidator, kind: "validator" },
      ]);
      const later = mints(allEvents(blocks.slice(1)));
      assert.deepEqual(
        later.filter((m) => m.kind === "device").sort((a, b) => (a.deviceId as number) - (b.deviceId as number)),
        devices.map(([id, owner], i) => ({ epoch: 0, who: toHex(owner), amount: deviceShares[i], kind: "device", deviceId: id })),
      );
      assert.deepEqual(later[later.length - 1], { epoch: 0, who: toHex(TREASURY_ACCOUNT), amount: toTreasury, kind: "treasury" });
      assert.equal(later.length, devices.length + 1);
      assert.deepEqual(epochRewarded(allEvents(blocks)), {
        epoch: 0,
        scheduled: emission.toString(),
        emission: emission.toString(),
        toValidators: (2n * perValidator).toString(),
        toDevices: sum(deviceShares).toString(),
        toTreasury: toTreasury.toString(),
        paidDevices: devices.length,
      });

      const gained = (who: Uint8Array) => chain.account(who).free - (before.get(toHex(who)) as bigint);
      assert.equal(gained(alice), perValidator);
      assert.equal(gained(bob), perValidator);
      assert.equal(gained(charlie), deviceShares[0] + deviceShares[2]);
      assert.equal(gained(dave), deviceShares[1]);
      assert.equal(gained(eve), deviceShares[3]);
      assert.equal(gained(TREASURY_ACCOUNT), toTreasury);
      assert.equal(chain.totalIssuance(), issuance + emission);
      assert.equal(chain.sumOfBalances(), chain.totalIssuance());

      const state = chain.state();
      assert.deepEqual(EpochRewards.get(state, 0), {
        scheduled: emission,
        emission,
        toValidators: 2n * perValidator,
        toDevices: sum(deviceShares),
        toTreasury,
        totalWeight: totalWeight * 10_000n,
        block: 4,
        devicePool,
        phase: PayoutPhase.Complete,
        paidDevices: devices.length,
        completedAt: blocks[blocks.length - 1].number,
      });
      assert.deepEqual(DeviceRewards.get(state, 0, 2), { owner: charlie, amount: deviceShares[2], weight: 800n * 25n * 10_000n });
      assert.equal(ValidatorRewards.get(state, 0, bob), perValidator);
      assert.equal(PayoutCursor.exists(state), false);
      assert.equal(PendingEmission.get(state), 0n);
    });

    it("splits the validators' pool by the stake each was elected with, not by the bond at the epoch's end", () => {
      const spec = testSpec({ rewards: { validatorSharePercent: 40 } });
      const config = runtimeSections(spec);
      config.aura.authorities = [address("Alice"), address("Bob")];
      const staking = config.staking as { validators: unknown[][] };
      const bonds: Array<[string, bigint]> = [
        ["Alice", 100_000n * AKRE],
        ["Bob", 300_000n * AKRE],
      ];
      staking.validators = bonds.map(([name, bond]) => [address(name), bond.toString(), address(name), toHex(devFinalityKeypair(name).publicKey)]);
      const chain = new TestChain(spec);
      // Bob bonds more during the epoch: that counts from the next election on, not for this epoch.
      const bondExtra = { module: "staking", method: "bondExtra", args: amountArgsCodec.encode({ value: bigintToBytes(500_000n * AKRE) }) };
      assert.equal(expectApplied(chain.produceBlock([chain.sign("Bob", bondExtra, { nonce: 0 })]).results[0]).success, true);
      const blocks = payEpoch(chain, 0);
      const pool = (yearOneEmission(0) * 40n) / 100n;
      assert.deepEqual(mints(blocks[0].events), [
        { epoch: 0, who: toHex(alice), amount: (pool * 100_000n) / 400_000n, kind: "validator" },
        { epoch: 0, who: toHex(bob), amount: (pool * 300_000n) / 400_000n, kind: "validator" },
      ]);
      assert.equal(ValidatorRewards.get(chain.state(), 0, bob), (pool * 3n) / 4n);
      const summary = epochRewarded(allEvents(blocks));
      assert.equal(BigInt(summary.toValidators as string) + BigInt(summary.toDevices as string) + BigInt(summary.toTreasury as string), yearOneEmission(0));
    });

    it("pays the validators in the epoch's last block and the devices and treasury only after it, each epoch once", () => {
      const chain = new TestChain(testSpec());
      writeState(chain, (s) => {
        putDevice(s, 0, charlie);
        putEnergy(s, 0, 0, 100);
      });
      for (let n = 1; n < EPOCH_BLOCKS - 1; n++) {
        chain.produceBlock([]);
        assert.deepEqual(mints(chain.events()), []);
      }
      chain.produceBlock([]);
      assert.deepEqual(
        mints(chain.events()).map((m) => m.kind),
        ["validator"],
      );
      const ended = chain.events().filter((e) => e.module === "rewards" && e.name === "EpochEnded");
      assert.deepEqual(ended.map((e) => e.data.epoch), [0]);
      assert.deepEqual(PayoutCursor.get(chain.state()), { epoch: 0, lastKey: new Uint8Array(0) });
      assert.equal(EpochRewards.get(chain.state(), 0)?.phase, PayoutPhase.Weighing);
      chain.produceBlock([]);
      // The only device takes the whole pool: nothing is left for the treasury.
      assert.deepEqual(
        mints(chain.events()).map((m) => [m.kind, m.deviceId]),
        [["device", 0]],
      );
      assert.equal(epochRewarded(chain.events()).epoch, 0);
      assert.equal(EpochRewards.get(chain.state(), 0)?.completedAt, EPOCH_BLOCKS);
      chain.produceBlock([]);
      assert.deepEqual(mints(chain.events()), []);
      assert.equal(EpochRewards.get(chain.state(), 1), undefined);
      const blocks = payEpoch(chain, 1);
      assert.equal(epochRewarded(allEvents(blocks)).epoch, 1);
      assert.equal(EpochRewards.get(chain.state(), 1)?.emission, yearOneEmission(1));
    });

    it("pays a large epoch in chunks over several blocks: each device once, in trie order, the treasury last, the sum exactly the emission", () => {
      const CHUNK = 4;
      const DEVICES = 11;
      // 20-block epochs, so that no other epoch ends during the payout.
      const LENGTH = 20;
      const chain = new TestChain(testSpec({ epochLengthBlocks: LENGTH, rewards: { validatorSharePercent: 10, maxDevicePayoutsPerBlock: CHUNK } }));
      writeState(chain, (s) => {
        for (let id = 0; id < DEVICES; id++) {
          // Device 5 is suspended: weighed, never paid.
          putDevice(s, id, [charlie, dave, eve][id % 3], DeviceKind.SolarPv, id === 5 ? DeviceStatus.Suspended : DeviceStatus.Active);
          putEnergy(s, 0, id, 100 + id * 10);
        }
      });
      const issuance = chain.totalIssuance();
      const emission = yearOneEmission(0, LENGTH);
      const devicePool = emission - (emission * 10n) / 100n;
      const weights = Array.from({ length: DEVICES }, (_, id) => BigInt(100 + id * 10) * 100n * 10_000n);
      const totalWeight = sum(weights);

      endEpoch(chain, 0, LENGTH);
      // Paying removes each entry it visits: the trie order is read before the payout.
      const prefix = EpochEnergy.prefixFor(0);
      const trieOrder = [...chain.state().entries(prefix)].map(([key]) => EpochEnergy.decodeKey2(key, prefix.length)).filter((id) => id !== 5);
      assert.equal(trieOrder.length, DEVICES - 1);
      const cursors: Uint8Array[] = [];
      const blocks: BlockEvents[] = [];
      let paidBefore = 0;
      while (EpochRewards.get(chain.state(), 0)?.phase !== PayoutPhase.Complete) {
        chain.produceBlock([]);
        blocks.push({ number: chain.head.header.number, events: chain.events() });
        const record = EpochRewards.get(chain.state(), 0);
        assert.ok(record);
        // Never more than the chunk per block, and issuance plus what is still pending is the emission, all along.
        assert.ok(record.paidDevices - paidBefore <= CHUNK);
        paidBefore = record.paidDevices;
        assert.equal(chain.totalIssuance() + PendingEmission.get(chain.state()), issuance + emission);
        if (record.phase === PayoutPhase.Paying && PayoutCursor.exists(chain.state())) cursors.push(PayoutCursor.get(chain.state()).lastKey);
      }
      // 11 entries weighed, then paid, 4 a block: 6 blocks (the 3rd weighs 3 and pays 1), the completion in the 6th.
      assert.equal(blocks.length, 6);
      for (let i = 1; i < cursors.length; i++) assert.ok(compareBytes(cursors[i - 1], cursors[i]) < 0, "the cursor moves forward in trie order");
      const minted = mints(allEvents(blocks));
      const paid = minted.filter((m) => m.kind === "device");
      assert.deepEqual(
        paid.map((m) => m.deviceId).sort((a, b) => (a as number) - (b as number)),
        [0, 1, 2, 3, 4, 6, 7, 8, 9, 10],
      );
      assert.deepEqual(
        paid.map((m) => m.deviceId),
        trieOrder,
      );
      assert.deepEqual([...chain.state().entries(prefix)], [], "the paid epoch's EpochEnergy entries are removed, the suspended device's too");
      for (const m of paid) assert.equal(m.amount, (devicePool * weights[m.deviceId as number]) / totalWeight);
      for (const b of blocks) assert.ok(mints(b.events).filter((m) => m.kind === "device").length <= CHUNK);
      assert.equal(minted[minted.length - 1].kind, "treasury");
      assert.equal(minted.filter((m) => m.kind === "treasury").length, 1);
      assert.equal(mints(blocks[blocks.length - 1].events).at(-1)?.kind, "treasury");
      const validators = (emission * 10n) / 100n;
      assert.equal(validators + sum(minted.map((m) => m.amount)), emission);
      assert.equal(chain.totalIssuance(), issuance + emission);
      assert.equal(chain.sumOfBalances(), chain.totalIssuance());
      const record = EpochRewards.get(chain.state(), 0);
      assert.equal(record?.totalWeight, totalWeight);
      assert.equal(record?.paidDevices, 10);
      assert.equal(record?.completedAt, blocks[blocks.length - 1].number);
    });

    it("queues an epoch that ends while the previous one is still being paid, and pays them in order within the maximum supply", () => {
      const CHUNK = 3;
      const genesisIssuance = new TestChain(testSpec()).totalIssuance();
      const e0 = yearOneEmission(0);
      // Room for epoch 0 and a third of epoch 1: epoch 1 must count epoch 0's unpaid devices as issued.
      const room = e0 + yearOneEmission(1) / 3n;
      const chain = new TestChain(testSpec({ rewards: { maxSupply: (genesisIssuance + room).toString(), maxDevicePayoutsPerBlock: CHUNK } }));
      writeState(chain, (s) => {
        for (let id = 0; id < 12; id++) {
          putDevice(s, id, [charlie, dave][id % 2]);
          putEnergy(s, 0, id, 100);
          if (id < 5) putEnergy(s, 1, id, 50 + id);
        }
      });
      const blocks: BlockEvents[] = [];
      let epoch1Ended = false;
      while (EpochRewards.get(chain.state(), 1)?.phase !== PayoutPhase.Complete) {
        chain.produceBlock([]);
        blocks.push({ number: chain.head.header.number, events: chain.events() });
        assert.ok(chain.totalIssuance() + PendingEmission.get(chain.state()) <= genesisIssuance + room, "never beyond the maximum supply");
        if (chain.head.header.number === 2 * EPOCH_BLOCKS - 1) {
          epoch1Ended = true;
          // Epoch 1 ended with epoch 0's devices still being paid: it waits behind it.
          assert.equal(EpochRewards.get(chain.state(), 0)?.phase, PayoutPhase.Paying);
          assert.equal(PayoutCursor.get(chain.state()).epoch, 0);
          assert.equal(EpochRewards.get(chain.state(), 1)?.emission, room - e0);
        }
        assert.ok(chain.head.header.number < 100);
      }
      assert.ok(epoch1Ended);
      const events = allEvents(blocks);
      const minted = mints(events);
      // FIFO: every device of epoch 0 is paid before any of epoch 1, and epoch 0 completes first.
      const lastOf0 = minted.findLastIndex((m) => m.epoch === 0 && m.kind !== "validator");
      const firstDeviceOf1 = minted.findIndex((m) => m.epoch === 1 && m.kind === "device");
      assert.ok(lastOf0 < firstDeviceOf1, `${lastOf0} < ${firstDeviceOf1}`);
      const rewarded = events.filter((e) => e.module === "rewards" && e.name === "EpochRewarded").map((e) => e.data.epoch);
      assert.deepEqual(rewarded, [0, 1]);
      assert.equal(sum(minted.filter((m) => m.epoch === 0).map((m) => m.amount)), e0);
      assert.equal(sum(minted.filter((m) => m.epoch === 1).map((m) => m.amount)), room - e0);
      assert.equal(minted.filter((m) => m.kind === "device" && m.epoch === 0).length, 12);
      assert.equal(minted.filter((m) => m.kind === "device" && m.epoch === 1).length, 5);
      assert.equal(chain.totalIssuance(), genesisIssuance + room);
      assert.equal(PendingEmission.get(chain.state()), 0n);
      // The supply is exhausted: epoch 2 mints nothing.
      const next = payEpoch(chain, 2);
      assert.equal(epochRewarded(allEvents(next)).emission, "0");
      assert.deepEqual(mints(allEvents(next)), []);
      assert.equal(chain.totalIssuance(), genesisIssuance + room);
    });

    it("decides at payment time: a device suspended after the epoch's end, before its chunk, is not paid", () => {
      const chain = new TestChain(testSpec({ rewards: { validatorSharePercent: 0, maxDevicePayoutsPerBlock: 1 } }));
      writeState(chain, (s) => {
        putDevice(s, 0, charlie);
        putEnergy(s, 0, 0, 100);
        putDevice(s, 1, dave);
        putEnergy(s, 0, 1, 100);
      });
      endEpoch(chain, 0);
      // Blocks 5 and 6 weigh the two devices; suspend both before the paying blocks.
      chain.advanceTo(EPOCH_BLOCKS + 1);
      assert.equal(EpochRewards.get(chain.state(), 0)?.phase, PayoutPhase.Paying);
      writeState(chain, (s) => {
        putDevice(s, 0, charlie, DeviceKind.SolarPv, DeviceStatus.Suspended);
        putDevice(s, 1, dave, DeviceKind.SolarPv, DeviceStatus.Suspended);
      });
      const treasury = chain.account(TREASURY_ACCOUNT).free;
      const blocks = payEpoch(chain, 0);
      assert.deepEqual(mints(allEvents(blocks)), [{ epoch: 0, who: toHex(TREASURY_ACCOUNT), amount: yearOneEmission(0), kind: "treasury" }]);
      assert.equal(chain.account(TREASURY_ACCOUNT).free - treasury, yearOneEmission(0));
    });

    it("keeps one huge generator from taking the pool: 100× the cap counts as 19×", () => {
      const chain = new TestChain(testSpec({ rewards: { validatorSharePercent: 0, energyCapWh: 1000 } }));
      writeState(chain, (s) => {
        putDevice(s, 0, charlie);
        putEnergy(s, 0, 0, 100_000);
        for (let id = 1; id <= 20; id++) {
          putDevice(s, id, dave);
          putEnergy(s, 0, id, 1000);
        }
      });
      const pool = yearOneEmission(0);
      const huge = mints(allEvents(payEpoch(chain, 0))).find((m) => m.deviceId === 0);
      // 100 kWh out of 120 kWh of energy, but 19 / (19 + 20) of the pool.
      assert.equal(huge?.amount, (pool * 19n) / 39n);
      assert.ok((huge?.amount as bigint) < pool / 2n);
    });

    it("pays for uptime and nothing to a device that broke a physical bound", () => {
      const chain = new TestChain(testSpec({ rewards: { validatorSharePercent: 0 } }));
      writeState(chain, (s) => {
        putDevice(s, 0, charlie);
        putEnergy(s, 0, 0, 100);
        putDevice(s, 1, dave);
        putEnergy(s, 0, 1, 100, 2); // two intervals of five
        putDevice(s, 2, eve);
        putEnergy(s, 0, 2, 100, 5, true);
      });
      const pool = yearOneEmission(0);
      const paid = mints(allEvents(payEpoch(chain, 0)));
      assert.equal(paid.find((m) => m.deviceId === 0)?.amount, (pool * 5n) / 7n);
      assert.equal(paid.find((m) => m.deviceId === 1)?.amount, (pool * 2n) / 7n);
      assert.equal(paid.find((m) => m.deviceId === 2), undefined);
      assert.equal(DeviceRewards.get(chain.state(), 0, 2), undefined);
      assert.deepEqual([...chain.state().entries(EpochEnergy.prefixFor(0))], [], "every entry of the paid epoch is removed, the unpaid device's too");
    });

    it("pays no device that is not Active: its share goes to the treasury, nobody else's grows", () => {
      const chain = new TestChain(testSpec({ rewards: { validatorSharePercent: 0 } }));
      const statuses = [DeviceStatus.Active, DeviceStatus.Pending, DeviceStatus.Suspended, DeviceStatus.Terminated];
      writeState(chain, (s) => {
        statuses.forEach((status, id) => {
          putDevice(s, id, charlie, DeviceKind.SolarPv, status);
          putEnergy(s, 0, id, 100);
        });
      });
      const treasuryBefore = chain.account(TREASURY_ACCOUNT).free;
      const pool = yearOneEmission(0);
      const paid = mints(allEvents(payEpoch(chain, 0)));
      assert.deepEqual(
        paid.filter((m) => m.kind === "device").map((m) => [m.deviceId, m.amount]),
        [[0, pool / 4n]],
      );
      assert.equal(chain.account(TREASURY_ACCOUNT).free - treasuryBefore, pool - pool / 4n);
    });

    it("sends the whole device share to the treasury when no device generated", () => {
      const chain = new TestChain(testSpec({ rewards: { validatorSharePercent: 30 } }));
      const emission = yearOneEmission(0);
      const validators = (emission * 30n) / 100n;
      assert.deepEqual(mints(allEvents(payEpoch(chain, 0))), [
        { epoch: 0, who: toHex(alice), amount: validators, kind: "validator" },
        { epoch: 0, who: toHex(TREASURY_ACCOUNT), amount: emission - validators, kind: "treasury" },
      ]);
    });

    it("sends a reward that would leave a new account below the existential deposit to the treasury", () => {
      // 1 AKRE a year: 0.0000003 AKRE a 10 s epoch, far below the 0.001 AKRE existential deposit.
      const chain = new TestChain(testSpec({ rewards: { schedule: [[1, AKRE.toString()]], validatorSharePercent: 0 } }));
      const stranger = new Uint8Array(32).fill(7);
      writeState(chain, (s) => {
        putDevice(s, 0, stranger);
        putEnergy(s, 0, 0, 100);
      });
      const emission = (AKRE * BigInt(EPOCH_BLOCKS)) / BLOCKS_PER_YEAR;
      assert.deepEqual(mints(allEvents(payEpoch(chain, 0))), [{ epoch: 0, who: toHex(TREASURY_ACCOUNT), amount: emission, kind: "treasury" }]);
      assert.equal(chain.account(stranger).free, 0n);
      assert.equal(chain.sumOfBalances(), chain.totalIssuance());
    });

    it("never mints beyond the maximum supply: the last epoch mints what remains, later ones nothing", () => {
      const genesisIssuance = new TestChain(testSpec()).totalIssuance();
      const room = 10n * AKRE; // less than one 10 s epoch's ~63.4 AKRE
      const chain = new TestChain(testSpec({ rewards: { maxSupply: (genesisIssuance + room).toString() } }));
      const first = allEvents(payEpoch(chain, 0));
      assert.equal(epochRewarded(first).scheduled, yearOneEmission(0).toString());
      assert.equal(epochRewarded(first).emission, room.toString());
      assert.equal(sum(mints(first).map((m) => m.amount)), room);
      assert.equal(chain.totalIssuance(), genesisIssuance + room);
      const second = allEvents(payEpoch(chain, 1));
      assert.equal(epochRewarded(second).emission, "0");
      assert.deepEqual(mints(second), []);
      assert.equal(chain.totalIssuance(), genesisIssuance + room);
    });

    it("mints exactly each epoch's emission, with issuance the sum of balances, over random devices, chunks and queues", () => {
      const rng = new Prng(0x5eed);
      const owners = [alice, bob, charlie, dave, eve, new Uint8Array(32).fill(9)];
      const kinds = Object.values(DeviceKind);
      const statuses = Object.values(DeviceStatus);
      // 7 entries a block: an epoch of up to 40 devices takes up to 12 blocks, longer than an epoch, so payouts queue.
      const chain = new TestChain(testSpec({ authorities: ["Alice", "Bob", "Charlie"], rewards: { validatorSharePercent: 7, energyCapWh: 500, maxDevicePayoutsPerBlock: 7 } }));
      const issuance = chain.totalIssuance();
      const EPOCHS = 6;
      let nextId = 0;
      let queued = false;
      const events: DecodedEvent[] = [];
      for (let epoch = 0; epoch < EPOCHS; epoch++) {
        const count = rng.below(40);
        writeState(chain, (s) => {
          for (let i = 0; i < count; i++) {
            const id = rng.below(2) === 0 || nextId === 0 ? nextId++ : rng.below(nextId);
            putDevice(s, id, owners[rng.below(owners.length)], kinds[rng.below(kinds.length)], rng.below(4) === 0 ? statuses[rng.below(statuses.length)] : DeviceStatus.Active);
            putEnergy(s, epoch, id, rng.below(3) === 0 ? rng.below(5_000_000) : rng.below(600), rng.below(8), rng.below(10) === 0);
          }
        });
        while (chain.head.header.number < (epoch + 1) * EPOCH_BLOCKS - 1) {
          chain.produceBlock([]);
          events.push(...chain.events());
          assert.equal(chain.sumOfBalances(), chain.totalIssuance());
          const state = chain.state();
          const lastEnded = Math.floor((chain.head.header.number + 1) / EPOCH_BLOCKS) - 1;
          if (PayoutCursor.exists(state) && PayoutCursor.get(state).epoch < lastEnded) queued = true;
        }
      }
      assert.ok(queued, "some epoch waited for an earlier one's payout");
      const rest = payEpoch(chain, EPOCHS - 1);
      events.push(...allEvents(rest.slice(1)));
      const minted = mints(events);
      let total = 0n;
      for (let epoch = 0; epoch < EPOCHS; epoch++) {
        const ofEpoch = sum(minted.filter((m) => m.epoch === epoch).map((m) => m.amount));
        assert.equal(ofEpoch, yearOneEmission(epoch), `epoch ${epoch}`);
        const summary = epochRewarded(events, epoch);
        assert.equal(BigInt(summary.toValidators as string) + BigInt(summary.toDevices as string) + BigInt(summary.toTreasury as string), ofEpoch);
        const paid = minted.filter((m) => m.epoch === epoch && m.kind === "device").map((m) => m.deviceId);
        assert.equal(new Set(paid).size, paid.length, `epoch ${epoch}: each device paid once`);
        assert.deepEqual([...chain.state().entries(EpochEnergy.prefixFor(epoch))], [], `epoch ${epoch}: its EpochEnergy entries are removed once paid`);
        total += ofEpoch;
      }
      // Epochs that ended while the last one was paid have their validators paid and their devices pending.
      const ended = Math.floor((chain.head.header.number + 1) / EPOCH_BLOCKS);
      for (let epoch = EPOCHS; epoch < ended; epoch++) total += yearOneEmission(epoch);
      assert.equal(chain.totalIssuance(), issuance + sum(minted.map((m) => m.amount)));
      assert.equal(chain.totalIssuance() + PendingEmission.get(chain.state()), issuance + total);
      assert.equal(chain.sumOfBalances(), chain.totalIssuance());
    });

    it("rewards readings credited through blocks, by the epoch they were credited in", () => {
      // The dev preset: 60 s intervals, 30-block (60 s) epochs, a 166 Wh energy cap.
      const chain = new TestChain();
      writeState(chain, (s) => {
        putDevice(s, 0, charlie);
        putDevice(s, 1, dave);
      });
      const reading = (r: Reading) => readingCodec.encode(r);
      // Slot 100 is 200 s in: interval 3 is current, intervals 0–2 may be reported.
      chain.produceBlock([], {
        slot: 100n,
        readings: [
          reading({ deviceId: 0, interval: 0, cumulativeWh: 50, energyWh: 50, peakW: 4000 }),
          reading({ deviceId: 0, interval: 1, cumulativeWh: 110, energyWh: 60, peakW: 4000 }),
          // 10 kW over a minute is at most 183 Wh with the 10 % tolerance: device 1 lies.
          reading({ deviceId: 1, interval: 0, cumulativeWh: 900, energyWh: 900, peakW: 4000 }),
        ],
      });
      assert.ok(creditedReading(chain.state(), 0, 1));
      const paid = mints(allEvents(payEpoch(chain, 0, 30))).filter((m) => m.kind === "device");
      const emission = epochEmission(DEFAULT_SCHEDULE, SLOT_MS, 30, 0);
      const devicePool = emission - (emission * 10n) / 100n;
      assert.deepEqual(paid, [{ epoch: 0, who: toHex(charlie), amount: devicePool, kind: "device", deviceId: 0 }]);
      assert.deepEqual(DeviceRewards.get(chain.state(), 0, 0)?.weight, 100n * 110n * 60_000n);
    });
  });
});
