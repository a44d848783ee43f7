import { config as read, GenesisConfigError } from "../../framework/genesisConfig.ts";
import type { ModuleGenesis } from "../../framework/module.ts";
import { TotalIssuance } from "../balances/storage.ts";
import { DeviceKind } from "../devices/types.ts";
import { Config as SystemConfig } from "../system/storage.ts";
import { Config } from "./storage.ts";
import type { ScheduleEntry } from "./types.ts";

const AKRE = 10n ** 18n;

/** Arkreen's published tokenomics: 10 B AKRE at most. */
export const DEFAULT_MAX_SUPPLY = 10_000_000_000n * AKRE;

/** Arkreen's published emission: 200 M AKRE a year in years 1–2, 180 M in 3–4, 160 M from year 5 on. */
export const DEFAULT_SCHEDULE: readonly ScheduleEntry[] = [
  { fromYear: 1, annualEmission: 200_000_000n * AKRE },
  { fromYear: 3, annualEmission: 180_000_000n * AKRE },
  { fromYear: 5, annualEmission: 160_000_000n * AKRE },
];

/**
 * Validators' share of each epoch. Devices are what the chain exists for, so they take most;
 * 10 % pays a small validator set well above its costs (the chain runs on commodity servers)
 * without diluting miners, and governance may change it in a new chain spec.
 */
export const DEFAULT_VALIDATOR_SHARE_PERCENT = 10;

/**
 * Boost by device kind, in percent. Generation measured at the source (solar, wind, a revenue
 * meter) counts fully; a remote share of a plant is verified by its plant's meter but owned at
 * one remove (80); consumer smart plugs are cheap to spoof (50); a battery stores energy rather
 * than generating it, so its discharge is rewarded for firming only (25).
 */
export const DEFAULT_KIND_BOOST_PERCENT: Readonly<Record<string, number>> = { solarPv: 100, wind: 100, battery: 25, meter: 100, plug: 50, remoteShare: 80 };

/**
 * Epoch energy above which weight grows sub-linearly: 10 kWh, what a large residential PV
 * system (10 kW) makes in a one-hour epoch at full sun. Utility-scale devices still earn more,
 * but as √ of their energy, so one of them cannot take the pool.
 */
export const DEFAULT_ENERGY_CAP_WH = 10_000;

/**
 * Device entries (`pog.EpochEnergy`) a block's payout work visits, weighing or paying (payout.ts).
 * Measured on a shared 2-core development machine (TestChain, trie commit included): ~40 µs to
 * weigh an entry, ~80 µs to pay one (two trie reads, an account and a reward record written, an
 * event). 256 entries are ~10–20 ms of a block, under 0.5 % of a 6 s slot, where paying the epoch
 * in its last block cost 110–130 µs per device (12 s for 100,000). Each device takes two entries
 * (weighed, then paid), so a 600-block epoch pays up to 76,800 devices before the next ends (the
 * dev chain's 30-block epoch, 3,840); a larger network queues its payouts, so raise it with the
 * device count: the cost per block grows linearly.
 */
export const DEFAULT_MAX_DEVICE_PAYOUTS_PER_BLOCK = 256;

/**
 * Ended epochs whose reward records state keeps (`EpochRewards`, `DeviceRewards`,
 * `ValidatorRewards`): 168, a week of the live chain's one-hour epochs (2.8 hours of the dev
 * chain's one-minute ones). What reads them is `rewards_epoch`: the dashboard shows the last 6
 * epochs, a device owner or a gateway checks the last days' payouts; the payout itself needs only
 * the epoch it pays. Every payment is also a `rewards.Minted` event in the block that made it
 * (an indexer following the chain, or an archive node, has them all), so statements over longer
 * periods come from those. The cost is per device: a `DeviceRewards` record is 123 bytes, so a
 * device paid every epoch holds 168 × 123 = 20.7 KB — half of its 44 KB of generation pages;
 * 30 days (720 epochs) would be 88.6 KB, twice those pages, for data the events already give.
 * Without a bound the records grew ≈ 1.1 MB a year per such device (docs/state-layout.md).
 */
export const DEFAULT_HISTORY_EPOCHS = 168;

/** A boost above 10× would let one kind's marginal reading outweigh ten of any other kind. */
const MAX_KIND_BOOST_PERCENT = 1000;

const SECTION_FIELDS = new Set(["maxSupply", "schedule", "validatorSharePercent", "kindBoostPercent", "energyCapWh", "treasury", "maxDevicePayoutsPerBlock", "historyEpochs"]);

/** Chain-spec names of device kinds: `DeviceKind` keys in camelCase (`solarPv`, `remoteShare`...). */
const KIND_BY_NAME = new Map<string, number>(Object.entries(DeviceKind).map(([name, kind]) => [name[0].toLowerCase() + name.slice(1), kind]));

function readSchedule(value: unknown): ScheduleEntry[] {
  const entries = read.array(value, "rewards.schedule");
  if (entries.length === 0) throw new GenesisConfigError("rewards.schedule", "expected at least one [fromYear, annualEmission] entry");
  const schedule: ScheduleEntry[] = [];
  entries.forEach((entry, i) => {
    const field = `rewards.schedule[${i}]`;
    const pair = read.array(entry, field);
    if (pair.length !== 2) throw new GenesisConfigError(field, "expected [fromYear, annualEmission]");
    const fromYear = read.uint(pair[0], `${field}[0]`, { min: 1 });
    const previous = schedule[i - 1];
    if (!previous && fromYear !== 1) throw new GenesisConfigError(`${field}[0]`, "the schedule must start in year 1");
    if (previous && fromYear <= previous.fromYear) throw new GenesisConfigError(`${field}[0]`, "years must increase");
    schedule.push({ fromYear, annualEmission: read.amount(pair[1], `${field}[1]`) });
  });
  return schedule;
}

function readKindBoost(value: unknown): Map<number, number> {
  const given = value === undefined ? {} : read.object(value, "rewards.kindBoostPercent");
  const boosts = new Map<number, number>();
  for (const [name, kind] of KIND_BY_NAME) boosts.set(kind, DEFAULT_KIND_BOOST_PERCENT[name]);
  for (const [name, percent] of Object.entries(given)) {
    const kind = KIND_BY_NAME.get(name);
    if (kind === undefined) throw new GenesisConfigError(`rewards.kindBoostPercent.${name}`, `unknown device kind (known: ${[...KIND_BY_NAME.keys()].join(", ")})`);
    boosts.set(kind, read.uint(percent, `rewards.kindBoostPercent.${name}`, { max: MAX_KIND_BOOST_PERCENT }));
  }
  return boosts;
}

/**
 * `rewards` section, every field optional (Arkreen's published economics by default):
 * `{ maxSupply, schedule: [[fromYear, annualEmission], ...], validatorSharePercent,
 * kindBoostPercent: { solarPv, wind, battery, meter, plug, remoteShare }, energyCapWh, treasury,
 * maxDevicePayoutsPerBlock, historyEpochs }`,
 * amounts as decimal strings of base units; the treasury defaults to the chain's.
 */
export const rewardsGenesis: ModuleGenesis = {
  build(state, section) {
    const s = section === undefined ? {} : read.object(section, "rewards");
    for (const field of Object.keys(s)) if (!SECTION_FIELDS.has(field)) throw new GenesisConfigError(`rewards.${field}`, "unknown field");
    const maxSupply = s.maxSupply === undefined ? DEFAULT_MAX_SUPPLY : read.amount(s.maxSupply, "rewards.maxSupply");
    const issuance = TotalIssuance.get(state);
    if (issuance > maxSupply) throw new GenesisConfigError("rewards.maxSupply", `genesis balances (${issuance}) already exceed it`);
    Config.set(state, {
      maxSupply,
      schedule: s.schedule === undefined ? [...DEFAULT_SCHEDULE] : readSchedule(s.schedule),
      validatorSharePercent: s.validatorSharePercent === undefined ? DEFAULT_VALIDATOR_SHARE_PERCENT : read.uint(s.validatorSharePercent, "rewards.validatorSharePercent", { max: 100 }),
      kindBoostPercent: readKindBoost(s.kindBoostPercent),
      energyCapWh: s.energyCapWh === undefined ? DEFAULT_ENERGY_CAP_WH : read.uint(s.energyCapWh, "rewards.energyCapWh", { min: 1 }),
      treasury: s.treasury === undefined ? SystemConfig.get(state).treasury : read.account(s.treasury, "rewards.treasury"),
      maxDevicePayoutsPerBlock:
        s.maxDevicePayoutsPerBlock === undefined ? DEFAULT_MAX_DEVICE_PAYOUTS_PER_BLOCK : read.uint(s.maxDevicePayoutsPerBlock, "rewards.maxDevicePayoutsPerBlock", { min: 1 }),
      historyEpochs: s.historyEpochs === undefined ? DEFAULT_HISTORY_EPOCHS : read.uint(s.historyEpochs, "rewards.historyEpochs", { min: 1 }),
    });
  },
};

/**
 * The dev and local chains' section: Arkreen's schedule, with the energy cap scaled to the
 * epoch (`epochMs`: epoch length × slot duration) so that it stays the 10 kW reference system's
 * output over one epoch — a one-minute dev epoch caps at 166 Wh, a one-hour epoch at 10 kWh.
 */
export function rewardsDevSection(epochMs: number): Record<string, unknown> {
  const capWh = (BigInt(DEFAULT_ENERGY_CAP_WH) * BigInt(epochMs)) / 3_600_000n;
  return { energyCapWh: capWh > 0n ? Number(capWh) : 1 };
}
