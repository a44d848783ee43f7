import { concatBytes, utf8 } from "../primitives/bytes.ts";
import { devKeypair, DEV_ACCOUNT_NAMES } from "../primitives/keys/devAccounts.ts";
import { encodeAddress } from "../primitives/keys/ss58.ts";
import type { ChainSpec, RuntimeGenesisConfig } from "./chainSpec.ts";
import { genesisPresets, staking } from "../runtime/api.ts";

const AKRE = 10n ** 18n;
const SS58_FORMAT = 42;

/** The treasury's account: "modl" ++ pallet id "ak/trsry", zero-padded, as Substrate's `PalletId`. Nobody holds its key. */
export const TREASURY_ACCOUNT = concatBytes(utf8("modlak/trsry"), new Uint8Array(20));

function address(name: string): string {
  return encodeAddress(devKeypair(name).publicKey, SS58_FORMAT);
}

/** Each dev validator bonds a tenth of its endowment. */
const DEV_VALIDATOR_BOND = 100_000n * AKRE;

/** Validators `//<name>`: the account authors with its own key and votes with `devFinalityKeypair(name)`. */
function runtimeConfig(validators: string[], slotDurationMs: number, sessionLengthBlocks: number, pog: Record<string, unknown>): RuntimeGenesisConfig {
  const authorities = validators.map(address);
  const existentialDeposit = AKRE / 1000n; // 0.001 AKRE
  return {
    system: {
      slotDurationMs,
      maxBlockExtrinsics: 10_000,
      // A third of the slot for the extrinsics' execution, the rest for readings, import and propagation.
      maxBlockWeight: Math.floor(slotDurationMs / 3) * 1_000_000,
      maxBlockBytes: 5 * 1024 * 1024,
      maxExtrinsicBytes: 64 * 1024,
    },
    balances: {
      existentialDeposit: existentialDeposit.toString(),
      balances: [
        ...DEV_ACCOUNT_NAMES.map((n): [string, string] => [address(n), (1_000_000n * AKRE).toString()]),
        [encodeAddress(TREASURY_ACCOUNT, SS58_FORMAT), existentialDeposit.toString()],
      ],
    },
    transactionPayment: {
      baseFee: (AKRE / 1000n).toString(), // 0.001 AKRE per extrinsic
      lengthFeePerByte: (AKRE / 1_000_000n).toString(), // 0.000001 AKRE per byte
      weightFeePerUnit: (AKRE / 1_000_000_000n).toString(), // a transfer (50,000 units) costs 0.00005 AKRE of weight
      feeBurnPercent: 20,
    },
    treasury: { account: encodeAddress(TREASURY_ACCOUNT, SS58_FORMAT) },
    aura: { authorities },
    staking: genesisPresets.stakingDevSection(validators.map((n) => ({ address: address(n), finalityKey: staking.devFinalityKeypair(n).publicKey })), DEV_VALIDATOR_BOND, sessionLengthBlocks),
    devices: genesisPresets.devicesDevSection(address("Alice")),
    sudo: genesisPresets.sudoDevSection(address("Alice")),
    pog,
    rewards: genesisPresets.rewardsDevSection(slotDurationMs * (pog.epochLengthBlocks as number)),
    control: genesisPresets.controlDevSection(),
    recs: genesisPresets.recsDevSection(address("Alice")),
    // A week of events ahead in either chain's intervals (docs/vpp.md).
    flex: pog.readingIntervalSecs === 3600 ? genesisPresets.flexLiveSection() : genesisPresets.flexDevSection(),
  };
}

function spec(name: string, id: string, chainType: ChainSpec["chainType"], config: RuntimeGenesisConfig): ChainSpec {
  return {
    name,
    id,
    chainType,
    bootNodes: [],
    telemetryEndpoints: null,
    protocolId: "akre",
    properties: { ss58Format: SS58_FORMAT, tokenDecimals: 18, tokenSymbol: "AKRE" },
    codeSubstitutes: {},
    genesis: { runtimeGenesis: { config } },
  };
}

/** `--dev`: Alice alone authors and finalizes, with a short 2 s slot so a developer sees blocks quickly; 1-minute sessions. */
export function devChainSpec(): ChainSpec {
  return spec("Development", "dev", "Development", runtimeConfig(["Alice"], 2000, 30, genesisPresets.pogDevSection()));
}

/** `--chain local`: Alice, Bob, Charlie and Dave take turns with the standard 6 s slot; 2-minute sessions. */
export function localChainSpec(): ChainSpec {
  return spec("Local Testnet", "local_testnet", "Local", runtimeConfig(["Alice", "Bob", "Charlie", "Dave"], 6000, 20, genesisPresets.pogLiveSection()));
}

export const PRESETS: Record<string, () => ChainSpec> = { dev: devChainSpec, local: localChainSpec };
