import { fromHex, isHex, toHex } from "../primitives/bytes.ts";
import { codecs, type Header } from "../primitives/codec/index.ts";
import { blake2b256 } from "../primitives/hash.ts";
import { decodeAddress } from "../primitives/keys/ss58.ts";
import { EMPTY_TRIE_ROOT, MerkleTrie, orderedTrieRoot } from "../primitives/trie/trie.ts";
import { MemoryNodeStore } from "../primitives/trie/nodeStore.ts";
import { OverlayState, type StateChange } from "../runtime/framework/state.ts";
import { buildRuntimeGenesis, type RuntimeGenesis } from "../runtime/genesis.ts";
import { expectAmount, expectUint, invalid, type ChainSpec, type RuntimeGenesisConfig } from "./chainSpec.ts";

export interface GenesisBlock {
  header: Header;
  hash: Uint8Array;
  /** The genesis state's entries, sorted by key. */
  state: StateChange[];
  /** Trie nodes of the genesis state, to be stored with the genesis block. */
  trieNodes: Array<[Uint8Array, Uint8Array]>;
}

function account(value: unknown, field: string): Uint8Array {
  try {
    return decodeAddress(String(value));
  } catch (e) {
    return invalid(field, (e as Error).message);
  }
}

/** Decodes and checks the runtime section of a (non-raw) chain spec. */
export function decodeRuntimeGenesis(config: RuntimeGenesisConfig, ss58Format: number): RuntimeGenesis {
  const s = config.system;
  const tp = config.transactionPayment;
  const feeBurnPercent = expectUint(tp?.feeBurnPercent, "transactionPayment.feeBurnPercent", 100);
  const authorities = (config.aura?.authorities ?? []).map((a, i) => account(a, `aura.authorities[${i}]`));
  if (authorities.length === 0) invalid("aura.authorities", "at least one authority is required");
  const existentialDeposit = expectAmount(config.balances?.existentialDeposit, "balances.existentialDeposit");
  const balances = (config.balances?.balances ?? []).map(([who, amount], i): [Uint8Array, bigint] => {
    const free = expectAmount(amount, `balances.balances[${i}][1]`);
    if (free < existentialDeposit) invalid(`balances.balances[${i}][1]`, `endowment ${free} is below the existential deposit ${existentialDeposit}`);
    return [account(who, `balances.balances[${i}][0]`), free];
  });
  return {
    config: {
      slotDurationMs: expectUint(s?.slotDurationMs, "system.slotDurationMs", 0xffffffff, 1),
      existentialDeposit,
      baseFee: expectAmount(tp?.baseFee, "transactionPayment.baseFee"),
      lengthFeePerByte: expectAmount(tp?.lengthFeePerByte, "transactionPayment.lengthFeePerByte"),
      weightFeePerUnit: expectAmount(tp?.weightFeePerUnit, "transactionPayment.weightFeePerUnit"),
      feeBurnPercent,
      treasury: account(config.treasury?.account, "treasury.account"),
      maxBlockExtrinsics: expectUint(s.maxBlockExtrinsics, "system.maxBlockExtrinsics"),
      maxBlockBytes: expectUint(s.maxBlockBytes, "system.maxBlockBytes"),
      maxExtrinsicBytes: expectUint(s.maxExtrinsicBytes, "system.maxExtrinsicBytes"),
      ss58Format,
    },
    balances: { balances },
    aura: { authorities },
  };
}

/** The genesis state's writes, from either form of the spec. */
export function genesisState(spec: ChainSpec): StateChange[] {
  if ("raw" in spec.genesis) {
    return Object.entries(spec.genesis.raw.top)
      .map(([k, v]) => {
        if (!isHex(k) || !isHex(v)) invalid("genesis.raw.top", `non-hex entry ${k.slice(0, 20)}`);
        return { key: fromHex(k), value: fromHex(v) };
      })
      .sort((a, b) => Buffer.compare(a.key, b.key));
  }
  const genesis = decodeRuntimeGenesis(spec.genesis.runtimeGenesis.config, spec.properties.ss58Format);
  const state = new OverlayState({ get: () => undefined });
  buildRuntimeGenesis(state, genesis);
  return state.changes();
}

export function buildGenesisBlock(spec: ChainSpec): GenesisBlock {
  const state = genesisState(spec);
  const trie = new MerkleTrie(EMPTY_TRIE_ROOT, new MemoryNodeStore());
  for (const { key, value } of state) if (value) trie.put(key, value);
  const { root, nodes } = trie.commit();
  const header: Header = { parentHash: new Uint8Array(32), number: 0, stateRoot: root, extrinsicsRoot: orderedTrieRoot([]), digest: [] };
  return { header, hash: blake2b256(codecs.header.encode(header)), state, trieNodes: nodes };
}

/** Reads the genesis state without a database (e.g. the runtime config before the chain opens). */
export function genesisStateReader(genesis: GenesisBlock): { get(key: Uint8Array): Uint8Array | undefined } {
  const entries = new Map(genesis.state.map((e) => [toHex(e.key), e.value]));
  return { get: (key) => entries.get(toHex(key)) ?? undefined };
}

/** `export-chain-spec --raw`: the same spec with its genesis replaced by the raw state. */
export function toRawChainSpec(spec: ChainSpec): ChainSpec {
  const top: Record<string, string> = {};
  for (const { key, value } of genesisState(spec)) if (value) top[toHex(key)] = toHex(value);
  return { ...spec, genesis: { raw: { top, childrenDefault: {} } } };
}
