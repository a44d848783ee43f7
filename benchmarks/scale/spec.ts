/**
 * The `scale` benchmark's chain: the dev chain (Alice authors and finalizes alone) with
 * `devices.generated` registering N devices of Bob at genesis, a 1 s slot and 2 s reading
 * intervals, so that simulated days (24 intervals: one `pog.GenerationDays` page) pass in 48 s
 * and a short claim window fills within minutes.
 */
import { toHex } from "../../primitives/bytes.ts";
import { devKeypair } from "../../primitives/keys/devAccounts.ts";
import { encodeAddress } from "../../primitives/keys/ss58.ts";
import type { ChainSpec, RuntimeGenesisConfig } from "../../genesis/chainSpec.ts";
import { devChainSpec } from "../../genesis/presets.ts";
import { DeviceKind } from "../../runtime/modules/devices/types.ts";

export const SLOT_MS = 1000;
export const READING_INTERVAL_SECS = 2;
/** Readings may arrive up to 12 intervals (24 s) late. */
export const ACCEPTANCE_WINDOW_INTERVALS = 12;
/** Two simulated days: a page expires 48 intervals (96 s) after its last interval. */
export const CLAIM_WINDOW_INTERVALS = 48;
/** The seed of the generated devices' keys (generatedKeys.ts); the benchmark signs with sk_0 + i. */
export const DEVICE_SEED = new Uint8Array(32).fill(0x5c);
export const CAPACITY_W = 10_000;

export function scaleChainSpec(devices: number): ChainSpec {
  const spec = devChainSpec();
  spec.name = `Scale ${devices}`;
  spec.id = `scale_${devices}`;
  const config = (spec.genesis as { runtimeGenesis: { config: RuntimeGenesisConfig } }).runtimeGenesis.config;
  config.system.slotDurationMs = SLOT_MS;
  config.system.maxBlockWeight = Math.floor(SLOT_MS / 3) * 1_000_000;
  const pog = config.pog as Record<string, unknown>;
  Object.assign(pog, { readingIntervalSecs: READING_INTERVAL_SECS, acceptanceWindowIntervals: ACCEPTANCE_WINDOW_INTERVALS, claimWindowIntervals: CLAIM_WINDOW_INTERVALS });
  // The rewards history shrunk with the claim window: the default 168 epochs (84 minutes of this
  // spec's 30 s epochs) would grow the state through the whole run, which the flat-state target
  // cannot tell from the claim window's pages. The epochs that cover the claim window (96 s) keep
  // the same "grows with devices, not time" layout measurable within minutes.
  const epochMs = SLOT_MS * (pog.epochLengthBlocks as number);
  (config.rewards as Record<string, unknown>).historyEpochs = Math.ceil((CLAIM_WINDOW_INTERVALS * READING_INTERVAL_SECS * 1000) / epochMs);
  (config.devices as Record<string, unknown>).generated = {
    count: devices,
    seed: toHex(DEVICE_SEED),
    owner: encodeAddress(devKeypair("Bob").publicKey, 42),
    registrar: encodeAddress(devKeypair("Alice").publicKey, 42),
    kind: DeviceKind.SolarPv,
    capacityW: CAPACITY_W,
    location: "u4pruydqqvj",
  };
  return spec;
}
