import { fromHex, isHex, toHex } from "../primitives/bytes.ts";
import { codecs, type Header } from "../primitives/codec/index.ts";
import { blake2b256 } from "../primitives/hash.ts";
import { EMPTY_TRIE_ROOT, MerkleTrie, orderedTrieRoot } from "../primitives/trie/trie.ts";
import { MemoryNodeStore } from "../primitives/trie/nodeStore.ts";
import { buildRuntimeGenesis, genesisConfig as config, GenesisConfigError, OverlayState, type RuntimeGenesis, type StateChange } from "../runtime/api.ts";
import { invalid, type ChainSpec, type RuntimeGenesisConfig } from "./chainSpec.ts";

export interface GenesisBlock {
  header: Header;
  hash: Uint8Array;
  /** The genesis state's entries, sorted by key. */
  state: StateChange[];
  /** Trie nodes of the genesis state, to be stored with the genesis block. */
  trieNodes: Array<[Uint8Array, Uint8Array]>;
}

/** Decodes and checks the core modules' sections of a (non-raw) chain spec; throws `GenesisConfigError`. */
export function decodeRuntimeGenesis(spec: RuntimeGenesisConfig, ss58Format: number): RuntimeGenesis {
  const s = config.object(spec.system, "system");
  const tp = config.object(spec.transactionPayment, "transactionPayment");
  const b = config.object(spec.balances, "balances");
  const authorities = config.array(config.object(spec.aura, "aura").authorities, "aura.authorities").map((a, i) => config.account(a, `aura.authorities[${i}]`));
  if (authorities.length === 0) throw new GenesisConfigError("aura.authorities", "at least one authority is required");
  const existentialDeposit = config.amount(b.existentialDeposit, "balances.existentialDeposit");
  const balances = config.array(b.balances, "balances.balances").map((entry, i): [Uint8Array, bigint] => {
    const [who, amount] = config.array(entry, `balances.balances[${i}]`);
    const free = config.amount(amount, `balances.balances[${i}][1]`);
    if (free < existentialDeposit) throw new GenesisConfigError(`balances.balances[${i}][1]`, `endowment ${free} is below the existential deposit ${existentialDeposit}`);
    return [config.account(who, `balances.balances[${i}][0]`), free];
  });
  return {
    config: {
      slotDurationMs: config.uint(s.slotDurationMs, "system.slotDurationMs", { min: 1 }),
      existentialDeposit,
      baseFee: config.amount(tp.baseFee, "transactionPayment.baseFee"),
      lengthFeePerByte: config.amount(tp.lengthFeePerByte, "transactionPayment.lengthFeePerByte"),
      weightFeePerUnit: config.amount(tp.weightFeePerUnit, "transactionPayment.weightFeePerUnit"),
      feeBurnPercent: config.uint(tp.feeBurnPercent, "transactionPayment.feeBurnPercent", { max: 100 }),
      treasury: config.account(config.object(spec.treasury, "treasury").account, "treasury.account"),
      maxBlockExtrinsics: config.uint(s.maxBlockExtrinsics, "system.maxBlockExtrinsics"),
      maxBlockWeight: BigInt(config.uint(s.maxBlockWeight, "system.maxBlockWeight", { min: 1, max: Number.MAX_SAFE_INTEGER })),
      maxBlockBytes: config.uint(s.maxBlockBytes, "system.maxBlockBytes"),
      maxExtrinsicBytes: config.uint(s.maxExtrinsicBytes, "system.maxExtrinsicBytes"),
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
  const sections = spec.genesis.runtimeGenesis.config;
  const state = new OverlayState({ get: () => undefined });
  try {
    buildRuntimeGenesis(state, decodeRuntimeGenesis(sections, spec.properties.ss58Format), sections);
  } catch (e) {
    if (e instanceof GenesisConfigError) invalid(e.type.field, e.type.reason);
    throw e;
  }
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
