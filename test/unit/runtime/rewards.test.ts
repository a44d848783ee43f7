import assert from "node:assert/strict";
import { bytesEqual, toHex } from "../../../primitives/bytes.ts";
import { devKeypair } from "../../../primitives/keys/devAccounts.ts";
import { encodeAddress } from "../../../primitives/keys/ss58.ts";
import { ChainSpecError, type ChainSpec, type RuntimeGenesisConfig } from "../../../genesis/chainSpec.ts";
import { devChainSpec, localChainSpec, TREASURY_ACCOUNT } from "../../../genesis/presets.ts";
import { applyStateChanges } from "../../../node/chain/chain.ts";
import { OverlayState, type State } from "../../../runtime/framework/state.ts";
import { Devices } from "../../../runtime/modules/devices/storage.ts";
import { DeviceKind, DeviceStatus } from "../../../runtime/modules/devices/types.ts";
import { EpochEnergy, Generation } from "../../../runtime/modules/pog/storage.ts";
import { readingCodec, type EpochEnergyRecord, type Reading } from "../../../runtime/modules/pog/types.ts";
import { DEFAULT_MAX_SUPPLY, DEFAULT_SCHEDULE } from "../../../runtime/modules/rewards/genesis.ts";
import { blocksPerYear, epochEmission } from "../../../runtime/modules/rewards/schedule.ts";
import { Config, DeviceRewards, EpochRewards, ValidatorRewards } from "../../../runtime/modules/rewards/storage.ts";
import { deviceWeight, isqrt, normalisedEnergy } from "../../../runtime/modules/rewards/weight.ts";
import { Prng } from "../trie/helpers.ts";
import { AKRE, TestChain, publicKeyOf, type DecodedEvent } from "../../utils/runtime.ts";

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
  while (chain.head.header.number < (epoch + 1) * epochLengthBlocks - 1) chain.produceBlock([]);
}

/** Year-one epoch emission, computed from the published figures: the cumulative pro rata at each end of the epoch. */
function yearOneEmission(epoch: number, epochLengthBlocks = EPOCH_BLOCKS): bigint {
  const at = (blocks: bigint) => (YEAR_ONE_ANNUAL * blocks) / BLOCKS_PER_YEAR;
  const length = BigInt(epochLengthBlocks);
  return at(BigInt(epoch + 1) * length) - at(BigInt(epoch) * length);
}

interface Mint {
  who: string;
  amount: bigint;
  kind: string;
  deviceId?: number;
}

function mints(events: DecodedEvent[]): Mint[] {
  return events
    .filter((e) => e.module === "rewards" && e.name === "Minted")
    .map((e) => ({ who: e.data.who as string, amount: BigInt(e.data.amount as string), kind: e.data.kind as string, ...(e.data.deviceId === undefined ? {} : { deviceId: e.data.deviceId as number }) }));
}

function epochRewarded(events: DecodedEvent[]): Record<string, unknown> {
  const found = events.filter((e) => e.module === "rewards" && e.name === "EpochRewarded");
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
    });

    it("scales the dev and local presets' energy cap to their epochs: 166 Wh a 1-minute epoch, 10 kWh an hour", () => {
      assert.equal(Config.get(new TestChain(devChainSpec()).state()).energyCapWh, 166);
      assert.equal(Config.get(new TestChain(localChainSpec()).state()).energyCapWh, 10_000);
    });

    it("takes a custom schedule, boost and treasury, keeping the default boost of kinds not named", () => {
      const config = Config.get(
        new TestChain(testSpec({ rewards: { schedule: [[1, "1000"], [4, "10"]], kindBoostPercent: { battery: 90 }, treasury: address("Ferdie"), validatorSharePercent: 0 } })).state(),
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

  describe("at each epoch's end", () => {
    it("mints the epoch's emission: validators equally, devices by kind boost × energy, the rest to the treasury", () => {
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
      endEpoch(chain, 0);

      const emission = yearOneEmission(0);
      const validatorPool = (emission * 20n) / 100n;
      const devicePool = emission - validatorPool;
      const totalWeight = sum(devices.map(([, , , e, boost]) => BigInt(e) * boost));
      const deviceShares = devices.map(([, , , e, boost]) => (devicePool * BigInt(e) * boost) / totalWeight);
      const perValidator = validatorPool / 2n;
      const toTreasury = emission - 2n * perValidator - sum(deviceShares);

      const events = chain.events();
      // Validators in authority order, devices in trie order (sorted here), the treasury last.
      const minted = mints(events);
      const byDevice = minted.filter((m) => m.kind === "device").sort((a, b) => (a.deviceId as number) - (b.deviceId as number));
      assert.deepEqual(
        [...minted.filter((m) => m.kind === "validator"), ...byDevice, ...minted.filter((m) => m.kind === "treasury")],
        [
          { who: toHex(alice), amount: perValidator, kind: "validator" },
          { who: toHex(bob), amount: perValidator, kind: "validator" },
          ...devices.map(([id, owner], i) => ({ who: toHex(owner), amount: deviceShares[i], kind: "device", deviceId: id })),
          { who: toHex(TREASURY_ACCOUNT), amount: toTreasury, kind: "treasury" },
        ],
      );
      assert.equal(minted.length, 2 + devices.length + 1);
      assert.equal(minted[minted.length - 1].kind, "treasury");
      assert.deepEqual(epochRewarded(events), {
        epoch: 0,
        scheduled: emission.toString(),
        emission: emission.toString(),
        toValidators: (2n * perValidator).toString(),
        toDevices: sum(deviceShares).toString(),
        toTreasury: toTreasury.toString(),
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
      const record = EpochRewards.get(state, 0);
      assert.deepEqual(record, { scheduled: emission, emission, toValidators: 2n * perValidator, toDevices: sum(deviceShares), toTreasury, totalWeight: totalWeight * 10_000n, block: 4 });
      assert.deepEqual(DeviceRewards.get(state, 0, 2), { owner: charlie, amount: deviceShares[2], weight: 800n * 25n * 10_000n });
      assert.equal(ValidatorRewards.get(state, 0, bob), perValidator);
    });

    it("rewards nothing before the epoch's last block, and each epoch once", () => {
      const chain = new TestChain(testSpec());
      for (let n = 1; n < EPOCH_BLOCKS - 1; n++) {
        chain.produceBlock([]);
        assert.deepEqual(mints(chain.events()), []);
      }
      chain.produceBlock([]);
      assert.equal(epochRewarded(chain.events()).epoch, 0);
      chain.produceBlock([]);
      assert.deepEqual(mints(chain.events()), []);
      assert.equal(EpochRewards.get(chain.state(), 1), undefined);
      endEpoch(chain, 1);
      assert.equal(epochRewarded(chain.events()).epoch, 1);
      assert.equal(EpochRewards.get(chain.state(), 1)?.emission, yearOneEmission(1));
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
      endEpoch(chain, 0);
      const pool = yearOneEmission(0);
      const huge = mints(chain.events()).find((m) => m.deviceId === 0);
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
      endEpoch(chain, 0);
      const pool = yearOneEmission(0);
      const paid = mints(chain.events());
      assert.equal(paid.find((m) => m.deviceId === 0)?.amount, (pool * 5n) / 7n);
      assert.equal(paid.find((m) => m.deviceId === 1)?.amount, (pool * 2n) / 7n);
      assert.equal(paid.find((m) => m.deviceId === 2), undefined);
      assert.equal(DeviceRewards.get(chain.state(), 0, 2), undefined);
    });

    it("pays no device that is not Active at the epoch's end: its share goes to the treasury, nobody else's grows", () => {
      const chain = new TestChain(testSpec({ rewards: { validatorSharePercent: 0 } }));
      const statuses = [DeviceStatus.Active, DeviceStatus.Pending, DeviceStatus.Suspended, DeviceStatus.Terminated];
      writeState(chain, (s) => {
        statuses.forEach((status, id) => {
          putDevice(s, id, charlie, DeviceKind.SolarPv, status);
          putEnergy(s, 0, id, 100);
        });
      });
      const treasuryBefore = chain.account(TREASURY_ACCOUNT).free;
      endEpoch(chain, 0);
      const pool = yearOneEmission(0);
      const paid = mints(chain.events());
      assert.deepEqual(
        paid.filter((m) => m.kind === "device").map((m) => [m.deviceId, m.amount]),
        [[0, pool / 4n]],
      );
      assert.equal(chain.account(TREASURY_ACCOUNT).free - treasuryBefore, pool - pool / 4n);
    });

    it("sends the whole device share to the treasury when no device generated", () => {
      const chain = new TestChain(testSpec({ rewards: { validatorSharePercent: 30 } }));
      endEpoch(chain, 0);
      const emission = yearOneEmission(0);
      const validators = (emission * 30n) / 100n;
      assert.deepEqual(mints(chain.events()), [
        { who: toHex(alice), amount: validators, kind: "validator" },
        { who: toHex(TREASURY_ACCOUNT), amount: emission - validators, kind: "treasury" },
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
      endEpoch(chain, 0);
      const emission = (AKRE * BigInt(EPOCH_BLOCKS)) / BLOCKS_PER_YEAR;
      assert.deepEqual(mints(chain.events()), [{ who: toHex(TREASURY_ACCOUNT), amount: emission, kind: "treasury" }]);
      assert.equal(chain.account(stranger).free, 0n);
      assert.equal(chain.sumOfBalances(), chain.totalIssuance());
    });

    it("never mints beyond the maximum supply: the last epoch mints what remains, later ones nothing", () => {
      const genesisIssuance = new TestChain(testSpec()).totalIssuance();
      const room = 10n * AKRE; // less than one 10 s epoch's ~63.4 AKRE
      const chain = new TestChain(testSpec({ rewards: { maxSupply: (genesisIssuance + room).toString() } }));
      endEpoch(chain, 0);
      const first = epochRewarded(chain.events());
      assert.equal(first.scheduled, yearOneEmission(0).toString());
      assert.equal(first.emission, room.toString());
      assert.equal(sum(mints(chain.events()).map((m) => m.amount)), room);
      assert.equal(chain.totalIssuance(), genesisIssuance + room);
      endEpoch(chain, 1);
      assert.equal(epochRewarded(chain.events()).emission, "0");
      assert.deepEqual(mints(chain.events()), []);
      assert.equal(chain.totalIssuance(), genesisIssuance + room);
    });

    it("mints exactly the emission, with issuance the sum of balances, over random devices, kinds, energies, uptimes and statuses", () => {
      const rng = new Prng(0x5eed);
      const owners = [alice, bob, charlie, dave, eve, new Uint8Array(32).fill(9)];
      const kinds = Object.values(DeviceKind);
      const statuses = Object.values(DeviceStatus);
      const chain = new TestChain(testSpec({ authorities: ["Alice", "Bob", "Charlie"], rewards: { validatorSharePercent: 7, energyCapWh: 500 } }));
      let nextId = 0;
      for (let epoch = 0; epoch < 6; epoch++) {
        const count = rng.below(40);
        writeState(chain, (s) => {
          for (let i = 0; i < count; i++) {
            const id = rng.below(2) === 0 || nextId === 0 ? nextId++ : rng.below(nextId);
            putDevice(s, id, owners[rng.below(owners.length)], kinds[rng.below(kinds.length)], rng.below(4) === 0 ? statuses[rng.below(statuses.length)] : DeviceStatus.Active);
            putEnergy(s, epoch, id, rng.below(3) === 0 ? rng.below(5_000_000) : rng.below(600), rng.below(8), rng.below(10) === 0);
          }
        });
        const issuance = chain.totalIssuance();
        endEpoch(chain, epoch);
        const events = chain.events();
        const minted = sum(mints(events).map((m) => m.amount));
        assert.equal(minted, yearOneEmission(epoch), `epoch ${epoch}`);
        const summary = epochRewarded(events);
        assert.equal(BigInt(summary.toValidators as string) + BigInt(summary.toDevices as string) + BigInt(summary.toTreasury as string), minted);
        assert.equal(chain.totalIssuance(), issuance + minted);
        assert.equal(chain.sumOfBalances(), chain.totalIssuance());
      }
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
      assert.ok(Generation.contains(chain.state(), 0, 1));
      endEpoch(chain, 0, 30);
      const paid = mints(chain.events()).filter((m) => m.kind === "device");
      const emission = epochEmission(DEFAULT_SCHEDULE, SLOT_MS, 30, 0);
      const devicePool = emission - (emission * 10n) / 100n;
      assert.deepEqual(paid, [{ who: toHex(charlie), amount: devicePool, kind: "device", deviceId: 0 }]);
      assert.deepEqual(DeviceRewards.get(chain.state(), 0, 0)?.weight, 100n * 110n * 60_000n);
    });
  });
});
