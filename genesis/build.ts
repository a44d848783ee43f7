import { compareBytes, fromHex, isHex, toHex } from "../primitives/bytes.ts";
import { codecs, type Header } from "../primitives/codec/index.ts";
import { blake2b256 } from "../primitives/hash.ts";
import { orderedTrieRoot } from "../primitives/trie/trie.ts";
import { trieFromSortedEntries } from "../primitives/trie/fromSorted.ts";
import type { PackedTrieNodes } from "../primitives/trie/packedNodes.ts";
import { buildRuntimeGenesis, GenesisConfigError, system, type RuntimeConfig, type StateChange } from "../runtime/api.ts";
import { invalid, type ChainSpec } from "./chainSpec.ts";
import { GenesisState } from "./genesisState.ts";

/** What opening a chain takes of its genesis (node/openChain.ts): no state entries. */
export interface ChainGenesis {
  header: Header;
  hash: Uint8Array;
  /** Read from the genesis state: the node has no other reader of that state before its database opens. */
  runtimeConfig: RuntimeConfig;
  /** Trie nodes of the genesis state, to be stored with the genesis block. */
  trieNodes: PackedTrieNodes;
}

export interface GenesisBlock extends ChainGenesis {
  /** The genesis state's entries, sorted by key. */
  state: StateChange[];
}

/** What a running node keeps of its genesis block. */
export type GenesisHeader = Pick<ChainGenesis, "header" | "hash">;

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
  const state = new GenesisState();
  try {
    buildRuntimeGenesis(state, { sections: spec.genesis.runtimeGenesis.config, ss58Format: spec.properties.ss58Format });
  } catch (e) {
    if (e instanceof GenesisConfigError) invalid(e.type.field, e.type.reason);
    throw e;
  }
  return state.changes();
}

/** The genesis block with its state entries (tests, tools reading the genesis state). */
export function buildGenesisBlock(spec: ChainSpec): GenesisBlock {
  const state = genesisState(spec);
  return { ...fromState(state), state };
}

/**
 * The genesis block without its state entries, for a node: they are garbage once this returns
 * instead of living on beside the trie nodes while those are written (a million-device genesis
 * holds 3 million entries, ~0.7 GB of heap: docs/scale.md, "Memory").
 */
export function buildChainGenesis(spec: ChainSpec): ChainGenesis {
  return fromState(genesisState(spec));
}

function fromState(state: StateChange[]): ChainGenesis {
  // Built bottom-up from the sorted entries: a genesis may hold millions (docs/scale.md).
  const { root, nodes } = trieFromSortedEntries(state.filter((e): e is { key: Uint8Array; value: Uint8Array } => e.value !== null));
  const header: Header = { parentHash: new Uint8Array(32), number: 0, stateRoot: root, extrinsicsRoot: orderedTrieRoot([]), digest: [] };
  const runtimeConfig = system.runtimeConfig(sortedStateReader(state));
  return { header, hash: blake2b256(codecs.header.encode(header)), runtimeConfig, trieNodes: nodes };
}

/** Reads the genesis state without a database (e.g. a CLI command's session keys). */
export function genesisStateReader(genesis: GenesisBlock): { get(key: Uint8Array): Uint8Array | undefined } {
  return sortedStateReader(genesis.state);
}

/**
 * A binary search of entries sorted by key, with no index of its own (a map of every entry of a
 * million-device genesis would cost hundreds of MB).
 */
function sortedStateReader(state: StateChange[]): { get(key: Uint8Array): Uint8Array | undefined } {
  return {
    get: (key) => {
      let lo = 0;
      let hi = state.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        const order = compareBytes(state[mid].key, key);
        if (order === 0) return state[mid].value ?? undefined;
        if (order < 0) lo = mid + 1;
        else hi = mid;
      }
      return undefined;
    },
  };
}

/** `export-chain-spec --raw`: the same spec with its genesis replaced by the raw state. */
export function toRawChainSpec(spec: ChainSpec): ChainSpec {
  const top: Record<string, string> = {};
  for (const { key, value } of genesisState(spec)) if (value) top[toHex(key)] = toHex(value);
  return { ...spec, genesis: { raw: { top, childrenDefault: {} } } };
}
