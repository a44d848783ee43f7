import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadChainSpecFile, type ChainSpec, type RuntimeGenesisConfig } from "../../genesis/chainSpec.ts";
import { PRESETS } from "../../genesis/presets.ts";
import { fromHex, utf8 } from "../../primitives/bytes.ts";
import { blake2b256 } from "../../primitives/hash.ts";
import { devAccountOf, type DevAccountName } from "../../primitives/keys/devAccounts.ts";
import { decodeAddress } from "../../primitives/keys/ss58.ts";
import { nodeKeyHex, peerIdOfNodeKey } from "../../p2p/nodeKey.ts";
import { TestnetError } from "./errors.ts";

/**
 * The plan of a local testnet: one node per validator of the chain spec, each with a
 * deterministic node key (so its peer id is the same on every start and can be written into
 * scripts), its own base path `<dir>/<name>`, consecutive ports, and every other validator as a
 * bootnode. See docs/testnet.md.
 */

/** The spec the testnet writes into its base path and gives every node, so that all build one genesis. */
export const TESTNET_SPEC_FILE = "chain-spec.json";

/** The ports of the validator at `index` (0-based, in the spec's authority order). */
export interface NodePorts {
  p2p: number;
  rpc: number;
  /** null: `--no-prometheus`. */
  prometheus: number | null;
}

export interface TestnetPlanOpts {
  /** Validators asked for; must equal the spec's authorities. */
  validators: number;
  basePath: string;
  /** `local` (the preset) or a chain spec file. */
  chain: string;
  /** Slot duration to write into the spec; undefined keeps the spec's. */
  slotMs?: number;
  portsOf(index: number): NodePorts;
  /** Passed to each node as `--log`. */
  logLevel?: string;
}

export interface TestnetNode {
  /** The dev account name, e.g. `Alice`. */
  name: DevAccountName;
  /** 64 hex characters, `--node-key`. */
  nodeKey: string;
  peerId: string;
  ports: NodePorts;
  basePath: string;
  /** `/ip4/127.0.0.1/tcp/<p2p>/p2p/<peer id>`: what the other nodes use as a bootnode. */
  multiaddr: string;
  /** What makes the node this validator of this network: authoring key, name, p2p port, node key, bootnodes, log level. */
  peerArgs: string[];
  /** The arguments after `cli/bin.ts`: chain, base path, RPC and Prometheus ports, then `peerArgs`. */
  args: string[];
}

export interface TestnetPlan {
  specPath: string;
  slotMs: number;
  nodes: TestnetNode[];
}

/**
 * A validator's node key: blake2b-256 of `arkreen-testnet//<name>`. Deterministic, so that a
 * restarted testnet (or a test) knows every peer id in advance; public, so never for a real network.
 */
export function testnetNodeKey(name: string): Uint8Array {
  return blake2b256(utf8(`arkreen-testnet//${name}`));
}

function runtimeConfig(spec: ChainSpec, chain: string): RuntimeGenesisConfig {
  if (!("runtimeGenesis" in spec.genesis)) throw new TestnetError({ code: "RAW_SPEC", chain }, `${chain}: a raw chain spec does not name its authorities; use a runtimeGenesis spec`);
  return spec.genesis.runtimeGenesis.config;
}

/** The dev account whose key each Aura authority is: the testnet can only start validators whose keys it has. */
export function authorityNames(spec: ChainSpec, chain: string): DevAccountName[] {
  return runtimeConfig(spec, chain).aura.authorities.map((authority) => {
    let key: Uint8Array;
    try {
      key = authority.startsWith("0x") ? fromHex(authority) : decodeAddress(authority);
    } catch {
      throw new TestnetError({ code: "UNKNOWN_AUTHORITY", authority }, `authority ${authority} is not a valid address`);
    }
    const name = devAccountOf(key);
    if (name === undefined) throw new TestnetError({ code: "UNKNOWN_AUTHORITY", authority }, `authority ${authority} is not a dev account (//Alice…//Ferdie): the testnet has no key for it`);
    return name;
  });
}

/** The spec with `slotMs`, keeping the presets' rule that a third of the slot is for extrinsics' execution. */
function withSlot(spec: ChainSpec, chain: string, slotMs: number): ChainSpec {
  const copy = structuredClone(spec);
  const system = runtimeConfig(copy, chain).system;
  system.slotDurationMs = slotMs;
  system.maxBlockWeight = Math.floor(slotMs / 3) * 1_000_000;
  return copy;
}

/**
 * Writes `<basePath>/chain-spec.json` unless it is there, and returns it. An existing one is a
 * testnet started before: its databases hold that spec's genesis, so a different `--slot-ms` or
 * `--chain` would make every node refuse to start; that is reported instead.
 */
function prepareSpec(opts: TestnetPlanOpts, source: ChainSpec): { spec: ChainSpec; path: string } {
  const path = join(opts.basePath, TESTNET_SPEC_FILE);
  const wanted = opts.slotMs === undefined ? source : withSlot(source, opts.chain, opts.slotMs);
  if (existsSync(path)) {
    const existing = loadChainSpecFile(path);
    if (JSON.stringify(existing) !== JSON.stringify(wanted)) {
      throw new TestnetError(
        { code: "SPEC_CONFLICT", path, reason: "another chain or slot" },
        `${path} holds another chain spec (a testnet started with other --chain/--slot-ms): use another --base-path, or remove it`,
      );
    }
    return { spec: existing, path };
  }
  mkdirSync(opts.basePath, { recursive: true });
  writeFileSync(path, JSON.stringify(wanted, null, 2));
  return { spec: wanted, path };
}

/** Everything needed to start the testnet's nodes; writes the chain spec. */
export async function planTestnet(opts: TestnetPlanOpts): Promise<TestnetPlan> {
  const source = PRESETS[opts.chain]?.() ?? loadChainSpecFile(opts.chain);
  const names = authorityNames(source, opts.chain);
  if (opts.validators !== names.length) {
    throw new TestnetError(
      { code: "VALIDATOR_COUNT_MISMATCH", requested: opts.validators, authorities: names.length, chain: opts.chain },
      `--validators ${opts.validators} does not match chain ${opts.chain}, which has ${names.length} authorities (${names.join(", ")}); ` +
        `pass --validators ${names.length} or a chain spec with ${opts.validators} authorities`,
    );
  }
  const { spec, path: specPath } = prepareSpec(opts, source);
  const described = await Promise.all(
    names.map(async (name, index) => {
      const secret = testnetNodeKey(name);
      const peerId = await peerIdOfNodeKey(secret);
      const ports = opts.portsOf(index);
      return { name, nodeKey: nodeKeyHex(secret), peerId, ports, basePath: join(opts.basePath, name.toLowerCase()), multiaddr: `/ip4/127.0.0.1/tcp/${ports.p2p}/p2p/${peerId}` };
    }),
  );
  const nodes = described.map((node): TestnetNode => {
    // Every other validator as a bootnode: there is no peer discovery beyond bootnodes, and the
    // bootnode redial reconnects whichever node restarts, the first one included.
    const bootnodes = described.filter((other) => other !== node).map((other) => other.multiaddr);
    const peerArgs = [
      `--${node.name.toLowerCase()}`,
      "--name", node.name,
      "--port", String(node.ports.p2p),
      "--node-key", node.nodeKey,
      ...(opts.logLevel === undefined ? [] : ["--log", opts.logLevel]),
      ...(bootnodes.length > 0 ? ["--bootnodes", ...bootnodes] : []),
    ];
    const args = [
      "--chain", specPath,
      "--base-path", node.basePath,
      "--rpc-port", String(node.ports.rpc),
      ...(node.ports.prometheus === null ? ["--no-prometheus"] : ["--prometheus-port", String(node.ports.prometheus)]),
      ...peerArgs,
    ];
    return { ...node, peerArgs, args };
  });
  return { specPath, slotMs: runtimeConfig(spec, opts.chain).system.slotDurationMs, nodes };
}
